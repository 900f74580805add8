/**
 * The options of the response-time alarm of a ServiceAlarms: the public ResponseTimeAlarmOptions, their defaults,
 * and their resolution into checked values.
 */
import { Duration } from 'aws-cdk-lib';
import { AlarmOptions } from './alarm-options';
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
export interface ResponseTimeAlarmOptions extends AlarmOptions {
  /**
   * The p99 response time, in seconds, above which the alarm fires.
   *
   * The comparison is strictly greater than. Must be a number above 0 (0.5 for 500 milliseconds).
   *
   * @default 1
   */
  readonly threshold?: number;

  /**
   * The fewest requests a period needs for its p99 response time to count.
   *
   * A period with fewer requests evaluates to 0 (not breaching): with few requests the p99 is the slowest one.
   * Must be a positive integer; 1 counts every period with traffic.
   *
   * @default 1
   */
  readonly minimumRequests?: number;
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
