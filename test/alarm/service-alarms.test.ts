/**
 * ServiceAlarms (lib/alarm/service-alarms.ts; options in lib/alarm/service-alarms-options.ts and one file per alarm,
 * e.g. lib/alarm/http5xx-rate-alarm-options.ts, tested here through the construct): the alarms of a load-balanced ECS
 * service, their metrics and defaults, their names, their topic, and every refused input.
 */
import { App, CfnElement, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV, onlyResource } from './fixtures';
import { AlarmTopic } from '../../lib/alarm';
import { ServiceAlarms, ServiceAlarmsProps } from '../../lib/alarm/service-alarms';
import { CdkRustError } from '../../lib/errors';
import { NagFinding, expectCdkRustError, nagFindingsFor, thrownBy } from '../support';

/** A Fargate service `Api` behind the HTTP listener of an application load balancer `Lb`, in stack `ServiceStack`. */
interface ServiceStack {
  readonly app: App;
  readonly stack: Stack;
  readonly vpc: ec2.IVpc;
  readonly service: ecs.FargateService;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly listener: elbv2.ApplicationListener;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
}

function serviceStack(app = new App({ analyticsReporting: false }), env: { account: string; region: string } = ENV): ServiceStack {
  const stack = new Stack(app, 'ServiceStack', { env });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }],
  });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
  taskDefinition.addContainer('App', { image: ecs.ContainerImage.fromRegistry('x'), portMappings: [{ containerPort: 8080 }] });
  const service = new ecs.FargateService(stack, 'Api', { cluster, taskDefinition, assignPublicIp: true });
  const loadBalancer = new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc, internetFacing: true });
  const listener = loadBalancer.addListener('Http', { port: 80 });
  const targetGroup = listener.addTargets('Api', { port: 8080, targets: [service] });
  return { app, stack, vpc, service, loadBalancer, listener, targetGroup };
}

/** A ServiceAlarms `ApiAlarms` on the service, with `props` on top, and its stack's template. */
function synth(props: Partial<ServiceAlarmsProps> = {}): ServiceStack & { template: Template; alarms: ServiceAlarms } {
  const fixture = serviceStack();
  const { stack, service, loadBalancer, targetGroup } = fixture;
  const alarms = new ServiceAlarms(stack, 'ApiAlarms', { service, loadBalancer, targetGroup, ...props });
  return { ...fixture, template: Template.fromStack(stack), alarms };
}

/** The logical id of a construct's CloudFormation resource. */
function logicalId(construct: Construct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}

/** The properties of `alarm` in `template` (fails the test when the alarm was not created). */
function propertiesOf(template: Template, alarm: cloudwatch.Alarm | undefined): any {
  expect(alarm).toBeDefined();
  return template.toJSON().Resources[logicalId(alarm!)].Properties;
}

const CPU_ADVICE = 'Look at the load and at auto scaling (maximum capacity reached?), or give the task definition more CPU.';
const MEMORY_ADVICE =
  'Look for memory growing in the tasks (a leak) and at auto scaling, or give the task definition more memory: ' +
  'a task that runs out of memory is stopped.';

describe("ServiceAlarms: alarms on the 5xx rate of the service's requests, its tasks' and its load balancer's", () => {
  test("it evaluates metric math over the target group's 5xx and requests and the balancer's 5xx, Sum per 5 minutes", () => {
    const { template, loadBalancer, listener, targetGroup, alarms } = synth();
    // The target group names its load balancer by the `app/<name>/<id>` part of its listener's ARN.
    const arnPart = (i: number) => ({ 'Fn::Select': [i, { 'Fn::Split': ['/', { Ref: logicalId(listener) }] }] });
    const targetGroupDimensions = [
      { Name: 'LoadBalancer', Value: { 'Fn::Join': ['', [arnPart(1), '/', arnPart(2), '/', arnPart(3)]] } },
      { Name: 'TargetGroup', Value: { 'Fn::GetAtt': [logicalId(targetGroup), 'TargetGroupFullName'] } },
    ];
    const loadBalancerDimensions = [{ Name: 'LoadBalancer', Value: { 'Fn::GetAtt': [logicalId(loadBalancer), 'LoadBalancerFullName'] } }];
    const metric = (id: string, metricName: string, dimensions: unknown) => ({
      Id: id,
      ReturnData: false,
      MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: metricName, Dimensions: dimensions }, Period: 300, Stat: 'Sum' },
    });
    expect(propertiesOf(template, alarms.http5xxRateAlarm).Metrics).toEqual([
      {
        Id: expect.any(String),
        Expression: 'IF(requests >= 1, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)',
        Label: '5xx rate (%)',
        ReturnData: true,
      },
      metric('target5xx', 'HTTPCode_Target_5XX_Count', targetGroupDimensions),
      metric('elb5xx', 'HTTPCode_ELB_5XX_Count', loadBalancerDimensions),
      metric('requests', 'RequestCount', targetGroupDimensions),
    ]);
  });

  test('by default it fires above 5% in one 5-minute window, and missing data is not breaching', () => {
    const { template, alarms } = synth();
    const properties = propertiesOf(template, alarms.http5xxRateAlarm);
    expect(properties).toMatchObject({
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      AlarmName: 'ServiceStack-ApiAlarms-Http5xxRate',
      AlarmDescription:
        '5xx rate of ServiceStack/Api above 5% over 5 minutes: the 5xx responses of the tasks (target group ' +
        "ServiceStack/Lb/Http/ApiGroup) and of load balancer ServiceStack/Lb, in percent of the target group's requests. " +
        "HTTPCode_Target_5XX_Count high: look at the service's logs. HTTPCode_ELB_5XX_Count high: tasks closed " +
        'connections (502), none was registered (503) or they did not answer in time (504).',
    });
    // No top-level metric fields next to Metrics.
    expect(properties.MetricName).toBeUndefined();
    expect(properties.Period).toBeUndefined();
  });
});

describe('ServiceAlarms: alarms on unhealthy targets in the target group', () => {
  test("it reads the target group's UnHealthyHostCount, Maximum per minute", () => {
    const { template, targetGroup, alarms } = synth();
    const properties = propertiesOf(template, alarms.unhealthyHostsAlarm);
    expect(properties).toMatchObject({
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'UnHealthyHostCount',
      Statistic: 'Maximum',
      Period: 60,
    });
    expect(properties.Dimensions).toEqual([
      { Name: 'LoadBalancer', Value: expect.anything() },
      { Name: 'TargetGroup', Value: { 'Fn::GetAtt': [logicalId(targetGroup), 'TargetGroupFullName'] } },
    ]);
    expect(properties.Metrics).toBeUndefined();
  });

  test('by default it fires at 1 unhealthy target in 3 of 10 one-minute periods, and missing data is not breaching', () => {
    const { template, alarms } = synth();
    expect(propertiesOf(template, alarms.unhealthyHostsAlarm)).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 10,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
      AlarmName: 'ServiceStack-ApiAlarms-UnhealthyHosts',
      AlarmDescription:
        'At least 1 unhealthy target in target group ServiceStack/Lb/Http/ApiGroup of ServiceStack/Api in 3 of 10 ' +
        "consecutive periods of 1 minute. Look at the targets' health check failures (aws elbv2 describe-target-health) " +
        "and at the service's events and stopped tasks: tasks that crash, start too slowly or fail the health check.",
    });
  });
});

describe("ServiceAlarms: alarms on the service's CPU and memory utilization", () => {
  test.each([
    ['cpuAlarm', 'CPUUtilization'],
    ['memoryAlarm', 'MemoryUtilization'],
  ] as const)("%s reads the ECS service's %s, Average per 5 minutes", (member, metricName) => {
    const { template, service, alarms } = synth();
    const properties = propertiesOf(template, alarms[member]);
    expect(properties).toMatchObject({ Namespace: 'AWS/ECS', MetricName: metricName, Statistic: 'Average', Period: 300 });
    expect(properties.Dimensions).toEqual([
      { Name: 'ClusterName', Value: { Ref: logicalId(service.cluster as ecs.Cluster) } },
      { Name: 'ServiceName', Value: { 'Fn::GetAtt': [logicalId(service), 'Name'] } },
    ]);
  });

  test('by default each fires above 80% in each of 3 consecutive 5-minute periods, and missing data is not breaching', () => {
    const { template, alarms } = synth();
    const defaults = {
      Threshold: 80,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
    };
    expect(propertiesOf(template, alarms.cpuAlarm)).toMatchObject({
      ...defaults,
      AlarmName: 'ServiceStack-ApiAlarms-CpuUtilization',
      AlarmDescription:
        'CPU utilization of ServiceStack/Api above 80% on average in each of 3 consecutive periods of 5 minutes ' +
        `(the CPU its tasks use, in percent of the CPU their task definition reserves). ${CPU_ADVICE}`,
    });
    expect(propertiesOf(template, alarms.memoryAlarm)).toMatchObject({
      ...defaults,
      AlarmName: 'ServiceStack-ApiAlarms-MemoryUtilization',
      AlarmDescription:
        'Memory utilization of ServiceStack/Api above 80% on average in each of 3 consecutive periods of 5 minutes ' +
        `(the memory its tasks use, in percent of the memory their task definition reserves). ${MEMORY_ADVICE}`,
    });
  });

  test('a service imported with its cluster is watched by its cluster and service names', () => {
    const { stack, loadBalancer, targetGroup } = serviceStack();
    const service = ecs.BaseService.fromServiceArnWithCluster(stack, 'Imported', 'arn:aws:ecs:us-east-1:123456789012:service/prod/orders');
    const alarms = new ServiceAlarms(stack, 'OrdersAlarms', { service, loadBalancer, targetGroup });
    const properties = propertiesOf(Template.fromStack(stack), alarms.cpuAlarm);
    expect(properties.Dimensions).toEqual([
      { Name: 'ClusterName', Value: 'prod' },
      { Name: 'ServiceName', Value: 'orders' },
    ]);
  });
});

describe("ServiceAlarms: alarms on the p99 response time of the service's tasks, guarded by the requests", () => {
  test("it evaluates IF(requests >= 1, responseTime, 0) over the target group's TargetResponseTime (p99) and RequestCount (Sum)", () => {
    const { template, listener, targetGroup, alarms } = synth();
    const arnPart = (i: number) => ({ 'Fn::Select': [i, { 'Fn::Split': ['/', { Ref: logicalId(listener) }] }] });
    const dimensions = [
      { Name: 'LoadBalancer', Value: { 'Fn::Join': ['', [arnPart(1), '/', arnPart(2), '/', arnPart(3)]] } },
      { Name: 'TargetGroup', Value: { 'Fn::GetAtt': [logicalId(targetGroup), 'TargetGroupFullName'] } },
    ];
    const properties = propertiesOf(template, alarms.responseTimeAlarm);
    expect(properties.Metrics).toEqual([
      { Id: expect.any(String), Expression: 'IF(requests >= 1, responseTime, 0)', Label: 'p99 response time (s)', ReturnData: true },
      {
        Id: 'responseTime',
        ReturnData: false,
        MetricStat: {
          Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime', Dimensions: dimensions },
          Period: 300,
          Stat: 'p99',
        },
      },
      {
        Id: 'requests',
        ReturnData: false,
        MetricStat: {
          Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: dimensions },
          Period: 300,
          Stat: 'Sum',
        },
      },
    ]);
  });

  test('by default it fires above 1 second in each of 3 consecutive 5-minute periods, and missing data is not breaching', () => {
    const { template, alarms } = synth();
    expect(propertiesOf(template, alarms.responseTimeAlarm)).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
      AlarmName: 'ServiceStack-ApiAlarms-ResponseTime',
      AlarmDescription: expect.stringMatching(
        /^p99 response time of ServiceStack\/Api above 1 s in each of 3 consecutive periods of 5 minutes: the target group ServiceStack\/Lb\/Http\/ApiGroup's TargetResponseTime/,
      ),
    });
  });

  test('custom options reach the alarm', () => {
    const { template, alarms } = synth({
      responseTime: { threshold: 0.25, period: Duration.minutes(1), evaluationPeriods: 5, datapointsToAlarm: 4, minimumRequests: 100 },
    });
    const properties = propertiesOf(template, alarms.responseTimeAlarm);
    expect(properties).toMatchObject({
      Threshold: 0.25,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 4,
      AlarmDescription: expect.stringMatching(
        /^p99 response time of ServiceStack\/Api above 0\.25 s in 4 of 5 consecutive periods of 1 minute \(periods with fewer than 100 requests count as 0\): /,
      ),
    });
    expect(properties.Metrics[0].Expression).toBe('IF(requests >= 100, responseTime, 0)');
    expect(properties.Metrics.slice(1).map((m: any) => m.MetricStat.Period)).toEqual([60, 60]);
  });
});

describe('ServiceAlarms: every alarm sends its ALARM and OK notifications to one topic', () => {
  test("by default the stack's shared AlarmTopic, for all five alarms and nothing else", () => {
    const { template, stack, alarms } = synth();
    expect(alarms.topic).toBe(AlarmTopic.of(stack).topic);
    const topic = onlyResource(template, 'AWS::SNS::Topic');
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    for (const alarm of [
      alarms.http5xxRateAlarm,
      alarms.responseTimeAlarm,
      alarms.unhealthyHostsAlarm,
      alarms.cpuAlarm,
      alarms.memoryAlarm,
    ]) {
      const properties = propertiesOf(template, alarm);
      expect(properties.AlarmActions).toEqual([{ Ref: topic.logicalId }]);
      expect(properties.OKActions).toEqual([{ Ref: topic.logicalId }]);
      expect(properties.InsufficientDataActions).toBeUndefined();
      expect(alarm!.node.scope).toBe(alarms);
    }
  });

  test('two ServiceAlarms in one stack share the one AlarmTopic and its de-duplicated subscriptions', () => {
    const { stack, service, loadBalancer, targetGroup } = serviceStack();
    const common = { service, loadBalancer, targetGroup, emailSubscriptions: ['oncall@example.com'] };
    new ServiceAlarms(stack, 'A', common);
    new ServiceAlarms(stack, 'B', { ...common, emailSubscriptions: ['OnCall@example.com'] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 1);
  });

  test('email and https subscriptions are added to the topic, with its dead-letter queue', () => {
    const { template } = synth({
      emailSubscriptions: ['oncall@example.com'],
      httpsSubscriptions: ['https://hooks.example.com/alarms'],
    });
    const topic = onlyResource(template, 'AWS::SNS::Topic');
    const queue = onlyResource(template, 'AWS::SQS::Queue');
    const common = {
      TopicArn: { Ref: topic.logicalId },
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [queue.logicalId, 'Arn'] } },
    };
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    template.hasResourceProperties('AWS::SNS::Subscription', { ...common, Protocol: 'email', Endpoint: 'oncall@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      ...common,
      Protocol: 'https',
      Endpoint: 'https://hooks.example.com/alarms',
    });
  });

  test('a topic passed in is used as it is, with a statement letting CloudWatch publish, and its subscriptions', () => {
    const { stack, service, loadBalancer, targetGroup } = serviceStack();
    const topic = new sns.Topic(stack, 'OpsTopic');
    const alarms = new ServiceAlarms(stack, 'ApiAlarms', {
      service,
      loadBalancer,
      targetGroup,
      topic,
      emailSubscriptions: ['oncall@example.com'],
    });
    expect(alarms.topic).toBe(topic);
    expect(stack.node.tryFindChild(AlarmTopic.SINGLETON_ID)).toBeUndefined();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::KMS::Key', 0);
    const topicId = logicalId(topic);
    for (const alarm of [alarms.http5xxRateAlarm, alarms.unhealthyHostsAlarm, alarms.cpuAlarm, alarms.memoryAlarm]) {
      expect(propertiesOf(template, alarm)).toMatchObject({ AlarmActions: [{ Ref: topicId }], OKActions: [{ Ref: topicId }] });
    }
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: { Statement: [Match.objectLike({ Sid: 'AllowCloudWatchAlarmsToPublish', Action: 'sns:Publish' })] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: { Ref: topicId }, Protocol: 'email' });
  });
});

describe('ServiceAlarms: each alarm can be tuned and turned off', () => {
  test('custom options reach each alarm', () => {
    const { template, alarms } = synth({
      http5xxRate: { threshold: 2.5, period: Duration.minutes(1), evaluationPeriods: 5, datapointsToAlarm: 3, minimumRequests: 20 },
      unhealthyHosts: { threshold: 2, period: Duration.minutes(2), evaluationPeriods: 4 },
      cpu: { threshold: 90, period: Duration.minutes(1), evaluationPeriods: 10, datapointsToAlarm: 8 },
      memory: { threshold: 70, evaluationPeriods: 1, alarmName: 'api-memory', alarmDescription: 'Memory is high.' },
    });
    const http5xx = propertiesOf(template, alarms.http5xxRateAlarm);
    expect(http5xx).toMatchObject({
      Threshold: 2.5,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      AlarmDescription: expect.stringMatching(
        /^5xx rate of ServiceStack\/Api above 2\.5% in 3 of 5 consecutive periods of 1 minute \(periods with fewer than 20 requests count as 0%\): /,
      ),
    });
    expect(http5xx.Metrics[0].Expression).toBe('IF(requests >= 20, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)');
    expect(http5xx.Metrics.slice(1).map((m: any) => m.MetricStat.Period)).toEqual([60, 60, 60]);

    // datapointsToAlarm defaults to 3 when evaluationPeriods is larger.
    expect(propertiesOf(template, alarms.unhealthyHostsAlarm)).toMatchObject({
      Threshold: 2,
      Period: 120,
      EvaluationPeriods: 4,
      DatapointsToAlarm: 3,
      AlarmDescription: expect.stringMatching(
        /^At least 2 unhealthy targets in target group .* in 3 of 4 consecutive periods of 2 minutes\. /,
      ),
    });
    expect(propertiesOf(template, alarms.cpuAlarm)).toMatchObject({
      Threshold: 90,
      Period: 60,
      EvaluationPeriods: 10,
      DatapointsToAlarm: 8,
      AlarmDescription: expect.stringMatching(
        /^CPU utilization of ServiceStack\/Api above 90% on average in 8 of 10 consecutive periods of 1 minute /,
      ),
    });
    expect(propertiesOf(template, alarms.memoryAlarm)).toMatchObject({
      Threshold: 70,
      Period: 300,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      AlarmName: 'api-memory',
      AlarmDescription: 'Memory is high.',
    });
  });

  test('the unhealthy-hosts datapointsToAlarm defaults to evaluationPeriods when that is below 3', () => {
    const { template, alarms } = synth({ unhealthyHosts: { evaluationPeriods: 2 } });
    expect(propertiesOf(template, alarms.unhealthyHostsAlarm)).toMatchObject({ EvaluationPeriods: 2, DatapointsToAlarm: 2 });
  });

  test.each([
    ['http5xxRate', 'http5xxRateAlarm', 'Http5xxRate'],
    ['responseTime', 'responseTimeAlarm', 'ResponseTime'],
    ['unhealthyHosts', 'unhealthyHostsAlarm', 'UnhealthyHosts'],
    ['cpu', 'cpuAlarm', 'CpuUtilization'],
    ['memory', 'memoryAlarm', 'MemoryUtilization'],
  ] as const)('%s: { enabled: false } creates the other four alarms only', (option, member, suffix) => {
    const { template, alarms } = synth({ [option]: { enabled: false } });
    expect(alarms[member]).toBeUndefined();
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((r: any) => r.Properties.AlarmName);
    expect(names).toHaveLength(4);
    expect(names).not.toContain(`ServiceStack-ApiAlarms-${suffix}`);
  });

  test('enabled: true is the default', () => {
    const { template } = synth({
      http5xxRate: { enabled: true },
      responseTime: { enabled: true },
      unhealthyHosts: { enabled: true },
      cpu: { enabled: true },
      memory: { enabled: true },
    });
    expect(template.toJSON()).toEqual(synth().template.toJSON());
  });

  test("a turned-off alarm's other options are ignored", () => {
    const { alarms } = synth({ cpu: { enabled: false, threshold: 500, period: Duration.seconds(10) } });
    expect(alarms.cpuAlarm).toBeUndefined();
  });

  test('without the 5xx-rate, response-time and unhealthy-hosts alarms, a target group without a load balancer is accepted', () => {
    const { stack, vpc, service, loadBalancer } = serviceStack();
    const unattached = new elbv2.ApplicationTargetGroup(stack, 'Unattached', { vpc, port: 8080 });
    const alarms = new ServiceAlarms(stack, 'ApiAlarms', {
      service,
      loadBalancer,
      targetGroup: unattached,
      http5xxRate: { enabled: false },
      responseTime: { enabled: false },
      unhealthyHosts: { enabled: false },
    });
    expect(alarms.cpuAlarm).toBeDefined();
    expect(alarms.memoryAlarm).toBeDefined();
  });
});

describe('ServiceAlarms: default names are unique per alarm and per ServiceAlarms', () => {
  test("two ServiceAlarms on the same service get ten distinct names, from each construct's path", () => {
    const { stack, service, loadBalancer, targetGroup } = serviceStack();
    new ServiceAlarms(stack, 'ApiAlarms', { service, loadBalancer, targetGroup });
    new ServiceAlarms(service, 'Alarms', { service, loadBalancer, targetGroup });
    const names = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).map((r: any) => r.Properties.AlarmName);
    expect(names.sort()).toEqual([
      'ServiceStack-Api-Alarms-CpuUtilization',
      'ServiceStack-Api-Alarms-Http5xxRate',
      'ServiceStack-Api-Alarms-MemoryUtilization',
      'ServiceStack-Api-Alarms-ResponseTime',
      'ServiceStack-Api-Alarms-UnhealthyHosts',
      'ServiceStack-ApiAlarms-CpuUtilization',
      'ServiceStack-ApiAlarms-Http5xxRate',
      'ServiceStack-ApiAlarms-MemoryUtilization',
      'ServiceStack-ApiAlarms-ResponseTime',
      'ServiceStack-ApiAlarms-UnhealthyHosts',
    ]);
  });

  test('names longer than 255 characters are cut, each with a hash of its own full name', () => {
    const { stack, service, loadBalancer, targetGroup } = serviceStack();
    const deep = new Construct(stack, 'x'.repeat(300));
    const alarms = new ServiceAlarms(deep, 'Alarms', { service, loadBalancer, targetGroup });
    const template = Template.fromStack(stack);
    const names = [alarms.http5xxRateAlarm, alarms.responseTimeAlarm, alarms.unhealthyHostsAlarm, alarms.cpuAlarm, alarms.memoryAlarm].map(
      (alarm) => propertiesOf(template, alarm).AlarmName,
    );
    for (const name of names) {
      expect(name).toHaveLength(255);
      expect(name).toMatch(/^ServiceStack-x+-[0-9a-f]{8}$/);
    }
    expect(new Set(names).size).toBe(5);
  });
});

/** Fixes shared by several refused inputs. */
const DATAPOINTS_FIX = (o: string) =>
  `Lower ${o}.datapointsToAlarm or raise ${o}.evaluationPeriods: the alarm fires when ${o}.datapointsToAlarm of the last ` +
  `${o}.evaluationPeriods periods breach.`;
const MINUTES_FIX = 'Load balancers and ECS publish their metrics once a minute: pass e.g. Duration.minutes(1) or Duration.minutes(5).';
const ALARM_NAME_FIX = (o: string) =>
  `Pass a shorter name, or leave ${o}.alarmName out to get a name derived from the stack and the construct path.`;

describe("ServiceAlarmsOptions: every invalid value is refused with the alarms' path, the prop as written and a fix", () => {
  test.each([
    [
      'http5xxRate.threshold -1',
      { http5xxRate: { threshold: -1 } },
      'http5xxRate.threshold must be a percentage from 0 to 100, got -1.',
      'Pass the 5xx rate in percent, e.g. http5xxRate.threshold: 5 for 5% (not 0.05).',
    ],
    [
      'http5xxRate.threshold 101',
      { http5xxRate: { threshold: 101 } },
      'http5xxRate.threshold must be a percentage from 0 to 100, got 101.',
      'Pass the 5xx rate in percent',
    ],
    [
      'a http5xxRate.threshold token',
      { http5xxRate: { threshold: Lazy.number({ produce: () => 5 }) } },
      'http5xxRate.threshold must be a concrete number, got a token.',
      "Pass a literal number for http5xxRate.threshold: it is validated and written into the alarm's description at synth time.",
    ],
    [
      'http5xxRate.minimumRequests 0',
      { http5xxRate: { minimumRequests: 0 } },
      'http5xxRate.minimumRequests must be a positive integer, got 0.',
      'Pass 1 to count every period with traffic, or more to ignore periods with few requests.',
    ],
    [
      'http5xxRate.minimumRequests 2.5',
      { http5xxRate: { minimumRequests: 2.5 } },
      'http5xxRate.minimumRequests must be a positive integer, got 2.5.',
      'Pass 1 to count every period with traffic',
    ],
    [
      'http5xxRate.datapointsToAlarm above its evaluationPeriods',
      { http5xxRate: { evaluationPeriods: 2, datapointsToAlarm: 3 } },
      'http5xxRate.datapointsToAlarm must be an integer from 1 to http5xxRate.evaluationPeriods (2), got 3.',
      DATAPOINTS_FIX('http5xxRate'),
    ],
    [
      'http5xxRate.period of 90 seconds',
      { http5xxRate: { period: Duration.seconds(90) } },
      'http5xxRate.period must be a whole number of minutes (at least 1), got 1 minute 30 seconds.',
      MINUTES_FIX,
    ],
    [
      'a http5xxRate.period token',
      { http5xxRate: { period: Duration.minutes(Lazy.number({ produce: () => 5 })) } },
      'http5xxRate.period must be a concrete duration, not a token.',
      'Pass a literal such as Duration.minutes(5).',
    ],
    [
      'http5xxRate.alarmName of 256 characters',
      { http5xxRate: { alarmName: 'x'.repeat(256) } },
      'http5xxRate.alarmName must be 1 to 255 characters without control characters',
      ALARM_NAME_FIX('http5xxRate'),
    ],
    [
      'unhealthyHosts.threshold 0',
      { unhealthyHosts: { threshold: 0 } },
      'unhealthyHosts.threshold must be a positive integer, got 0.',
      'Pass the number of unhealthy targets at which the alarm fires, e.g. unhealthyHosts.threshold: 1.',
    ],
    [
      'unhealthyHosts.threshold 1.5',
      { unhealthyHosts: { threshold: 1.5 } },
      'unhealthyHosts.threshold must be a positive integer, got 1.5.',
      'Pass the number of unhealthy targets',
    ],
    [
      'unhealthyHosts.evaluationPeriods 0',
      { unhealthyHosts: { evaluationPeriods: 0 } },
      'unhealthyHosts.evaluationPeriods must be a positive integer, got 0.',
      'Pass the number of periods the alarm looks at, e.g. unhealthyHosts.evaluationPeriods: 10.',
    ],
    [
      'unhealthyHosts.datapointsToAlarm above the default evaluationPeriods',
      { unhealthyHosts: { datapointsToAlarm: 11 } },
      'unhealthyHosts.datapointsToAlarm must be an integer from 1 to unhealthyHosts.evaluationPeriods (10), got 11.',
      DATAPOINTS_FIX('unhealthyHosts'),
    ],
    [
      'unhealthyHosts.datapointsToAlarm 0',
      { unhealthyHosts: { datapointsToAlarm: 0 } },
      'unhealthyHosts.datapointsToAlarm must be an integer from 1 to unhealthyHosts.evaluationPeriods (10), got 0.',
      DATAPOINTS_FIX('unhealthyHosts'),
    ],
    [
      'unhealthyHosts.period of 30 seconds',
      { unhealthyHosts: { period: Duration.seconds(30) } },
      'unhealthyHosts.period must be a whole number of minutes (at least 1), got 30 seconds.',
      MINUTES_FIX,
    ],
    [
      'more than one day of 1-minute unhealthyHosts periods',
      { unhealthyHosts: { evaluationPeriods: 1441 } },
      'unhealthyHosts.period (1 minute) times unhealthyHosts.evaluationPeriods (1441) is longer than CloudWatch allows ' +
        '(one day for periods under an hour).',
      'Lower unhealthyHosts.evaluationPeriods or the unhealthyHosts.period.',
    ],
    [
      'cpu.threshold 120',
      { cpu: { threshold: 120 } },
      'cpu.threshold must be a percentage from 0 to 100, got 120.',
      'Pass the CPU utilization in percent, e.g. cpu.threshold: 80 for 80% (not 0.8).',
    ],
    [
      'cpu.threshold NaN',
      { cpu: { threshold: NaN } },
      'cpu.threshold must be a concrete number, got NaN.',
      'Pass a literal number for cpu.threshold',
    ],
    [
      'cpu.evaluationPeriods 1.5',
      { cpu: { evaluationPeriods: 1.5 } },
      'cpu.evaluationPeriods must be a positive integer, got 1.5.',
      'Pass the number of periods the alarm looks at, e.g. cpu.evaluationPeriods: 3.',
    ],
    [
      'more than seven days of hourly cpu periods',
      { cpu: { period: Duration.hours(1), evaluationPeriods: 169 } },
      'cpu.period (1 hour) times cpu.evaluationPeriods (169) is longer than CloudWatch allows (seven days).',
      'Lower cpu.evaluationPeriods or the cpu.period.',
    ],
    [
      'memory.threshold -5',
      { memory: { threshold: -5 } },
      'memory.threshold must be a percentage from 0 to 100, got -5.',
      'Pass the memory utilization in percent, e.g. memory.threshold: 80 for 80% (not 0.8).',
    ],
    [
      'memory.datapointsToAlarm above its evaluationPeriods',
      { memory: { evaluationPeriods: 3, datapointsToAlarm: 4 } },
      'memory.datapointsToAlarm must be an integer from 1 to memory.evaluationPeriods (3), got 4.',
      DATAPOINTS_FIX('memory'),
    ],
    [
      'memory.alarmName with a newline',
      { memory: { alarmName: 'line\nbreak' } },
      'memory.alarmName must be 1 to 255 characters without control characters, got "line\\nbreak".',
      ALARM_NAME_FIX('memory'),
    ],
    [
      'memory.alarmDescription of 1025 characters',
      { memory: { alarmDescription: 'x'.repeat(1025) } },
      'memory.alarmDescription must be at most 1024 characters, got 1025.',
      'Shorten the description.',
    ],
    [
      'the same alarmName for two alarms',
      { unhealthyHosts: { alarmName: 'api' }, memory: { alarmName: 'api' } },
      'unhealthyHosts.alarmName and memory.alarmName are both "api", and CloudWatch alarm names must be unique in the ' +
        'account and region.',
      'Give each alarm its own name, or leave alarmName out to get distinct default names.',
    ],
    [
      'responseTime.threshold 0',
      { responseTime: { threshold: 0 } },
      'responseTime.threshold must be a number of seconds above 0, got 0.',
      'Pass the p99 response time in seconds, e.g. responseTime.threshold: 1 for one second (0.5 for 500 ms).',
    ],
    [
      'responseTime.threshold Infinity',
      { responseTime: { threshold: Infinity } },
      'responseTime.threshold must be a number of seconds above 0, got Infinity.',
      'Pass the p99 response time in seconds',
    ],
    [
      'a responseTime.threshold token',
      { responseTime: { threshold: Lazy.number({ produce: () => 1 }) } },
      'responseTime.threshold must be a concrete number, got a token.',
      'Pass a literal number for responseTime.threshold',
    ],
    [
      'responseTime.minimumRequests 0',
      { responseTime: { minimumRequests: 0 } },
      'responseTime.minimumRequests must be a positive integer, got 0.',
      'Pass 1 to count every period with traffic, or more to ignore periods with few requests.',
    ],
    [
      'responseTime.datapointsToAlarm above the default evaluationPeriods',
      { responseTime: { datapointsToAlarm: 4 } },
      'responseTime.datapointsToAlarm must be an integer from 1 to responseTime.evaluationPeriods (3), got 4.',
      DATAPOINTS_FIX('responseTime'),
    ],
    [
      'responseTime.period of 90 seconds',
      { responseTime: { period: Duration.seconds(90) } },
      'responseTime.period must be a whole number of minutes (at least 1), got 1 minute 30 seconds.',
      MINUTES_FIX,
    ],
    [
      'responseTime.evaluationPeriods 0',
      { responseTime: { evaluationPeriods: 0 } },
      'responseTime.evaluationPeriods must be a positive integer, got 0.',
      'Pass the number of periods the alarm looks at, e.g. responseTime.evaluationPeriods: 3.',
    ],
    [
      'responseTime.alarmName of 256 characters',
      { responseTime: { alarmName: 'x'.repeat(256) } },
      'responseTime.alarmName must be 1 to 255 characters without control characters',
      ALARM_NAME_FIX('responseTime'),
    ],
    [
      'responseTime.alarmDescription of 1025 characters',
      { responseTime: { alarmDescription: 'x'.repeat(1025) } },
      'responseTime.alarmDescription must be at most 1024 characters, got 1025.',
      'Shorten the description.',
    ],
    [
      'the same alarmName for the 5xx-rate and response-time alarms',
      { http5xxRate: { alarmName: 'api' }, responseTime: { alarmName: 'api' } },
      'http5xxRate.alarmName and responseTime.alarmName are both "api"',
      'Give each alarm its own name',
    ],
    [
      'every alarm turned off',
      {
        http5xxRate: { enabled: false },
        responseTime: { enabled: false },
        unhealthyHosts: { enabled: false },
        cpu: { enabled: false },
        memory: { enabled: false },
      },
      'http5xxRate.enabled, responseTime.enabled, unhealthyHosts.enabled, cpu.enabled and memory.enabled are all false, so there is no alarm to create.',
      'Leave at least one alarm enabled, or do not create the service alarms.',
    ],
    [
      'a bad email',
      { emailSubscriptions: ['ok@example.com', 'Ops <ops@example.com>'] },
      'emailSubscriptions[1] is not an email address: "Ops <ops@example.com>".',
      'Pass an address such as oncall@example.com, without spaces or display names.',
    ],
    [
      'an http:// endpoint',
      { httpsSubscriptions: ['http://hooks.example.com'] },
      'httpsSubscriptions[0] is not an https:// URL: "http://hooks.example.com".',
      'Pass the full endpoint, e.g. https://hooks.example.com/alarms.',
    ],
  ] as Array<[string, Partial<ServiceAlarmsProps>, string, string]>)('%s is refused', (_label, props, problem, fix) => {
    const { stack, service, loadBalancer, targetGroup } = serviceStack();
    const error = thrownBy(() => new ServiceAlarms(stack, 'Bad', { service, loadBalancer, targetGroup, ...props }));
    expect(error).toBeInstanceOf(CdkRustError);
    expectCdkRustError(
      () => {
        throw error;
      },
      'INVALID_PROP',
      `ServiceStack/Bad: ${problem}`,
      `\nFix: ${fix}`,
    );
    expect((error as CdkRustError).constructPath).toBe('ServiceStack/Bad');
    // Nothing is created for a refused ServiceAlarms, not even the shared topic.
    expect(stack.node.tryFindChild(AlarmTopic.SINGLETON_ID)).toBeUndefined();
  });

  test('subscriptions on a FIFO topic are refused, naming the topic prop', () => {
    const { stack, service, loadBalancer, targetGroup } = serviceStack();
    const topic = sns.Topic.fromTopicArn(stack, 'Fifo', 'arn:aws:sns:us-east-1:123456789012:ops.fifo');
    expectCdkRustError(
      () => new ServiceAlarms(stack, 'A', { service, loadBalancer, targetGroup, topic, emailSubscriptions: ['oncall@example.com'] }),
      'INVALID_PROP',
      'ServiceStack/A: topic ServiceStack/Fifo is a FIFO topic, which accepts only SQS subscriptions, so ' +
        'emailSubscriptions and httpsSubscriptions cannot be added to it.',
      '\nFix: Pass a standard topic, or leave out topic to use the shared alarm topic.',
    );
  });

  test('the edges are accepted: percentages 0 and 100, one day of 1-minute periods, tokens where no value is needed', () => {
    const token = (value: string) => Lazy.string({ produce: () => value });
    expect(() =>
      synth({
        http5xxRate: { threshold: 0, alarmName: token('api-5xx'), alarmDescription: token('5xx') },
        unhealthyHosts: { evaluationPeriods: 1440, datapointsToAlarm: 1440 },
        cpu: { threshold: 100, alarmName: token('api-cpu') },
        memory: { threshold: 0, period: Duration.hours(1), evaluationPeriods: 168 },
        emailSubscriptions: [token('oncall@example.com')],
        httpsSubscriptions: [token('https://hooks.example.com/alarms')],
      }),
    ).not.toThrow();
  });
});

describe('ServiceAlarms: watches only a service, load balancer and target group it can alarm on', () => {
  const FIX =
    'Fix: Create the alarms in a stack deployed to the account and region of the service, its load balancer and its target group.';

  test("a service in another region is refused, naming the alarms' path, both regions and the fix", () => {
    const { stack, loadBalancer, targetGroup } = serviceStack();
    const service = ecs.BaseService.fromServiceArnWithCluster(stack, 'EuApi', 'arn:aws:ecs:eu-west-1:123456789012:service/prod/api');
    expectCdkRustError(
      () => new ServiceAlarms(stack, 'A', { service, loadBalancer, targetGroup }),
      'INVALID_PROP',
      'ServiceStack/A: service ServiceStack/EuApi is in another account or region than the alarms: region eu-west-1 (service) vs us-east-1 (stack). ' +
        "The alarms would watch a resource of the same name in the stack's own account and region.",
      FIX,
    );
  });

  test('a load balancer in another account is refused', () => {
    const { stack, service, targetGroup } = serviceStack();
    const loadBalancer = elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(stack, 'OtherLb', {
      loadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:210987654321:loadbalancer/app/web/0123456789abcdef',
      securityGroupId: 'sg-12345678',
    });
    expectCdkRustError(
      () => new ServiceAlarms(stack, 'A', { service, loadBalancer, targetGroup }),
      'INVALID_PROP',
      'ServiceStack/A: loadBalancer ServiceStack/OtherLb is in another account or region than the alarms: account 210987654321 (loadBalancer) vs ' +
        '123456789012 (stack).',
      FIX,
    );
  });

  test('a target group of a stack in another region is refused', () => {
    const { app, stack, service, loadBalancer } = serviceStack();
    const eu = new Stack(app, 'EuStack', { env: { account: ENV.account, region: 'eu-west-1' } });
    const targetGroup = elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(eu, 'Tg', {
      targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/0123456789abcdef',
      loadBalancerArns: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/0123456789abcdef',
    });
    expectCdkRustError(
      () => new ServiceAlarms(stack, 'A', { service, loadBalancer, targetGroup }),
      'INVALID_PROP',
      'ServiceStack/A: targetGroup EuStack/Tg is in another account or region than the alarms: region eu-west-1 (targetGroup) vs us-east-1 (stack).',
      FIX,
    );
  });

  test('a target group not attached to a load balancer is refused, with how to attach it', () => {
    const { stack, vpc, service, loadBalancer } = serviceStack();
    const targetGroup = new elbv2.ApplicationTargetGroup(stack, 'Unattached', { vpc, port: 8080 });
    expectCdkRustError(
      () => new ServiceAlarms(stack, 'A', { service, loadBalancer, targetGroup }),
      'INVALID_PROP',
      'ServiceStack/A: targetGroup ServiceStack/Unattached is not attached to a load balancer, so it has no metrics to alarm on.',
      '\nFix: Add the target group to a listener of loadBalancer (listener.addTargets or listener.addTargetGroups) before ' +
        'creating the alarms, or import it with loadBalancerArns.',
    );
    // Refused before anything is created, not even the shared topic.
    expect(stack.node.tryFindChild(AlarmTopic.SINGLETON_ID)).toBeUndefined();
  });

  test('an imported target group without loadBalancerArns is refused the same way', () => {
    const { stack, service, loadBalancer } = serviceStack();
    const targetGroup = elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(stack, 'Tg', {
      targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/0123456789abcdef',
    });
    expectCdkRustError(
      () => new ServiceAlarms(stack, 'A', { service, loadBalancer, targetGroup }),
      'INVALID_PROP',
      'ServiceStack/A: targetGroup ServiceStack/Tg is not attached to a load balancer',
    );
  });

  test('an imported target group with loadBalancerArns is watched by its own and its load balancer names', () => {
    const { stack, service } = serviceStack();
    const lbArn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/0123456789abcdef';
    const loadBalancer = elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(stack, 'ImportedLb', {
      loadBalancerArn: lbArn,
      securityGroupId: 'sg-12345678',
    });
    const targetGroup = elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(stack, 'Tg', {
      targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/0123456789abcdef',
      loadBalancerArns: lbArn,
    });
    const alarms = new ServiceAlarms(stack, 'A', { service, loadBalancer, targetGroup });
    const template = Template.fromStack(stack);
    expect(propertiesOf(template, alarms.unhealthyHostsAlarm).Dimensions).toEqual([
      { Name: 'LoadBalancer', Value: 'app/web/0123456789abcdef' },
      { Name: 'TargetGroup', Value: 'targetgroup/api/0123456789abcdef' },
    ]);
    const elb5xx = propertiesOf(template, alarms.http5xxRateAlarm).Metrics.find((m: any) => m.Id === 'elb5xx');
    expect(elb5xx.MetricStat.Metric.Dimensions).toEqual([{ Name: 'LoadBalancer', Value: 'app/web/0123456789abcdef' }]);
  });
});

describe('ServiceAlarms: adds no cdk-nag finding (AwsSolutions + Serverless) of its own', () => {
  function withAlarms({ stack, service, loadBalancer, targetGroup }: ServiceStack): void {
    new ServiceAlarms(stack, 'ApiAlarms', {
      service,
      loadBalancer,
      targetGroup,
      emailSubscriptions: ['oncall@example.com'],
      httpsSubscriptions: ['https://hooks.example.com/alarms'],
    });
  }

  test('the findings of a load-balanced Fargate service are the same with and without its alarms', () => {
    const without = nagFindingsOf(() => undefined);
    const withIt = nagFindingsOf(withAlarms);
    // The plain-CDK service stack has findings of its own (VPC flow logs, load balancer access logs...).
    expect(without.length).toBeGreaterThan(0);
    expect(withIt).toEqual(without);
  });

  test('control: the comparison sees a new finding, here a queue that is not acknowledged', () => {
    const without = nagFindingsOf(withAlarms);
    const withQueue = nagFindingsOf((fixture) => {
      withAlarms(fixture);
      new sqs.Queue(fixture.stack, 'Bare', { enforceSSL: true });
    });
    const added = withQueue.filter((f) => !without.some((w) => w.rule === f.rule && w.path === f.path));
    expect(added.map((f) => `${f.rule} ${f.path}`).sort()).toEqual([
      'AwsSolutions-SQS3 ServiceStack/Bare/Resource',
      'Serverless-SQSRedrivePolicy ServiceStack/Bare/Resource',
    ]);
  });
});

/** Synthesize the service stack with `build` applied, under the AwsSolutions and Serverless packs; sorted findings. */
function nagFindingsOf(build: (fixture: ServiceStack) => void): NagFinding[] {
  return nagFindingsFor((app) => build(serviceStack(app)));
}
