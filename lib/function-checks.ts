/**
 * What RustFunction refuses before anything is built: props that cannot work together, named as the user wrote them.
 */
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { resolveErrorRateAlarmOptions } from './alarm/error-rate-alarm-options';
import { CdkRustError } from './errors';
import type { RustFunctionProps } from './function';

export function validateProps(props: RustFunctionProps, runtime: lambda.Runtime): void {
  if (runtime.family !== lambda.RuntimeFamily.OTHER || !runtime.name.startsWith('provided')) {
    throw new CdkRustError(
      'INVALID_PROP',
      `runtime: ${runtime.name} cannot run a Rust binary.`,
      'use lambda.Runtime.PROVIDED_AL2023 (the default), an OS-only runtime.',
    );
  }
  if (props.logRetention !== undefined) {
    throw new CdkRustError(
      'INVALID_PROP',
      'logRetention is deprecated and deploys a helper Lambda with an AWS-managed policy; RustFunction creates its own log group.',
      'use logGroupRetention (and logGroupRemovalPolicy) instead.',
    );
  }
  if (props.logGroup && (props.logGroupRetention !== undefined || props.logGroupRemovalPolicy !== undefined)) {
    throw new CdkRustError(
      'INVALID_PROP',
      'logGroupRetention and logGroupRemovalPolicy apply only to the log group RustFunction creates, but logGroup was given.',
      'set retention and removal policy on the log group you pass, and drop these props.',
    );
  }
  const alarmOff = errorRateAlarmOff(props.errorRateAlarm);
  if (props.alarmTopic && alarmOff) {
    throw new CdkRustError(
      'INVALID_PROP',
      `alarmTopic is set, but ${alarmOff} is false, so nothing would notify it.`,
      `remove alarmTopic, or turn the error-rate alarm on (remove ${alarmOff}: false).`,
    );
  }
}

/**
 * How the user turned the error-rate alarm off, as they wrote it (`errorRateAlarm` for the deprecated `false`,
 * `errorRateAlarm.enabled` for `{ enabled: false }`); undefined when it is on.
 */
export function errorRateAlarmOff(option: RustFunctionProps['errorRateAlarm']): string | undefined {
  if (option === false) return 'errorRateAlarm';
  return option?.enabled === false ? 'errorRateAlarm.enabled' : undefined;
}

/**
 * Checks errorRateAlarm and alarmTopic before the build, and names them as written on RustFunction
 * (`errorRateAlarm.threshold`, not `threshold`). The ErrorRateAlarm created later checks the same values again.
 */
export function validateAlarmProps(props: RustFunctionProps, constructPath: string): void {
  // Other languages see this prop as `bool | ErrorRateAlarmOptions` (a jsii union), where `True` would
  // read as "an alarm, with defaults" while meaning nothing here: refuse it rather than guess.
  if ((props.errorRateAlarm as unknown) === true) {
    throw new CdkRustError(
      'INVALID_PROP',
      'errorRateAlarm is true, which is not a setting: the error-rate alarm is on unless errorRateAlarm.enabled is false.',
      'leave errorRateAlarm out for the default alarm, pass ErrorRateAlarmOptions to tune it, or { enabled: false } for none.',
      constructPath,
    );
  }
  const options = props.errorRateAlarm;
  if (options === false || options?.enabled === false) return;
  resolveErrorRateAlarmOptions(options ?? {}, props.alarmTopic, {
    constructPath,
    optionPrefix: 'errorRateAlarm.',
    topicProp: 'alarmTopic',
  });
}
