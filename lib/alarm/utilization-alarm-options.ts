/**
 * The options of the CPU and memory alarms of a ServiceAlarms: the public UtilizationAlarmOptions, their defaults,
 * and their resolution into checked values.
 */
import { Duration } from 'aws-cdk-lib';
import { AlarmOptions } from './alarm-options';
import { AlarmPropOrigin, propName } from './error-rate-alarm-options';
import { ResolvedServiceAlarm, resolveEvaluation, resolveNaming, resolvePercent } from './resolved-service-alarm';

/** The defaults of the CPU and memory alarms: above 80% on average for 15 minutes (3 periods of 5 minutes). */
export const UTILIZATION_DEFAULTS = { threshold: 80, period: Duration.minutes(5), evaluationPeriods: 3 };

/**
 * How the CPU or the memory alarm of a ServiceAlarms watches the service's utilization.
 *
 * The alarm reads the ECS service's `CPUUtilization` or `MemoryUtilization` (the CPU or memory its tasks use, in
 * percent of what their task definition reserves; statistic `Average`, one datapoint per `period`) and fires when
 * it is above `threshold` in `datapointsToAlarm` of the last `evaluationPeriods` periods. Missing data (a service
 * without running tasks) counts as not breaching.
 *
 * The defaults (above 80% on average in each of 3 consecutive periods of 5 minutes) fire on 15 minutes of sustained
 * pressure, which auto scaling has not relieved, and not on the short spikes of a deployment or a burst of traffic.
 */
export interface UtilizationAlarmOptions extends AlarmOptions {
  /**
   * The utilization, in percent of what the task definition reserves, above which the alarm fires.
   *
   * The comparison is strictly greater than. Must be a number from 0 to 100.
   *
   * @default 80
   */
  readonly threshold?: number;
}

/** Applies the defaults to `options` and checks every value; `origin` names the props as the user wrote them. */
export function resolveUtilization(
  options: UtilizationAlarmOptions,
  origin: AlarmPropOrigin,
  resource: 'cpu' | 'memory',
): ResolvedServiceAlarm {
  const defaults = UTILIZATION_DEFAULTS;
  const threshold = resolvePercent(
    options.threshold ?? defaults.threshold,
    origin,
    `Pass the ${resource === 'cpu' ? 'CPU' : 'memory'} utilization in percent, e.g. ${propName(origin, 'threshold')}: 80 for 80% (not 0.8).`,
  );
  const evaluation = resolveEvaluation(options, defaults, (evaluationPeriods) => evaluationPeriods, origin);
  return { threshold, ...evaluation, ...resolveNaming(options, origin) };
}
