/**
 * The options of ServiceAlarms: the public ServiceAlarmsOptions (one struct per alarm, each tunable or turned off),
 * and their resolution into checked values with defaults, with errors that name each prop as the user wrote it
 * (`http5xxRate.threshold`).
 */
import { Duration, Token } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmSubscriptionOptions } from './alarm-subscription-options';
import {
  AlarmPropOrigin,
  checkEvaluationRange,
  checkTopicTakesSubscriptions,
  invalidProp,
  propName,
  requireConcreteNumber,
  requirePositiveInteger,
  resolveDatapointsToAlarm,
  validateAlarmDescription,
  validateAlarmName,
} from './error-rate-alarm-options';
import { validateEmail, validateHttpsUrl } from './topic-subscriptions';

/** The defaults of the 5xx-rate alarm: above 5% of the requests of one 5-minute window. */
export const HTTP_5XX_RATE_DEFAULTS = { threshold: 5, period: Duration.minutes(5), evaluationPeriods: 1, minimumRequests: 1 };

/** The defaults of the unhealthy-hosts alarm: at least 1 unhealthy target in 3 of the last 10 minutes. */
export const UNHEALTHY_HOSTS_DEFAULTS = { threshold: 1, period: Duration.minutes(1), evaluationPeriods: 10, datapointsToAlarm: 3 };

/** The defaults of the CPU and memory alarms: above 80% on average for 15 minutes (3 periods of 5 minutes). */
export const UTILIZATION_DEFAULTS = { threshold: 80, period: Duration.minutes(5), evaluationPeriods: 3 };

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
export interface Http5xxRateAlarmOptions {
  /**
   * Whether to create the 5xx-rate alarm.
   *
   * When false, no alarm is created and the other options of this alarm are ignored.
   *
   * @default true
   */
  readonly enabled?: boolean;

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
   * The length of one evaluation period: the window over which 5xx responses and requests are summed.
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
   * The fewest requests a period needs for its 5xx rate to count.
   *
   * A period with fewer requests evaluates to 0% (not breaching), so that one failed request out of two at night
   * does not page anyone as a 50% 5xx rate. Must be a positive integer; 1 counts every period with traffic.
   *
   * @default 1
   */
  readonly minimumRequests?: number;

  /**
   * The alarm's name.
   *
   * It must be unique in the account and region, at most 255 characters, without control characters.
   *
   * @default - `<stack name>-<ServiceAlarms construct path>-Http5xxRate`, with every character other than letters,
   * digits, `.`, `_` and `-` replaced by `-`, shortened to 255 characters with a hash suffix when longer
   */
  readonly alarmName?: string;

  /**
   * The alarm's description, shown in the console and in notifications.
   *
   * At most 1024 characters.
   *
   * @default - a sentence naming the service, the threshold and the evaluation window, what the rate counts and
   * where to look
   */
  readonly alarmDescription?: string;
}

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
export interface UnhealthyHostsAlarmOptions {
  /**
   * Whether to create the unhealthy-hosts alarm.
   *
   * When false, no alarm is created and the other options of this alarm are ignored.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The number of unhealthy targets at which the alarm fires.
   *
   * The comparison is greater than or equal: with 1, one unhealthy target is enough. Must be a positive integer.
   *
   * @default 1
   */
  readonly threshold?: number;

  /**
   * The length of one evaluation period, over which the maximum of `UnHealthyHostCount` is taken.
   *
   * Must be a whole number of minutes (CloudWatch publishes load balancer metrics per minute). `period` times
   * `evaluationPeriods` may not exceed one day when the period is shorter than an hour, or seven days otherwise.
   *
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;

  /**
   * How many of the most recent periods the alarm looks at (the N of "M out of N").
   *
   * Must be a positive integer.
   *
   * @default 10
   */
  readonly evaluationPeriods?: number;

  /**
   * How many of the last `evaluationPeriods` periods must breach for the alarm to fire (the M of "M out of N").
   *
   * Must be an integer from 1 to `evaluationPeriods`.
   *
   * @default - 3, or `evaluationPeriods` when that is smaller
   */
  readonly datapointsToAlarm?: number;

  /**
   * The alarm's name.
   *
   * It must be unique in the account and region, at most 255 characters, without control characters.
   *
   * @default - `<stack name>-<ServiceAlarms construct path>-UnhealthyHosts`, sanitized and shortened like the
   * 5xx-rate alarm's
   */
  readonly alarmName?: string;

  /**
   * The alarm's description, shown in the console and in notifications.
   *
   * At most 1024 characters.
   *
   * @default - a sentence naming the target group, the service, the threshold and the evaluation window, and where
   * to look
   */
  readonly alarmDescription?: string;
}

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
export interface UtilizationAlarmOptions {
  /**
   * Whether to create the alarm.
   *
   * When false, no alarm is created and the other options of this alarm are ignored.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The utilization, in percent of what the task definition reserves, above which the alarm fires.
   *
   * The comparison is strictly greater than. Must be a number from 0 to 100.
   *
   * @default 80
   */
  readonly threshold?: number;

  /**
   * The length of one evaluation period, over which the utilization is averaged.
   *
   * Must be a whole number of minutes (CloudWatch publishes ECS service metrics per minute). `period` times
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
   * The alarm's name.
   *
   * It must be unique in the account and region, at most 255 characters, without control characters.
   *
   * @default - `<stack name>-<ServiceAlarms construct path>-CpuUtilization` (or `-MemoryUtilization`), sanitized and
   * shortened like the 5xx-rate alarm's
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

/**
 * Which alarms a ServiceAlarms creates on a load-balanced ECS service, how each evaluates, and who is notified.
 *
 * Every alarm is created unless turned off with `enabled: false`, and sends its ALARM and OK notifications to the
 * same topic.
 */
export interface ServiceAlarmsOptions extends AlarmSubscriptionOptions {
  /**
   * The alarm on the 5xx rate of the requests to the service (its tasks' and the load balancer's 5xx responses).
   *
   * Fires when more than `threshold` percent of the target group's requests get a 5xx response.
   *
   * @default - above 5% of the requests of one 5-minute window
   */
  readonly http5xxRate?: Http5xxRateAlarmOptions;

  /**
   * The alarm on unhealthy targets in the service's target group.
   *
   * Fires when at least `threshold` targets fail the load balancer's health check.
   *
   * @default - at least 1 unhealthy target in 3 of the last 10 minutes
   */
  readonly unhealthyHosts?: UnhealthyHostsAlarmOptions;

  /**
   * The alarm on the service's CPU utilization.
   *
   * Fires when the CPU its tasks use stays above `threshold` percent of what their task definition reserves.
   *
   * @default - above 80% on average in each of 3 consecutive periods of 5 minutes
   */
  readonly cpu?: UtilizationAlarmOptions;

  /**
   * The alarm on the service's memory utilization.
   *
   * Fires when the memory its tasks use stays above `threshold` percent of what their task definition reserves.
   *
   * @default - above 80% on average in each of 3 consecutive periods of 5 minutes
   */
  readonly memory?: UtilizationAlarmOptions;
}

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

/** The 5xx-rate alarm's options after defaults and validation. */
export interface ResolvedHttp5xxRateAlarm extends ResolvedServiceAlarm {
  readonly minimumRequests: number;
}

/** The options after defaults and validation; an alarm that is turned off is undefined. */
export interface ResolvedServiceAlarmsOptions {
  readonly http5xxRate?: ResolvedHttp5xxRateAlarm;
  readonly unhealthyHosts?: ResolvedServiceAlarm;
  readonly cpu?: ResolvedServiceAlarm;
  readonly memory?: ResolvedServiceAlarm;
  readonly emailSubscriptions: string[];
  readonly httpsSubscriptions: string[];
}

/** The alarm options of ServiceAlarmsOptions, in the order of the alarms. */
const ALARM_OPTIONS = ['http5xxRate', 'unhealthyHosts', 'cpu', 'memory'] as const;

/** Whether `options` leave at least one of the four alarms on (each is on unless `enabled: false`). */
export function anyServiceAlarmEnabled(options: ServiceAlarmsOptions | undefined): boolean {
  return ALARM_OPTIONS.some((name) => options?.[name]?.enabled !== false);
}

/**
 * Applies the defaults to `options` and checks every value of every alarm that is not turned off, and that `topic`
 * (when given) can take the requested subscriptions.
 *
 * @param options the options as the user gave them
 * @param topic the topic the alarms notify, when the user gave one
 * @param origin where the user wrote them, for error messages (`optionPrefix` goes before `http5xxRate.` etc.)
 * @throws CdkRustError INVALID_PROP naming the first invalid prop
 */
export function resolveServiceAlarmsOptions(
  options: ServiceAlarmsOptions,
  topic: sns.ITopic | undefined,
  origin: AlarmPropOrigin,
): ResolvedServiceAlarmsOptions {
  const http5xxRate = ifEnabled(options.http5xxRate, (o) => resolveHttp5xxRate(o, subOrigin(origin, 'http5xxRate')));
  const unhealthyHosts = ifEnabled(options.unhealthyHosts, (o) => resolveUnhealthyHosts(o, subOrigin(origin, 'unhealthyHosts')));
  const cpu = ifEnabled(options.cpu, (o) => resolveUtilization(o, subOrigin(origin, 'cpu'), 'cpu'));
  const memory = ifEnabled(options.memory, (o) => resolveUtilization(o, subOrigin(origin, 'memory'), 'memory'));
  const resolved = { http5xxRate, unhealthyHosts, cpu, memory };

  if (!anyServiceAlarmEnabled(options)) {
    const names = ALARM_OPTIONS.map((name) => propName(origin, `${name}.enabled`));
    throw invalidProp(
      origin,
      `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are all false, so there is no alarm to create.`,
      'Leave at least one alarm enabled, or do not create the service alarms.',
    );
  }
  checkDistinctAlarmNames(resolved, origin);

  const emailSubscriptions = options.emailSubscriptions ?? [];
  emailSubscriptions.forEach((address, i) => validateEmail(address, propName(origin, `emailSubscriptions[${i}]`), origin.constructPath));
  const httpsSubscriptions = options.httpsSubscriptions ?? [];
  httpsSubscriptions.forEach((url, i) => validateHttpsUrl(url, propName(origin, `httpsSubscriptions[${i}]`), origin.constructPath));
  if (topic !== undefined && emailSubscriptions.length + httpsSubscriptions.length > 0) {
    checkTopicTakesSubscriptions(topic, origin);
  }

  return { ...resolved, emailSubscriptions, httpsSubscriptions };
}

/** `resolve(options)`, or undefined when the alarm is turned off. */
function ifEnabled<O extends { readonly enabled?: boolean }, R>(options: O | undefined, resolve: (options: O) => R): R | undefined {
  const given = options ?? ({} as O);
  return given.enabled === false ? undefined : resolve(given);
}

/** The origin of the options of one alarm: `http5xxRate.` (after the caller's own prefix) before each prop. */
function subOrigin(origin: AlarmPropOrigin, alarm: string): AlarmPropOrigin {
  return { ...origin, optionPrefix: `${origin.optionPrefix}${alarm}.` };
}

function resolveHttp5xxRate(options: Http5xxRateAlarmOptions, origin: AlarmPropOrigin): ResolvedHttp5xxRateAlarm {
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

function resolveUnhealthyHosts(options: UnhealthyHostsAlarmOptions, origin: AlarmPropOrigin): ResolvedServiceAlarm {
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

function resolveUtilization(options: UtilizationAlarmOptions, origin: AlarmPropOrigin, resource: 'cpu' | 'memory'): ResolvedServiceAlarm {
  const defaults = UTILIZATION_DEFAULTS;
  const threshold = resolvePercent(
    options.threshold ?? defaults.threshold,
    origin,
    `Pass the ${resource === 'cpu' ? 'CPU' : 'memory'} utilization in percent, e.g. ${propName(origin, 'threshold')}: 80 for 80% (not 0.8).`,
  );
  const evaluation = resolveEvaluation(options, defaults, (evaluationPeriods) => evaluationPeriods, origin);
  return { threshold, ...evaluation, ...resolveNaming(options, origin) };
}

/** A percentage from 0 to 100. */
function resolvePercent(threshold: number, origin: AlarmPropOrigin, fix: string): number {
  requireConcreteNumber(threshold, 'threshold', origin);
  if (!(threshold >= 0 && threshold <= 100)) {
    throw invalidProp(origin, `${propName(origin, 'threshold')} must be a percentage from 0 to 100, got ${threshold}.`, fix);
  }
  return threshold;
}

/** The period, the evaluation periods and the datapoints to alarm, with `defaultDatapoints` of the evaluation periods. */
function resolveEvaluation(
  options: { readonly period?: Duration; readonly evaluationPeriods?: number; readonly datapointsToAlarm?: number },
  defaults: { readonly period: Duration; readonly evaluationPeriods: number },
  defaultDatapoints: (evaluationPeriods: number) => number,
  origin: AlarmPropOrigin,
): Pick<ResolvedServiceAlarm, 'period' | 'evaluationPeriods' | 'datapointsToAlarm'> {
  const period = resolvePeriod(options.period ?? defaults.period, origin);
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
function resolveNaming(
  options: { readonly alarmName?: string; readonly alarmDescription?: string },
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

/** CloudFormation refuses two alarms of the same name: the names given to the enabled alarms must differ. */
function checkDistinctAlarmNames(
  resolved: Record<(typeof ALARM_OPTIONS)[number], ResolvedServiceAlarm | undefined>,
  origin: AlarmPropOrigin,
): void {
  const named = new Map<string, string>();
  for (const alarm of ALARM_OPTIONS) {
    const name = resolved[alarm]?.alarmName;
    if (name === undefined || Token.isUnresolved(name)) {
      continue;
    }
    const first = named.get(name);
    if (first !== undefined) {
      const props = `${propName(origin, `${first}.alarmName`)} and ${propName(origin, `${alarm}.alarmName`)}`;
      throw invalidProp(
        origin,
        `${props} are both ${JSON.stringify(name)}, and CloudWatch alarm names must be unique in the account and region.`,
        'Give each alarm its own name, or leave alarmName out to get distinct default names.',
      );
    }
    named.set(name, alarm);
  }
}
