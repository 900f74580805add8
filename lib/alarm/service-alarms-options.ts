/**
 * The options of ServiceAlarms: the public ServiceAlarmsOptions (one struct per alarm, each tunable or turned off),
 * and their resolution into checked values with defaults, with errors that name each prop as the user wrote it
 * (`http5xxRate.threshold`). Each alarm's own options and their checks are in their own file.
 */
import { Token } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmSubscriptionOptions } from './alarm-subscription-options';
import { AlarmPropOrigin, invalidProp, propName, resolveSubscriptions } from './error-rate-alarm-options';
import { Http5xxRateAlarmOptions, ResolvedHttp5xxRateAlarm, resolveHttp5xxRate } from './http5xx-rate-alarm-options';
import { ResolvedServiceAlarm } from './resolved-service-alarm';
import { ResolvedResponseTimeAlarm, ResponseTimeAlarmOptions, resolveResponseTime } from './response-time-alarm-options';
import { UnhealthyHostsAlarmOptions, resolveUnhealthyHosts } from './unhealthy-hosts-alarm-options';
import { UtilizationAlarmOptions, resolveUtilization } from './utilization-alarm-options';

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
   * The alarm on the p99 response time of the service's tasks, as the load balancer measures it.
   *
   * Fires when the target group's p99 `TargetResponseTime` stays above `threshold` seconds.
   *
   * @default - above 1 second in each of 3 consecutive periods of 5 minutes
   */
  readonly responseTime?: ResponseTimeAlarmOptions;

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

/** The options after defaults and validation; an alarm that is turned off is undefined. */
export interface ResolvedServiceAlarmsOptions {
  readonly http5xxRate?: ResolvedHttp5xxRateAlarm;
  readonly responseTime?: ResolvedResponseTimeAlarm;
  readonly unhealthyHosts?: ResolvedServiceAlarm;
  readonly cpu?: ResolvedServiceAlarm;
  readonly memory?: ResolvedServiceAlarm;
  readonly emailSubscriptions: string[];
  readonly httpsSubscriptions: string[];
}

/** The alarm options of ServiceAlarmsOptions, in the order of the alarms. */
const ALARM_OPTIONS = ['http5xxRate', 'responseTime', 'unhealthyHosts', 'cpu', 'memory'] as const;

/** Whether `options` leave at least one of the five alarms on (each is on unless `enabled: false`). */
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
  const responseTime = ifEnabled(options.responseTime, (o) => resolveResponseTime(o, subOrigin(origin, 'responseTime')));
  const unhealthyHosts = ifEnabled(options.unhealthyHosts, (o) => resolveUnhealthyHosts(o, subOrigin(origin, 'unhealthyHosts')));
  const cpu = ifEnabled(options.cpu, (o) => resolveUtilization(o, subOrigin(origin, 'cpu'), 'cpu'));
  const memory = ifEnabled(options.memory, (o) => resolveUtilization(o, subOrigin(origin, 'memory'), 'memory'));
  const resolved = { http5xxRate, responseTime, unhealthyHosts, cpu, memory };

  if (!anyServiceAlarmEnabled(options)) {
    const names = ALARM_OPTIONS.map((name) => propName(origin, `${name}.enabled`));
    throw invalidProp(
      origin,
      `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are all false, so there is no alarm to create.`,
      'Leave at least one alarm enabled, or do not create the service alarms.',
    );
  }
  checkDistinctAlarmNames(resolved, origin);

  return { ...resolved, ...resolveSubscriptions(options, topic, origin) };
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
