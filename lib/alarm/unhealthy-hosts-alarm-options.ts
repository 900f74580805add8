/**
 * The options of the unhealthy-hosts alarm of a ServiceAlarms: the public UnhealthyHostsAlarmOptions, their
 * defaults, and their resolution into checked values.
 */
import { Duration } from 'aws-cdk-lib';
import { AlarmOptions } from './alarm-options';
import { AlarmPropOrigin, propName, requirePositiveInteger } from './error-rate-alarm-options';
import { ResolvedServiceAlarm, resolveEvaluation, resolveNaming } from './resolved-service-alarm';

/** The defaults of the unhealthy-hosts alarm: at least 1 unhealthy target in 3 of the last 10 minutes. */
export const UNHEALTHY_HOSTS_DEFAULTS = { threshold: 1, period: Duration.minutes(1), evaluationPeriods: 10, datapointsToAlarm: 3 };

/**
 * How the unhealthy-hosts alarm of a ServiceAlarms watches the service's target group.
 *
 * The alarm reads the target group's `UnHealthyHostCount` (statistic `Maximum`, one datapoint per `period`: the most
 * targets that were unhealthy at once during the period) and fires when it is at least `threshold` in
 * `datapointsToAlarm` of the last `evaluationPeriods` periods. Missing data counts as not breaching.
 *
 * The defaults (at least 1 unhealthy target in 3 of the last 10 minutes) fire on a task that stays unhealthy for 3
 * minutes and on tasks that keep failing their health checks (a crash loop, a deployment of a version whose health
 * check fails), but not on one task that ECS replaces after it went unhealthy once: ECS deregisters such a task
 * within a minute or two, and a draining target does not count as unhealthy.
 */
export interface UnhealthyHostsAlarmOptions extends AlarmOptions {
  /**
   * The number of unhealthy targets at which the alarm fires.
   *
   * The comparison is greater than or equal: with 1, one unhealthy target is enough. Must be a positive integer.
   *
   * @default 1
   */
  readonly threshold?: number;
}

/** Applies the defaults to `options` and checks every value; `origin` names the props as the user wrote them. */
export function resolveUnhealthyHosts(options: UnhealthyHostsAlarmOptions, origin: AlarmPropOrigin): ResolvedServiceAlarm {
  const defaults = UNHEALTHY_HOSTS_DEFAULTS;
  const threshold = requirePositiveInteger(
    options.threshold ?? defaults.threshold,
    'threshold',
    origin,
    `Pass the number of unhealthy targets at which the alarm fires, e.g. ${propName(origin, 'threshold')}: 1.`,
  );
  const evaluation = resolveEvaluation(
    options,
    defaults,
    (evaluationPeriods) => Math.min(defaults.datapointsToAlarm, evaluationPeriods),
    origin,
  );
  return { threshold, ...evaluation, ...resolveNaming(options, origin) };
}
