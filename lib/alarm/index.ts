/**
 * The public alarm API. Everything else under lib/alarm/ is internal to cdk-rust.
 */
export { AlarmTopic, AlarmTopicProps } from './alarm-topic';
export { ErrorRateAlarm, ErrorRateAlarmProps } from './error-rate-alarm';
export { ErrorRateAlarmOptions } from './error-rate-alarm-options';
