/**
 * ServiceAlarms: the CloudWatch alarms of any load-balanced ECS service (5xx rate, p99 response time, unhealthy
 * targets, CPU, memory), notifying the stack's shared, encrypted AlarmTopic or a topic the user passes.
 */
import { Duration, IResource, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { CdkRustError } from '../errors';
import { alarmNameFrom, evaluationWindow, fitDescription } from './alarm-naming';
import { AlarmPropOrigin } from './error-rate-alarm-options';
import { ResolvedHttp5xxRateAlarm } from './http5xx-rate-alarm-options';
import { notificationTarget } from './notification-target';
import { ResolvedServiceAlarm } from './resolved-service-alarm';
import { ResolvedResponseTimeAlarm } from './response-time-alarm-options';
import { ServiceAlarmsOptions, resolveServiceAlarmsOptions } from './service-alarms-options';
import { guardedExpression } from './low-traffic-guard';

/** Properties of a {@link ServiceAlarms}. */
export interface ServiceAlarmsProps extends ServiceAlarmsOptions {
  /**
   * The ECS service to watch: a `FargateService` or `Ec2Service`, or one imported with its cluster
   * (`BaseService.fromServiceArnWithCluster`).
   *
   * Its `CPUUtilization` and `MemoryUtilization` metrics are read with its cluster's and its own name. It must live
   * in the same account and region as the alarms' stack when both are known.
   */
  readonly service: ecs.IBaseService;

  /**
   * The application load balancer that routes requests to the service.
   *
   * Its `HTTPCode_ELB_5XX_Count` (the 5xx responses it generates itself) counts in the 5xx rate. It must be the load
   * balancer of `targetGroup`, and live in the same account and region as the alarms' stack when both are known.
   */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;

  /**
   * The target group of the service behind `loadBalancer`.
   *
   * Its `HTTPCode_Target_5XX_Count` and `RequestCount` make the 5xx rate, its `TargetResponseTime` the response-time
   * alarm, and its `UnHealthyHostCount` the unhealthy-hosts alarm. It must already be attached to a listener of the
   * load balancer (or, when imported, be imported with `loadBalancerArns`), since CloudWatch publishes target-group
   * metrics per load balancer.
   */
  readonly targetGroup: elbv2.IApplicationTargetGroup;

  /**
   * The topic that receives the ALARM and OK notifications of every alarm.
   *
   * cdk-rust adds to it what CloudWatch needs to publish: a topic-policy statement for `cloudwatch.amazonaws.com`
   * and, if the topic is encrypted with a KMS key defined in this app, a key-policy statement. Imported topics and
   * keys are left alone: their policies must already allow CloudWatch. Subscriptions requested with
   * `emailSubscriptions` and `httpsSubscriptions` are added to this topic. It must be a standard (not FIFO) topic
   * when subscriptions are requested.
   *
   * @default - the stack's shared AlarmTopic (`AlarmTopic.of(this)`), created on first use
   */
  readonly topic?: sns.ITopic;
}

/**
 * The CloudWatch alarms of a load-balanced ECS service, each of which can be tuned or turned off.
 *
 * It creates:
 * - `http5xxRate`: the 5xx rate, `IF(requests >= minimumRequests, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) /
 *   requests, 0)` over the target group's `HTTPCode_Target_5XX_Count` and `RequestCount` and the load balancer's
 *   `HTTPCode_ELB_5XX_Count` (statistic `Sum`), above 5% of one 5-minute window by default;
 * - `responseTime`: the p99 response time of the tasks, `IF(requests >= minimumRequests, responseTime, 0)` over the
 *   target group's `TargetResponseTime` (statistic `p99`) and `RequestCount` (statistic `Sum`), above 1 second in
 *   each of 3 consecutive 5-minute periods by default;
 * - `unhealthyHosts`: the target group's `UnHealthyHostCount` (statistic `Maximum`), at least 1 in 3 of the last
 *   10 one-minute periods by default;
 * - `cpu` and `memory`: the service's `CPUUtilization` and `MemoryUtilization` (statistic `Average`), above 80% in
 *   each of 3 consecutive 5-minute periods by default.
 *
 * Every alarm treats missing data as not breaching and sends both its ALARM and its OK notifications to the topic.
 * Default alarm names are derived from the stack and this construct's path, so that several ServiceAlarms in one
 * stack never share a name.
 *
 * @example
 * declare const service: ecs.FargateService;
 * declare const loadBalancer: elbv2.ApplicationLoadBalancer;
 * declare const targetGroup: elbv2.ApplicationTargetGroup;
 * new ServiceAlarms(this, 'ApiAlarms', {
 *   service,
 *   loadBalancer,
 *   targetGroup,
 *   memory: { threshold: 90 },
 *   emailSubscriptions: ['oncall@example.com'],
 * });
 */
export class ServiceAlarms extends Construct {
  /** The alarm on the 5xx rate, unless `http5xxRate.enabled` is false. */
  public readonly http5xxRateAlarm?: cloudwatch.Alarm;

  /** The alarm on the p99 response time, unless `responseTime.enabled` is false. */
  public readonly responseTimeAlarm?: cloudwatch.Alarm;

  /** The alarm on unhealthy targets, unless `unhealthyHosts.enabled` is false. */
  public readonly unhealthyHostsAlarm?: cloudwatch.Alarm;

  /** The alarm on CPU utilization, unless `cpu.enabled` is false. */
  public readonly cpuAlarm?: cloudwatch.Alarm;

  /** The alarm on memory utilization, unless `memory.enabled` is false. */
  public readonly memoryAlarm?: cloudwatch.Alarm;

  /** The topic that receives the alarms' notifications: the one passed in, or the stack's shared AlarmTopic's. */
  public readonly topic: sns.ITopic;

  /**
   * @param scope the construct to create the alarms in
   * @param id the construct id, unique within `scope`
   * @param props the service, its load balancer and target group, the topic to notify, and each alarm's options
   */
  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);

    const origin: AlarmPropOrigin = { constructPath: this.node.path, optionPrefix: '', topicProp: 'topic' };
    const options = resolveServiceAlarmsOptions(props, props.topic, origin);
    const stack = Stack.of(this);
    checkSameEnvironment('service', props.service, props.service.env, stack, this.node.path);
    checkSameEnvironment('loadBalancer', props.loadBalancer, props.loadBalancer.env, stack, this.node.path);
    checkSameEnvironment('targetGroup', props.targetGroup, Stack.of(props.targetGroup), stack, this.node.path);
    // Before anything is created: the target group's metrics may be refused.
    const needsTargetGroupMetrics = [options.http5xxRate, options.responseTime, options.unhealthyHosts].some((o) => o !== undefined);
    const watched = new WatchedService(props, needsTargetGroupMetrics, this.node.path);

    const notifications = notificationTarget(this, props.topic);
    this.topic = notifications.topic;
    options.emailSubscriptions.forEach((address) => notifications.subscriptions.addEmailSubscription(address));
    options.httpsSubscriptions.forEach((url) => notifications.subscriptions.addHttpsSubscription(url));

    this.http5xxRateAlarm = this.createAlarm(options.http5xxRate, 'Http5xxRate', (o) => ({
      metric: http5xxRateExpression(watched, o),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: http5xxRateDescription(watched, o),
    }));
    this.responseTimeAlarm = this.createAlarm(options.responseTime, 'ResponseTime', (o) => ({
      metric: responseTimeExpression(watched, o),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: responseTimeDescription(watched, o),
    }));
    this.unhealthyHostsAlarm = this.createAlarm(options.unhealthyHosts, 'UnhealthyHosts', (o) => ({
      metric: watched.targetGroupMetrics!.unhealthyHostCount({ statistic: cloudwatch.Stats.MAXIMUM, period: o.period }),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      description: unhealthyHostsDescription(watched, o),
    }));
    this.cpuAlarm = this.createAlarm(options.cpu, 'CpuUtilization', (o) => ({
      metric: serviceMetric(props.service, 'CPUUtilization', o.period),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: utilizationDescription(watched, 'CPU', o),
    }));
    this.memoryAlarm = this.createAlarm(options.memory, 'MemoryUtilization', (o) => ({
      metric: serviceMetric(props.service, 'MemoryUtilization', o.period),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: utilizationDescription(watched, 'Memory', o),
    }));
  }

  /**
   * The alarm `id` (also the suffix of its default name) with `options`, notifying the topic; undefined when turned
   * off.
   */
  private createAlarm<O extends ResolvedServiceAlarm>(
    options: O | undefined,
    id: string,
    build: (options: O) => { metric: cloudwatch.IMetric; comparisonOperator: cloudwatch.ComparisonOperator; description: string },
  ): cloudwatch.Alarm | undefined {
    if (options === undefined) {
      return undefined;
    }
    const { metric, comparisonOperator, description } = build(options);
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold: options.threshold,
      comparisonOperator,
      evaluationPeriods: options.evaluationPeriods,
      datapointsToAlarm: options.datapointsToAlarm,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmName: options.alarmName ?? defaultServiceAlarmName(this, id),
      alarmDescription: options.alarmDescription ?? description,
    });
    const action = new cloudwatchActions.SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    return alarm;
  }
}

/** The watched service, load balancer and target group, with the target group's metrics when an alarm needs them. */
class WatchedService {
  public readonly service: ecs.IBaseService;
  public readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  public readonly targetGroup: elbv2.IApplicationTargetGroup;
  /** Read only when `needsTargetGroupMetrics`: the 5xx-rate, response-time and unhealthy-hosts alarms. */
  public readonly targetGroupMetrics?: elbv2.IApplicationTargetGroupMetrics;

  /**
   * @param needsTargetGroupMetrics whether an alarm reads the target group's metrics (refused when it has none)
   * @param constructPath the path of the ServiceAlarms, for errors
   */
  constructor(props: ServiceAlarmsProps, needsTargetGroupMetrics: boolean, constructPath: string) {
    this.service = props.service;
    this.loadBalancer = props.loadBalancer;
    this.targetGroup = props.targetGroup;
    if (needsTargetGroupMetrics) {
      this.targetGroupMetrics = targetGroupMetricsOf(props.targetGroup, constructPath);
    }
  }
}

/** The target group's metrics; refused, naming the prop, when the target group is not attached to a load balancer. */
function targetGroupMetricsOf(targetGroup: elbv2.IApplicationTargetGroup, constructPath: string): elbv2.IApplicationTargetGroupMetrics {
  try {
    return targetGroup.metrics;
  } catch {
    // aws-cdk-lib refuses (ValidationError) a target group without a listener, and an imported one without
    // loadBalancerArns: either way it does not know the LoadBalancer dimension of its metrics.
    throw new CdkRustError(
      'INVALID_PROP',
      `targetGroup ${targetGroup.node.path} is not attached to a load balancer, so it has no metrics to alarm on.`,
      'Add the target group to a listener of loadBalancer (listener.addTargets or listener.addTargetGroups) before ' +
        'creating the alarms, or import it with loadBalancerArns.',
      constructPath,
    );
  }
}

/** `IF(requests >= minimumRequests, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)`, Sum per period. */
function http5xxRateExpression(watched: WatchedService, options: ResolvedHttp5xxRateAlarm): cloudwatch.MathExpression {
  const sum = { statistic: cloudwatch.Stats.SUM, period: options.period };
  const targetGroup = watched.targetGroupMetrics!;
  const target5xx = targetGroup.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, sum);
  const requests = targetGroup.requestCount(sum);
  const elb5xx = watched.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, sum);
  return guardedExpression({
    count: 'requests',
    minimum: options.minimumRequests,
    value: '100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests',
    usingMetrics: { target5xx, elb5xx, requests },
    period: options.period,
    label: '5xx rate (%)',
  });
}

/** `IF(requests >= minimumRequests, responseTime, 0)`: p99 of TargetResponseTime, Sum of RequestCount, per period. */
function responseTimeExpression(watched: WatchedService, options: ResolvedResponseTimeAlarm): cloudwatch.MathExpression {
  const targetGroup = watched.targetGroupMetrics!;
  const responseTime = targetGroup.targetResponseTime({ statistic: cloudwatch.Stats.p(99), period: options.period });
  const requests = targetGroup.requestCount({ statistic: cloudwatch.Stats.SUM, period: options.period });
  return guardedExpression({
    count: 'requests',
    minimum: options.minimumRequests,
    value: 'responseTime',
    usingMetrics: { responseTime, requests },
    period: options.period,
    label: 'p99 response time (s)',
  });
}

/** The service's `CPUUtilization` or `MemoryUtilization`, Average per period, as `BaseService.metric` reads it. */
function serviceMetric(service: ecs.IBaseService, metricName: string, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/ECS',
    metricName,
    dimensionsMap: { ClusterName: service.cluster.clusterName, ServiceName: service.serviceName },
    statistic: cloudwatch.Stats.AVERAGE,
    period,
  }).attachTo(service);
}

/** `<stack name>-<this construct's path>-<suffix>`, sanitized, at most 255 characters. */
function defaultServiceAlarmName(alarms: Construct, suffix: string): string {
  const stack = Stack.of(alarms);
  const stackName = Token.isUnresolved(stack.stackName) ? stack.node.path : stack.stackName;
  const path = alarms.node.path.startsWith(`${stack.node.path}/`) ? alarms.node.path.slice(stack.node.path.length + 1) : alarms.node.path;
  return alarmNameFrom(`${stackName}-${path}-${suffix}`);
}

function http5xxRateDescription(watched: WatchedService, o: ResolvedHttp5xxRateAlarm): string {
  const fewRequests = o.minimumRequests > 1 ? ` (periods with fewer than ${o.minimumRequests} requests count as 0%)` : '';
  return fitDescription(
    `5xx rate of ${watched.service.node.path} above ${o.threshold}% ${evaluationWindow(o)}${fewRequests}: ` +
      `the 5xx responses of the tasks (target group ${watched.targetGroup.node.path}) and of load balancer ` +
      `${watched.loadBalancer.node.path}, in percent of the target group's requests. ` +
      "HTTPCode_Target_5XX_Count high: look at the service's logs. HTTPCode_ELB_5XX_Count high: tasks closed " +
      'connections (502), none was registered (503) or they did not answer in time (504).',
  );
}

function responseTimeDescription(watched: WatchedService, o: ResolvedResponseTimeAlarm): string {
  const fewRequests = o.minimumRequests > 1 ? ` (periods with fewer than ${o.minimumRequests} requests count as 0)` : '';
  return fitDescription(
    `p99 response time of ${watched.service.node.path} above ${o.threshold} s ${evaluationWindow(o)}${fewRequests}: ` +
      `the target group ${watched.targetGroup.node.path}'s TargetResponseTime, from the load balancer sending a request ` +
      "to a task until the task starts answering. Look at the service's logs and traces for slow requests and slow " +
      'downstream calls, and at CPU and auto scaling.',
  );
}

function unhealthyHostsDescription(watched: WatchedService, o: ResolvedServiceAlarm): string {
  return fitDescription(
    `At least ${o.threshold} unhealthy ${o.threshold === 1 ? 'target' : 'targets'} in target group ` +
      `${watched.targetGroup.node.path} of ${watched.service.node.path} ${evaluationWindow(o)}. ` +
      "Look at the targets' health check failures (aws elbv2 describe-target-health) and at the service's events " +
      'and stopped tasks: tasks that crash, start too slowly or fail the health check.',
  );
}

function utilizationDescription(watched: WatchedService, resource: 'CPU' | 'Memory', o: ResolvedServiceAlarm): string {
  const what = resource === 'CPU' ? 'CPU' : 'memory';
  const advice =
    resource === 'CPU'
      ? 'Look at the load and at auto scaling (maximum capacity reached?), or give the task definition more CPU.'
      : 'Look for memory growing in the tasks (a leak) and at auto scaling, or give the task definition more memory: ' +
        'a task that runs out of memory is stopped.';
  return fitDescription(
    `${resource} utilization of ${watched.service.node.path} above ${o.threshold}% on average ${evaluationWindow(o)} ` +
      `(the ${what} its tasks use, in percent of the ${what} their task definition reserves). ${advice}`,
  );
}

/** An alarm watches the metrics of its own account and region: refuse a resource (`prop`) known to live elsewhere. */
function checkSameEnvironment(
  prop: string,
  resource: IConstruct,
  env: Pick<IResource['env'], 'account' | 'region'>,
  stack: Stack,
  constructPath: string,
): void {
  const mismatches: string[] = [];
  for (const [what, resourceValue, stackValue] of [
    ['account', env.account, stack.account],
    ['region', env.region, stack.region],
  ] as const) {
    if (!Token.isUnresolved(resourceValue) && !Token.isUnresolved(stackValue) && resourceValue !== stackValue) {
      mismatches.push(`${what} ${resourceValue} (${prop}) vs ${stackValue} (stack)`);
    }
  }
  if (mismatches.length > 0) {
    throw new CdkRustError(
      'INVALID_PROP',
      `${prop} ${resource.node.path} is in another account or region than the alarms: ${mismatches.join(', ')}. The alarms would ` +
        "watch a resource of the same name in the stack's own account and region.",
      'Create the alarms in a stack deployed to the account and region of the service, its load balancer and its target group.',
      constructPath,
    );
  }
}
