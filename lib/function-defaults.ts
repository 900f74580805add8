/**
 * What RustFunction creates for a function unless told otherwise: its role, its log group, its logging settings, its
 * alarms (error rate, duration, throttles), and the dead-letter acknowledgement.
 */
import { Annotations, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DurationAlarm, ErrorRateAlarm, ThrottlesAlarm } from './alarm';
import type { RustFunctionProps } from './function';
import { errorRateAlarmOff } from './function-checks';
import { hostLanguage, inHostSpelling } from './private/host-spelling';

/** The function's error-rate alarm, unless it is turned off; warns about the deprecated `errorRateAlarm: false`. */
export function errorRateAlarmOf(fn: lambda.Function, props: RustFunctionProps): ErrorRateAlarm | undefined {
  if (props.errorRateAlarm === false) {
    Annotations.of(fn).addWarningV2(
      'cdk-rust:error-rate-alarm-false',
      inHostSpelling(
        'errorRateAlarm: false is deprecated: use errorRateAlarm: { enabled: false }, which turns the alarm off the same way.',
        hostLanguage(),
      ),
    );
  }
  if (errorRateAlarmOff(props.errorRateAlarm)) return undefined;
  return new ErrorRateAlarm(fn, 'ErrorRateAlarm', { ...props.errorRateAlarm, function: fn, topic: props.alarmTopic });
}

/** The function's duration alarm (p99 duration near its timeout), unless `durationAlarm.enabled` is false. */
export function durationAlarmOf(fn: lambda.Function, props: RustFunctionProps): DurationAlarm | undefined {
  if (props.durationAlarm?.enabled === false) return undefined;
  return new DurationAlarm(fn, 'DurationAlarm', { ...props.durationAlarm, function: fn, topic: props.alarmTopic });
}

/** The function's throttles alarm, unless `throttlesAlarm.enabled` is false. */
export function throttlesAlarmOf(fn: lambda.Function, props: RustFunctionProps): ThrottlesAlarm | undefined {
  if (props.throttlesAlarm?.enabled === false) return undefined;
  return new ThrottlesAlarm(fn, 'ThrottlesAlarm', { ...props.throttlesAlarm, function: fn, topic: props.alarmTopic });
}

/** The function's own role: assumed by Lambda, no AWS-managed policy (grants are added to it later). */
export function defaultRole(scope: Construct, id: string): iam.Role {
  return new iam.Role(scope, `${id}ServiceRole`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of the Rust function ${id}`,
  });
}

/** The function's own log group, with retention instead of the deprecated `logRetention` helper Lambda. */
export function defaultLogGroup(scope: Construct, id: string, props: RustFunctionProps): logs.LogGroup {
  return new logs.LogGroup(scope, `${id}LogGroup`, {
    retention: props.logGroupRetention ?? logs.RetentionDays.ONE_MONTH,
    removalPolicy: props.logGroupRemovalPolicy ?? RemovalPolicy.RETAIN,
  });
}

/**
 * JSON logs at application and system level INFO by default (system INFO keeps Lambda's `platform.report` record,
 * which carries each cold start's init duration); log levels exist only for JSON logs.
 */
export function defaultLogging(format: lambda.LoggingFormat | undefined): Partial<lambda.FunctionProps> {
  const loggingFormat = format ?? lambda.LoggingFormat.JSON;
  return loggingFormat === lambda.LoggingFormat.JSON
    ? { loggingFormat, applicationLogLevelV2: lambda.ApplicationLogLevel.INFO, systemLogLevelV2: lambda.SystemLogLevel.INFO }
    : { loggingFormat };
}

export function acknowledgeNoDeadLetterTarget(fn: lambda.Function): void {
  Validations.of(fn).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason:
      'A dead-letter target only serves asynchronous invocations; set deadLetterQueue, deadLetterTopic or onFailure ' +
      'on functions that are invoked asynchronously.',
  });
}
