/**
 * The public alarm API. Everything else under lib/alarm/ is internal to cdk-rust.
 */
export type { AlarmOptions } from './alarm-options';
export { AlarmTopic } from './alarm-topic';
export type { AlarmTopicProps } from './alarm-topic';
export { FunctionAlarm } from './function-alarm';
export { ErrorRateAlarm } from './error-rate-alarm';
export type { ErrorRateAlarmProps } from './error-rate-alarm';
export type { ErrorRateAlarmOptions } from './error-rate-alarm-options';
export { DurationAlarm } from './duration-alarm';
export type { DurationAlarmProps } from './duration-alarm';
export type { DurationAlarmOptions } from './duration-alarm-options';
export { ThrottlesAlarm } from './throttles-alarm';
export type { ThrottlesAlarmProps } from './throttles-alarm';
export type { ThrottlesAlarmOptions } from './throttles-alarm-options';
export { ServiceAlarms } from './service-alarms';
export type { ServiceAlarmsProps } from './service-alarms';
export type { ServiceAlarmsOptions } from './service-alarms-options';
export type { Http5xxRateAlarmOptions } from './http5xx-rate-alarm-options';
export type { ResponseTimeAlarmOptions } from './response-time-alarm-options';
export type { UnhealthyHostsAlarmOptions } from './unhealthy-hosts-alarm-options';
export type { UtilizationAlarmOptions } from './utilization-alarm-options';
export type { AlarmSubscriptionOptions } from './alarm-subscription-options';
