/**
 * One alarm of a ServiceAlarms after defaults and validation, and the checks its alarms share: a percentage
 * threshold, the evaluation window (period, evaluation periods, datapoints to alarm) and the alarm's name and
 * description, with errors that name each prop as the user wrote it (`http5xxRate.threshold`).
 */
import { Duration } from 'aws-cdk-lib';
import { AlarmOptions } from './alarm-options';
import {
  AlarmPropOrigin,
  checkEvaluationRange,
  invalidProp,
  propName,
  requireConcreteNumber,
  requirePositiveInteger,
  resolveDatapointsToAlarm,
  validateAlarmDescription,
  validateAlarmName,
} from './error-rate-alarm-options';

/** One alarm's options after defaults and validation. */
export interface ResolvedServiceAlarm {
  readonly threshold: number;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** As given (validated); the caller derives the default. */
  readonly alarmName?: string;
  /** As given (validated); the caller derives the default. */
  readonly alarmDescription?: string;
}

/** A percentage from 0 to 100. */
export function resolvePercent(threshold: number, origin: AlarmPropOrigin, fix: string): number {
  requireConcreteNumber(threshold, 'threshold', origin);
  if (!(threshold >= 0 && threshold <= 100)) {
    throw invalidProp(origin, `${propName(origin, 'threshold')} must be a percentage from 0 to 100, got ${threshold}.`, fix);
  }
  return threshold;
}

/**
 * The period, the evaluation periods and the datapoints to alarm, with `defaultDatapoints` of the evaluation periods.
 * `checkPeriod` checks the period (by default as load balancer and ECS metrics need; Lambda alarms pass their own).
 */
export function resolveEvaluation(
  options: Pick<AlarmOptions, 'period' | 'evaluationPeriods' | 'datapointsToAlarm'>,
  defaults: { readonly period: Duration; readonly evaluationPeriods: number },
  defaultDatapoints: (evaluationPeriods: number) => number,
  origin: AlarmPropOrigin,
  checkPeriod: (period: Duration, origin: AlarmPropOrigin) => Duration = resolvePeriod,
): Pick<ResolvedServiceAlarm, 'period' | 'evaluationPeriods' | 'datapointsToAlarm'> {
  const period = checkPeriod(options.period ?? defaults.period, origin);
  const evaluationPeriods = requirePositiveInteger(
    options.evaluationPeriods ?? defaults.evaluationPeriods,
    'evaluationPeriods',
    origin,
    `Pass the number of periods the alarm looks at, e.g. ${propName(origin, 'evaluationPeriods')}: ${defaults.evaluationPeriods}.`,
  );
  const datapointsToAlarm = resolveDatapointsToAlarm(
    options.datapointsToAlarm ?? defaultDatapoints(evaluationPeriods),
    evaluationPeriods,
    origin,
  );
  checkEvaluationRange(period, evaluationPeriods, origin);
  return { period, evaluationPeriods, datapointsToAlarm };
}

/** A concrete, whole number of minutes: the load balancer and ECS publish their metrics per minute. */
function resolvePeriod(period: Duration, origin: AlarmPropOrigin): Duration {
  const prop = propName(origin, 'period');
  if (period.isUnresolved()) {
    throw invalidProp(origin, `${prop} must be a concrete duration, not a token.`, 'Pass a literal such as Duration.minutes(5).');
  }
  const periodMillis = period.toMilliseconds();
  if (periodMillis < 60_000 || periodMillis % 60_000 !== 0) {
    throw invalidProp(
      origin,
      `${prop} must be a whole number of minutes (at least 1), got ${period.toHumanString()}.`,
      'Load balancers and ECS publish their metrics once a minute: pass e.g. Duration.minutes(1) or Duration.minutes(5).',
    );
  }
  return period;
}

/** The alarm's name and description as given, checked. */
export function resolveNaming(
  options: Pick<AlarmOptions, 'alarmName' | 'alarmDescription'>,
  origin: AlarmPropOrigin,
): Pick<ResolvedServiceAlarm, 'alarmName' | 'alarmDescription'> {
  if (options.alarmName !== undefined) {
    validateAlarmName(options.alarmName, origin);
  }
  if (options.alarmDescription !== undefined) {
    validateAlarmDescription(options.alarmDescription, origin);
  }
  return { alarmName: options.alarmName, alarmDescription: options.alarmDescription };
}
