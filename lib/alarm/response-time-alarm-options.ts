/**
 * The options of the response-time alarm of a ServiceAlarms: the public ResponseTimeAlarmOptions, their defaults,
 * and their resolution into checked values.
 */
import { Duration } from 'aws-cdk-lib';
import { AlarmPropOrigin, invalidProp, propName, requireConcreteNumber } from './error-rate-alarm-options';
import { resolveMinimum } from './function-alarm-options';
import { ResolvedServiceAlarm, resolveEvaluation, resolveNaming } from './resolved-service-alarm';

/** The defaults of the response-time alarm: p99 above 1 second in each of 3 consecutive 5-minute periods. */
export const RESPONSE_TIME_DEFAULTS = { threshold: 1, period: Duration.minutes(5), evaluationPeriods: 3 };

/**
 * How the response-time alarm of a ServiceAlarms watches how long the service's tasks take to answer.
 *
 * The alarm computes `IF(requests >= minimumRequests, responseTime, 0)` from the target group's `TargetResponseTime`
 * (statistic `p99`, in seconds: from the load balancer sending a request to a task until the task starts its
 * response) and `RequestCount` (statistic `Sum`), one datapoint per `period`, and fires when that is above
 * `threshold` seconds in `datapointsToAlarm` of the last `evaluationPeriods` periods. Periods without requests
 * count as not breaching.
 *
 * The defaults (p99 above 1 second in each of 3 consecutive 5-minute periods) fit an API served by a Rust service,
 * whose p99 is usually tens of milliseconds: a second is slow enough that users notice, and 15 minutes of it is not
 * the warm-up of a new task or one slow burst. Raise `threshold` for endpoints that are slow by design (uploads,
 * reports, long polling).
 */
export interface ResponseTimeAlarmOptions {
  /**
   * Whether to create the response-time alarm.
   *
   * When false, no alarm is created and the other options of this alarm are ignored.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The p99 response time, in seconds, above which the alarm fires.
   *
   * The comparison is strictly greater than. Must be a number above 0 (0.5 for 500 milliseconds).
   *
   * @default 1
   */
  readonly threshold?: number;

  /**
   * The length of one evaluation period: the window over which the p99 response time is taken.
   *
   * Must be a whole number of minutes (CloudWatch publishes load balancer metrics per minute). `period` times
   * `evaluationPeriods` may not exceed one day when the period is shorter than an hour, or seven days otherwise.
   *
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;

  /**
   * How many of the most recent periods the alarm looks at (the N of "M out of N").
   *
   * Must be a positive integer.
   *
   * @default 3
   */
  readonly evaluationPeriods?: number;

  /**
   * How many of the last `evaluationPeriods` periods must breach for the alarm to fire (the M of "M out of N").
   *
   * Must be an integer from 1 to `evaluationPeriods`.
   *
   * @default - the value of `evaluationPeriods` (every evaluated period must breach)
   */
  readonly datapointsToAlarm?: number;

  /**
   * The fewest requests a period needs for its p99 response time to count.
   *
   * A period with fewer requests evaluates to 0 (not breaching): with few requests the p99 is the slowest one.
   * Must be a positive integer; 1 counts every period with traffic.
   *
   * @default 1
   */
  readonly minimumRequests?: number;

  /**
   * The alarm's name.
   *
   * It must be unique in the account and region, at most 255 characters, without control characters.
   *
   * @default - `<stack name>-<ServiceAlarms construct path>-ResponseTime`, sanitized and shortened like the
   * 5xx-rate alarm's
   */
  readonly alarmName?: string;

  /**
   * The alarm's description, shown in the console and in notifications.
   *
   * At most 1024 characters.
   *
   * @default - a sentence naming the service, the threshold and the evaluation window, and where to look
   */
  readonly alarmDescription?: string;
}

/** The response-time alarm's options after defaults and validation; `threshold` is in seconds. */
export interface ResolvedResponseTimeAlarm extends ResolvedServiceAlarm {
  readonly minimumRequests: number;
}

/** Applies the defaults to `options` and checks every value; `origin` names the props as the user wrote them. */
export function resolveResponseTime(options: ResponseTimeAlarmOptions, origin: AlarmPropOrigin): ResolvedResponseTimeAlarm {
  const defaults = RESPONSE_TIME_DEFAULTS;
  const threshold = options.threshold ?? defaults.threshold;
  requireConcreteNumber(threshold, 'threshold', origin);
  if (!(threshold > 0 && Number.isFinite(threshold))) {
    const prop = propName(origin, 'threshold');
    throw invalidProp(
      origin,
      `${prop} must be a number of seconds above 0, got ${threshold}.`,
      `Pass the p99 response time in seconds, e.g. ${prop}: 1 for one second (0.5 for 500 ms).`,
    );
  }
  const evaluation = resolveEvaluation(options, defaults, (evaluationPeriods) => evaluationPeriods, origin);
  const minimumRequests = resolveMinimum(options.minimumRequests, 'minimumRequests', 'requests', origin);
  return { threshold, ...evaluation, minimumRequests, ...resolveNaming(options, origin) };
}
