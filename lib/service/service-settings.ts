/**
 * A RustService's settings: its props checked, before anything is built, and its defaults filled in. Errors name
 * the prop as the user wrote it and the construct.
 */
import { Duration } from 'aws-cdk-lib';
import { anyServiceAlarmEnabled, resolveServiceAlarmsOptions } from '../alarm/service-alarms-options';
import { CdkRustError } from '../errors';
import { checkFargateSize } from './fargate-size';
import { checkPort } from './image-spec';
import { RustServiceAutoScaling, RustServiceProps } from './rust-service-props';

/** Defaults of RustService, also in the README's table of defaults and why. */
export const DEFAULTS = {
  port: 8080,
  healthCheckPath: '/health',
  cpu: 256,
  memoryLimitMiB: 512,
  desiredCount: 2,
  targetCpuUtilization: 70,
  healthCheckGracePeriod: Duration.seconds(60),
  deregistrationDelay: Duration.seconds(15),
} as const;

/** The checked settings, defaults filled in. */
export interface ServiceSettings {
  readonly port: number;
  readonly healthCheckPath: string;
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  readonly desiredCount: number;
  /** Whether any of the five alarms is on. */
  readonly alarmsOn: boolean;
}

/** The props checked and the defaults filled in; throws a CdkRustError naming the prop and `constructPath`. */
export function resolveServiceSettings(props: RustServiceProps, constructPath: string): ServiceSettings {
  const settings: ServiceSettings = {
    port: props.port ?? DEFAULTS.port,
    healthCheckPath: props.healthCheckPath ?? DEFAULTS.healthCheckPath,
    cpu: props.cpu ?? DEFAULTS.cpu,
    memoryLimitMiB: props.memoryLimitMiB ?? DEFAULTS.memoryLimitMiB,
    desiredCount: props.desiredCount ?? DEFAULTS.desiredCount,
    alarmsOn: anyServiceAlarmEnabled(props.alarms),
  };
  try {
    checkTasks(settings, props);
    checkAlarms(settings, props, constructPath);
    if (props.cluster && props.vpc && props.cluster.vpc !== props.vpc) {
      throw new CdkRustError(
        'INVALID_PROP',
        'cluster is in another VPC than vpc.',
        "pass the cluster's VPC as vpc, or leave vpc out (the cluster's is used).",
      );
    }
  } catch (error) {
    throw CdkRustError.inConstruct(error, constructPath);
  }
  return settings;
}

/** The port, health check path, task size and count, auto scaling and environment. */
function checkTasks(settings: ServiceSettings, props: RustServiceProps): void {
  checkPort(settings.port);
  if (!/^\/[\x21-\x7e]{0,1023}$/.test(settings.healthCheckPath)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `healthCheckPath: ${JSON.stringify(settings.healthCheckPath)} is not a URL path the load balancer can request.`,
      `start it with "/", without spaces, as "/health".`,
    );
  }
  checkFargateSize(settings.cpu, settings.memoryLimitMiB);
  if (!Number.isInteger(settings.desiredCount) || settings.desiredCount < 0) {
    throw new CdkRustError('INVALID_PROP', `desiredCount: ${settings.desiredCount} is not a task count.`, 'use a whole number, 0 or more.');
  }
  if (props.autoScaling) checkAutoScaling(props.autoScaling, settings.desiredCount);
  if (props.environment && 'PORT' in props.environment) {
    throw new CdkRustError(
      'INVALID_PROP',
      'environment.PORT is set, but RustService sets PORT to the port prop.',
      'set port instead (the load balancer and the container use it too).',
    );
  }
}

/** The alarms' options, checked here, before the build, with the names the user wrote (alarms.cpu.threshold). */
function checkAlarms(settings: ServiceSettings, props: RustServiceProps, constructPath: string): void {
  if (settings.alarmsOn) {
    resolveServiceAlarmsOptions(props.alarms ?? {}, props.alarmTopic, {
      constructPath,
      optionPrefix: 'alarms.',
      topicProp: 'alarmTopic',
    });
  } else if (props.alarmTopic) {
    throw new CdkRustError(
      'INVALID_PROP',
      'alarmTopic is set, but every alarm in alarms is turned off, so nothing would notify it.',
      'leave an alarm on, or leave alarmTopic out.',
    );
  }
}

/** `autoScaling`: capacities, CPU target and request count. */
function checkAutoScaling(scaling: RustServiceAutoScaling, desiredCount: number): void {
  const min = scaling.minCapacity ?? desiredCount;
  if (!Number.isInteger(min) || min < 0) {
    throw new CdkRustError('INVALID_PROP', `autoScaling.minCapacity: ${min} is not a task count.`, 'use a whole number, 0 or more.');
  }
  if (!Number.isInteger(scaling.maxCapacity) || scaling.maxCapacity < Math.max(min, 1)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `autoScaling.maxCapacity: ${scaling.maxCapacity} is below autoScaling.minCapacity (${min}).`,
      'use a whole number at least minCapacity (and at least 1).',
    );
  }
  const cpu = scaling.targetCpuUtilization ?? DEFAULTS.targetCpuUtilization;
  if (!(cpu > 0 && cpu <= 100)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `autoScaling.targetCpuUtilization: ${cpu} is not a percentage.`,
      'use a number above 0, up to 100.',
    );
  }
  if (scaling.requestsPerTarget !== undefined && !(Number.isInteger(scaling.requestsPerTarget) && scaling.requestsPerTarget > 0)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `autoScaling.requestsPerTarget: ${scaling.requestsPerTarget} is not a request count.`,
      'use a whole number of requests per target per minute, 1 or more.',
    );
  }
}
