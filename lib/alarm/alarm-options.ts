/**
 * AlarmOptions: the options every alarm of cdk-rust has (whether to create it, its evaluation window, its name and
 * description), which the options of each alarm extend with its threshold and its low-traffic guard.
 */
import { Duration } from 'aws-cdk-lib';

/**
 * Whether an alarm is created, how many of its periods must breach for it to fire, and what it is called: the options
 * every alarm of cdk-rust shares, on a Lambda function (ErrorRateAlarmOptions, DurationAlarmOptions,
 * ThrottlesAlarmOptions) and on a service (the options of each alarm of ServiceAlarmsOptions).
 *
 * An alarm goes to ALARM when its metric breaches its threshold in `datapointsToAlarm` of the last
 * `evaluationPeriods` periods of `period` each. The options of each alarm add its `threshold` and say what its
 * metric is; an alarm whose defaults differ from those here documents its own.
 */
export interface AlarmOptions {
  /**
   * Whether to create the alarm.
   *
   * When false, no alarm is created and the other options of the alarm are ignored: on a RustFunction,
   * `durationAlarm: { enabled: false }` for instance; on a ServiceAlarms, `cpu: { enabled: false }`. The standalone
   * ErrorRateAlarm, DurationAlarm and ThrottlesAlarm constructs refuse `false`: not creating them is how to have no
   * alarm there.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The length of one evaluation period: the window over which the alarm's metrics are aggregated into one datapoint.
   *
   * Must be a whole number of minutes (CloudWatch evaluates the standard-resolution metrics of Lambda, load balancers
   * and ECS in multiples of 60 seconds). `period` times `evaluationPeriods` may not exceed one day when the period is
   * shorter than an hour, or seven days otherwise. The unhealthy-hosts alarm takes the maximum of
   * `UnHealthyHostCount` over each period.
   *
   * @default - Duration.minutes(5); Duration.minutes(1) for the unhealthy-hosts alarm
   */
  readonly period?: Duration;

  /**
   * How many of the most recent periods the alarm looks at (the N of "M out of N").
   *
   * Must be a positive integer.
   *
   * @default - 1 for the error-rate, throttles and 5xx-rate alarms; 3 for the duration, response-time, CPU and
   * memory alarms; 10 for the unhealthy-hosts alarm
   */
  readonly evaluationPeriods?: number;

  /**
   * How many of the last `evaluationPeriods` periods must breach for the alarm to fire (the M of "M out of N").
   *
   * Must be an integer from 1 to `evaluationPeriods`.
   *
   * @default - the value of `evaluationPeriods` (every evaluated period must breach); for the unhealthy-hosts alarm,
   * 3, or `evaluationPeriods` when that is smaller
   */
  readonly datapointsToAlarm?: number;

  /**
   * The alarm's name.
   *
   * It must be unique in the account and region, at most 255 characters, without control characters.
   *
   * @default - `<stack name>-<construct path>-<alarm>`: for an alarm on a function, the path of the function and
   * `ErrorRate`, `Duration` or `Throttles`; for an alarm of a ServiceAlarms, the path of the ServiceAlarms and
   * `Http5xxRate`, `ResponseTime`, `UnhealthyHosts`, `CpuUtilization` or `MemoryUtilization`; with every character
   * other than letters, digits, `.`, `_` and `-` replaced by `-`, shortened to 255 characters with a hash suffix when
   * longer
   */
  readonly alarmName?: string;

  /**
   * The alarm's description, shown in the console and in notifications.
   *
   * At most 1024 characters.
   *
   * @default - a sentence naming what the alarm watches (the function, or the service and its target group), the
   * threshold and the evaluation window, and, for every alarm but the error-rate alarm, where to look; e.g. "Error
   * rate of MyStack/Api above 5% over 5 minutes"
   */
  readonly alarmDescription?: string;
}
