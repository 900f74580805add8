/**
 * What RustFunction refuses before anything is built: props that cannot work together, named as the user wrote them.
 */
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { resolveDurationAlarmOptions, resolveTimeout } from './alarm/duration-alarm-options';
import { AlarmPropOrigin, resolveErrorRateAlarmOptions } from './alarm/error-rate-alarm-options';
import { resolveThrottlesAlarmOptions } from './alarm/throttles-alarm-options';
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
  const alarmsOff = functionAlarmsOff(props);
  if (props.alarmTopic && alarmsOff.length === FUNCTION_ALARMS) {
    const names = `${alarmsOff.slice(0, -1).join(', ')} and ${alarmsOff[alarmsOff.length - 1]}`;
    throw new CdkRustError(
      'INVALID_PROP',
      `alarmTopic is set, but ${names} are all false, so nothing would notify it.`,
      `remove alarmTopic, or turn an alarm on (e.g. remove ${alarmsOff[0]}: false).`,
    );
  }
}

/** How many alarms a RustFunction has when none is turned off: error rate, duration, throttles. */
const FUNCTION_ALARMS = 3;

/**
 * How the user turned each of the function's alarms off, as they wrote it (`errorRateAlarm`,
 * `errorRateAlarm.enabled`, `durationAlarm.enabled`, `throttlesAlarm.enabled`); empty when all are on.
 */
function functionAlarmsOff(props: RustFunctionProps): string[] {
  const off = [errorRateAlarmOff(props.errorRateAlarm)];
  if (props.durationAlarm?.enabled === false) off.push('durationAlarm.enabled');
  if (props.throttlesAlarm?.enabled === false) off.push('throttlesAlarm.enabled');
  return off.filter((name): name is string => name !== undefined);
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
 * Checks errorRateAlarm, durationAlarm, throttlesAlarm and alarmTopic before the build, and names them as written on
 * RustFunction (`errorRateAlarm.threshold`, not `threshold`). The alarms created later check the same values again.
 *
 * @param timeout the function's timeout (its `timeout`, or RustFunction's default), which the duration alarm needs
 */
export function validateAlarmProps(props: RustFunctionProps, constructPath: string, timeout: Duration): void {
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
  const origin = (optionPrefix: string): AlarmPropOrigin => ({ constructPath, optionPrefix, topicProp: 'alarmTopic' });
  const options = props.errorRateAlarm;
  if (options !== false && options?.enabled !== false) {
    resolveErrorRateAlarmOptions(options ?? {}, props.alarmTopic, origin('errorRateAlarm.'));
  }
  if (props.durationAlarm?.enabled !== false) {
    resolveDurationAlarmOptions(props.durationAlarm ?? {}, props.alarmTopic, origin('durationAlarm.'));
    resolveTimeout(timeout, constructPath, origin('durationAlarm.'));
  }
  if (props.throttlesAlarm?.enabled !== false) {
    resolveThrottlesAlarmOptions(props.throttlesAlarm ?? {}, props.alarmTopic, origin('throttlesAlarm.'));
  }
}
