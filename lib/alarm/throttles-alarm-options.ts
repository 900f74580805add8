/**
 * The options of a throttles alarm (the share of a function's requests that Lambda throttles): the public
 * ThrottlesAlarmOptions, their defaults, and their resolution into checked values, with errors that name each prop
 * as the user wrote it.
 */
import { Duration } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmOptions } from './alarm-options';
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
export interface ThrottlesAlarmOptions extends AlarmOptions, AlarmSubscriptionOptions {
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
   * The fewest requests (invocations plus throttled requests) a period needs for its throttle rate to count.
   *
   * A period with fewer requests evaluates to 0% (not breaching). Must be a positive integer; 1 counts every period
   * with traffic.
   *
   * @default 1
   */
  readonly minimumRequests?: number;
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
