/**
 * The options of the 5xx-rate alarm of a ServiceAlarms: the public Http5xxRateAlarmOptions, their defaults, and their
 * resolution into checked values.
 */
import { Duration } from 'aws-cdk-lib';
import { AlarmOptions } from './alarm-options';
import { AlarmPropOrigin, propName, requirePositiveInteger } from './error-rate-alarm-options';
import { ResolvedServiceAlarm, resolveEvaluation, resolveNaming, resolvePercent } from './resolved-service-alarm';

/** The defaults of the 5xx-rate alarm: above 5% of the requests of one 5-minute window. */
export const HTTP_5XX_RATE_DEFAULTS = { threshold: 5, period: Duration.minutes(5), evaluationPeriods: 1, minimumRequests: 1 };

/**
 * How the 5xx-rate alarm of a ServiceAlarms watches the load balancer in front of the service.
 *
 * The alarm computes `IF(requests >= minimumRequests, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)`
 * from the target group's `HTTPCode_Target_5XX_Count` (5xx responses of the service's tasks) and `RequestCount`, and
 * the load balancer's `HTTPCode_ELB_5XX_Count` (5xx responses the balancer generates itself, e.g. 502 when a task
 * closes the connection, 503 when no task is registered, 504 when a task does not answer in time), all with
 * statistic `Sum`, one datapoint per `period`. The 5xx counts are filled with 0, since CloudWatch publishes no
 * datapoint for a period without any, so that a period with requests and no 5xx counts as 0%. The alarm fires when
 * the percentage is above `threshold` in `datapointsToAlarm` of the last `evaluationPeriods` periods; periods
 * without requests count as not breaching.
 *
 * CloudWatch publishes `HTTPCode_ELB_5XX_Count` per load balancer only: on a load balancer shared by several
 * services, each service's 5xx rate includes the balancer's 5xx responses to the others. Requests the balancer
 * rejects before choosing a target (a 503 because no task is registered) are not in `RequestCount`: in a period
 * with only such requests the rate is 0%, and the unhealthy-hosts alarm is the one that sees the failing tasks.
 */
export interface Http5xxRateAlarmOptions extends AlarmOptions {
  /**
   * The 5xx rate, in percent of the target group's requests, above which the alarm fires.
   *
   * The comparison is strictly greater than: with 5, a 5xx rate of exactly 5% does not alarm. Must be a number from
   * 0 to 100 (0 alarms on any 5xx response).
   *
   * @default 5
   */
  readonly threshold?: number;

  /**
   * The fewest requests a period needs for its 5xx rate to count.
   *
   * A period with fewer requests evaluates to 0% (not breaching), so that one failed request out of two at night
   * does not page anyone as a 50% 5xx rate. Must be a positive integer; 1 counts every period with traffic.
   *
   * @default 1
   */
  readonly minimumRequests?: number;
}

/** The 5xx-rate alarm's options after defaults and validation. */
export interface ResolvedHttp5xxRateAlarm extends ResolvedServiceAlarm {
  readonly minimumRequests: number;
}

/** Applies the defaults to `options` and checks every value; `origin` names the props as the user wrote them. */
export function resolveHttp5xxRate(options: Http5xxRateAlarmOptions, origin: AlarmPropOrigin): ResolvedHttp5xxRateAlarm {
  const defaults = HTTP_5XX_RATE_DEFAULTS;
  const threshold = resolvePercent(
    options.threshold ?? defaults.threshold,
    origin,
    `Pass the 5xx rate in percent, e.g. ${propName(origin, 'threshold')}: 5 for 5% (not 0.05).`,
  );
  const evaluation = resolveEvaluation(options, defaults, (evaluationPeriods) => evaluationPeriods, origin);
  const minimumRequests = requirePositiveInteger(
    options.minimumRequests ?? defaults.minimumRequests,
    'minimumRequests',
    origin,
    'Pass 1 to count every period with traffic, or more to ignore periods with few requests.',
  );
  return { threshold, ...evaluation, minimumRequests, ...resolveNaming(options, origin) };
}
