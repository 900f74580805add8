/**
 * The options of a throttles alarm (the share of a function's requests that Lambda throttles): the public
 * ThrottlesAlarmOptions, their defaults, and their resolution into checked values, with errors that name each prop
 * as the user wrote it.
 */
import { Duration } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmSubscriptionOptions } from './alarm-subscription-options';
import { AlarmPropOrigin, propName } from './error-rate-alarm-options';
import { ResolvedFunctionAlarm, resolveFunctionAlarm, resolveMinimum } from './function-alarm-options';
import { resolvePercent } from './resolved-service-alarm';

/** The defaults of the throttles alarm: more than 1% of the requests of one 5-minute window throttled. */
export const THROTTLES_DEFAULTS = { threshold: 1, period: Duration.minutes(5), evaluationPeriods: 1 };

/**
 * How a throttles alarm watches the requests Lambda rejects because the function has no concurrency left.
 *
 * The alarm computes `IF(requests >= minimumRequests, 100 * throttles / requests, 0)`, where `throttles` is the
 * function's `Throttles` and `requests` is `Invocations + Throttles` (Lambda counts a throttled request in
 * `Throttles` only, never in `Invocations`), all with statistic `Sum` and filled with 0 where CloudWatch has no
 * datapoint, one datapoint per `period`. It goes to ALARM when that percentage is above `threshold` in
 * `datapointsToAlarm` of the last `evaluationPeriods` periods; periods without requests count as not breaching.
 *
 * A throttled synchronous request fails with a 429 (TooManyRequestsException) that the caller sees; asynchronous and
 * event-source requests are retried, and arrive late. The default (more than 1% of the requests of one 5-minute
 * window) fires on throttling that callers notice, with the same window as the error-rate alarm, but not on the odd
 * request throttled while Lambda scales up, which client retries absorb; AWS's recommended alarm (any throttle in 5
 * consecutive minutes) is `{ threshold: 0, period: Duration.minutes(1), evaluationPeriods: 5 }`.
 */
export interface ThrottlesAlarmOptions extends AlarmSubscriptionOptions {
  /**
   * Whether to create the throttles alarm.
   *
   * On a RustFunction, `throttlesAlarm: { enabled: false }` creates no alarm, and the other options of the alarm are
   * ignored. The standalone ThrottlesAlarm construct refuses `false`: not creating it is how to have no alarm there.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The throttle rate, in percent of the requests (invocations plus throttled requests), above which the alarm fires.
   *
   * The comparison is strictly greater than: with 1, a throttle rate of exactly 1% does not alarm. Must be a number
   * from 0 to 100 (0 alarms on any throttled request).
   *
   * @default 1
   */
  readonly threshold?: number;

  /**
   * The length of one evaluation period: the window over which throttles and requests are summed.
   *
   * Must be a whole number of minutes (CloudWatch accepts 60-second multiples for Lambda's standard-resolution
   * metrics). `period` times `evaluationPeriods` may not exceed one day when the period is shorter than an hour, or
   * seven days otherwise.
   *
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;

  /**
   * How many of the most recent periods the alarm looks at (the N of "M out of N").
   *
   * Must be a positive integer.
   *
   * @default 1
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
   * The fewest requests (invocations plus throttled requests) a period needs for its throttle rate to count.
   *
   * A period with fewer requests evaluates to 0% (not breaching). Must be a positive integer; 1 counts every period
   * with traffic.
   *
   * @default 1
   */
  readonly minimumRequests?: number;

  /**
   * The alarm's name.
   *
   * It must be unique in the account and region, at most 255 characters, without control characters.
   *
   * @default - `<stack name>-<function construct path>-Throttles`, sanitized and shortened like the error-rate alarm's
   */
  readonly alarmName?: string;

  /**
   * The alarm's description, shown in the console and in notifications.
   *
   * At most 1024 characters.
   *
   * @default - a sentence naming the function, the threshold and the evaluation window, and where to look
   */
  readonly alarmDescription?: string;
}

/** The throttles alarm's options after defaults and validation. */
export interface ResolvedThrottlesAlarmOptions extends ResolvedFunctionAlarm {
  readonly minimumRequests: number;
}

/**
 * Applies the defaults to `options` and checks every value, and that `topic` (when given) can take the requested
 * subscriptions.
 *
 * @param options the options as the user gave them
 * @param topic the topic the alarm notifies, when the user gave one
 * @param origin where the user wrote them, for error messages
 * @throws CdkRustError INVALID_PROP naming the first invalid prop
 */
export function resolveThrottlesAlarmOptions(
  options: ThrottlesAlarmOptions,
  topic: sns.ITopic | undefined,
  origin: AlarmPropOrigin,
): ResolvedThrottlesAlarmOptions {
  const threshold = resolvePercent(
    options.threshold ?? THROTTLES_DEFAULTS.threshold,
    origin,
    `Pass the throttle rate in percent, e.g. ${propName(origin, 'threshold')}: 1 for 1% (not 0.01).`,
  );
  const resolved = resolveFunctionAlarm(options, threshold, THROTTLES_DEFAULTS, topic, origin);
  return { ...resolved, minimumRequests: resolveMinimum(options.minimumRequests, 'minimumRequests', 'requests', origin) };
}
