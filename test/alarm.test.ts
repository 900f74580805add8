import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { NagFinding, nagFindings } from './support';
import { AlarmTopic, ErrorRateAlarm, ErrorRateAlarmProps } from '../lib/alarm';
import { CdkRustError } from '../lib/errors';

const ENV = { account: '123456789012', region: 'us-east-1' };
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:orders';

/** A stack holding an imported function, as in an existing project not built with cdk-rust. */
function importedFunctionStack(app = new App({ analyticsReporting: false })): {
  app: App;
  stack: Stack;
  fn: lambda.IFunction;
} {
  const stack = new Stack(app, 'AlarmStack', { env: ENV });
  const fn = lambda.Function.fromFunctionArn(stack, 'Orders', FUNCTION_ARN);
  return { app, stack, fn };
}

function synth(props: Partial<ErrorRateAlarmProps> = {}): { template: Template; stack: Stack; alarm: ErrorRateAlarm } {
  const { stack, fn } = importedFunctionStack();
  const alarm = new ErrorRateAlarm(stack, 'OrdersErrorRate', { function: fn, ...props });
  return { template: Template.fromStack(stack), stack, alarm };
}

function onlyResource(template: Template, type: string): { logicalId: string; properties: any } {
  const resources = template.findResources(type);
  const ids = Object.keys(resources);
  expect(ids).toHaveLength(1);
  return { logicalId: ids[0], properties: resources[ids[0]].Properties };
}

function expectInvalidProp(props: Partial<ErrorRateAlarmProps>, messagePart: string): void {
  const { stack, fn } = importedFunctionStack();
  let caught: unknown;
  try {
    new ErrorRateAlarm(stack, 'Bad', { function: fn, ...props });
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(CdkRustError);
  const error = caught as CdkRustError;
  expect(error.code).toBe('INVALID_PROP');
  expect(error.message).toContain(messagePart);
  expect(error.fix).toBeTruthy();
}

/** Non-default alarm options, shared by the snapshot and the assertions on them. */
const CUSTOM_OPTIONS = {
  threshold: 2.5,
  period: Duration.minutes(1),
  evaluationPeriods: 5,
  datapointsToAlarm: 3,
  minimumInvocations: 20,
};

describe('snapshots', () => {
  test('default: imported function, new shared topic', () => {
    expect(synth().template.toJSON()).toMatchSnapshot();
  });

  test('existing topic passed in', () => {
    const { stack, fn } = importedFunctionStack();
    const topic = new sns.Topic(stack, 'OpsTopic');
    new ErrorRateAlarm(stack, 'OrdersErrorRate', { function: fn, topic });
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });

  test('custom threshold, period, evaluation and minimum invocations', () => {
    const { template } = synth({ ...CUSTOM_OPTIONS, alarmName: 'orders-error-rate' });
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('email and https subscriptions', () => {
    const { template } = synth({
      emailSubscriptions: ['oncall@example.com'],
      httpsSubscriptions: ['https://hooks.example.com/alarms'],
    });
    expect(template.toJSON()).toMatchSnapshot();
  });
});

describe('alarm', () => {
  test('metric math over Errors and Invocations, Sum per 5-minute period, of the function', () => {
    const { template } = synth();
    const dimension = [{ Name: 'FunctionName', Value: 'orders' }];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [
        {
          Id: Match.anyValue(),
          Expression: 'IF(invocations >= 1, 100 * errors / invocations, 0)',
          Label: 'Error rate (%)',
          ReturnData: true,
        },
        {
          Id: 'errors',
          ReturnData: false,
          MetricStat: {
            Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: dimension },
            Period: 300,
            Stat: 'Sum',
          },
        },
        {
          Id: 'invocations',
          ReturnData: false,
          MetricStat: {
            Metric: { Namespace: 'AWS/Lambda', MetricName: 'Invocations', Dimensions: dimension },
            Period: 300,
            Stat: 'Sum',
          },
        },
      ],
    });
  });

  test('defaults: above 5% in one 5-minute window, missing data not breaching', () => {
    const { template } = synth();
    const { properties } = onlyResource(template, 'AWS::CloudWatch::Alarm');
    expect(properties).toMatchObject({
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      AlarmName: 'AlarmStack-Orders-ErrorRate',
      AlarmDescription: 'Error rate of AlarmStack/Orders above 5% over 5 minutes',
    });
    // No top-level metric fields next to Metrics.
    expect(properties.MetricName).toBeUndefined();
    expect(properties.Period).toBeUndefined();
  });

  test('alarm and OK actions both go to the topic', () => {
    const { template } = synth();
    const topic = onlyResource(template, 'AWS::SNS::Topic');
    const { properties } = onlyResource(template, 'AWS::CloudWatch::Alarm');
    expect(properties.AlarmActions).toEqual([{ Ref: topic.logicalId }]);
    expect(properties.OKActions).toEqual([{ Ref: topic.logicalId }]);
    expect(properties.InsufficientDataActions).toBeUndefined();
  });

  test('custom options reach the alarm', () => {
    const { template } = synth(CUSTOM_OPTIONS);
    const { properties } = onlyResource(template, 'AWS::CloudWatch::Alarm');
    expect(properties).toMatchObject({
      Threshold: 2.5,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      AlarmDescription:
        'Error rate of AlarmStack/Orders above 2.5% in 3 of 5 consecutive periods of 1 minute ' +
        '(periods with fewer than 20 invocations count as 0%)',
    });
    expect(properties.Metrics[0].Expression).toBe('IF(invocations >= 20, 100 * errors / invocations, 0)');
    expect(properties.Metrics[1].MetricStat.Period).toBe(60);
    expect(properties.Metrics[2].MetricStat.Period).toBe(60);
  });

  test('datapointsToAlarm defaults to evaluationPeriods (the "5 consecutive minutes" reading)', () => {
    const { template } = synth({ period: Duration.minutes(1), evaluationPeriods: 5 });
    const { properties } = onlyResource(template, 'AWS::CloudWatch::Alarm');
    expect(properties).toMatchObject({ EvaluationPeriods: 5, DatapointsToAlarm: 5 });
    expect(properties.AlarmDescription).toBe(
      'Error rate of AlarmStack/Orders above 5% in each of 5 consecutive periods of 1 minute',
    );
  });

  test('alarmName and alarmDescription overrides', () => {
    const { template } = synth({ alarmName: 'orders-errors', alarmDescription: 'Orders are failing' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'orders-errors',
      AlarmDescription: 'Orders are failing',
    });
  });

  test('the default name is sanitized and at most 255 characters, with a stable hash suffix', () => {
    const app = new App({ analyticsReporting: false });
    const stack = new Stack(app, 'Stack', { env: ENV });
    const longId = 'Very Long:Function Name!'.repeat(15);
    const fn = lambda.Function.fromFunctionArn(stack, longId, FUNCTION_ARN);
    new ErrorRateAlarm(stack, 'Alarm', { function: fn });
    const name: string = onlyResource(Template.fromStack(stack), 'AWS::CloudWatch::Alarm').properties.AlarmName;
    expect(name.length).toBeLessThanOrEqual(255);
    expect(name).toMatch(/^Stack-Very-Long-Function-Name-Very-Long/);
    expect(name).toMatch(/^[A-Za-z0-9._-]+-[0-9a-f]{8}$/);

    // Same input, same name.
    const app2 = new App({ analyticsReporting: false });
    const stack2 = new Stack(app2, 'Stack', { env: ENV });
    const fn2 = lambda.Function.fromFunctionArn(stack2, longId, FUNCTION_ARN);
    new ErrorRateAlarm(stack2, 'Alarm', { function: fn2 });
    expect(onlyResource(Template.fromStack(stack2), 'AWS::CloudWatch::Alarm').properties.AlarmName).toBe(name);
  });

  test('works on a function defined in the stack (path relative to the stack)', () => {
    const app = new App({ analyticsReporting: false });
    const stack = new Stack(app, 'Svc', { env: ENV });
    const fn = new lambda.Function(stack, 'Api', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
    });
    new ErrorRateAlarm(fn, 'ErrorRateAlarm', { function: fn });
    const template = Template.fromStack(stack);
    const fnId = Object.keys(template.findResources('AWS::Lambda::Function'))[0];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'Svc-Api-ErrorRate',
      Metrics: Match.arrayWith([
        Match.objectLike({
          Id: 'errors',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }] }),
          }),
        }),
      ]),
    });
  });

  test('exposes the alarm, the topic and the error-rate expression', () => {
    const { alarm, stack } = synth();
    expect(alarm.topic).toBe(AlarmTopic.of(stack).topic);
    expect(alarm.errorRate.expression).toBe('IF(invocations >= 1, 100 * errors / invocations, 0)');
    expect(alarm.alarm.node.scope).toBe(alarm);
  });
});

describe('shared topic', () => {
  test('customer-managed key with rotation, usable by CloudWatch for alarms of this account and region only', () => {
    const { template } = synth();
    const key = onlyResource(template, 'AWS::KMS::Key');
    expect(key.properties.EnableKeyRotation).toBe(true);
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    expect(key.properties.KeyPolicy.Statement).toContainEqual({
      Sid: 'AllowCloudWatchAlarmsToUseKey',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceAccount': '123456789012' },
        ArnLike: {
          'aws:SourceArn': {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:us-east-1:123456789012:alarm:*']],
          },
        },
      },
    });
    // No statement lets cloudwatch.amazonaws.com use the key without those conditions.
    const forCloudWatch = key.properties.KeyPolicy.Statement.filter((s: any) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(forCloudWatch).toHaveLength(1);
  });

  test('the key policy and the topic policy limit CloudWatch to the same alarms', () => {
    const { template } = synth();
    const keyStatement = onlyResource(template, 'AWS::KMS::Key').properties.KeyPolicy.Statement
      .find((s: any) => s.Sid === 'AllowCloudWatchAlarmsToUseKey');
    const topicStatement = onlyResource(template, 'AWS::SNS::TopicPolicy').properties.PolicyDocument.Statement
      .find((s: any) => s.Sid === 'AllowCloudWatchAlarmsToPublish');
    expect(keyStatement.Condition).toBeDefined();
    expect(keyStatement.Condition).toEqual(topicStatement.Condition);
  });

  test('topic encrypted with that key', () => {
    const { template } = synth();
    const key = onlyResource(template, 'AWS::KMS::Key');
    const topic = onlyResource(template, 'AWS::SNS::Topic');
    expect(topic.properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [key.logicalId, 'Arn'] });
    expect(topic.properties.DisplayName).toBe('AlarmStack alarms');
  });

  test('topic policy: CloudWatch alarms of this account and region may publish; TLS is required', () => {
    const { template } = synth();
    const topic = onlyResource(template, 'AWS::SNS::Topic');
    const policy = onlyResource(template, 'AWS::SNS::TopicPolicy');
    expect(policy.properties.Topics).toEqual([{ Ref: topic.logicalId }]);
    const statements = policy.properties.PolicyDocument.Statement;
    expect(statements).toContainEqual({
      Sid: 'AllowCloudWatchAlarmsToPublish',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: { Ref: topic.logicalId },
      Condition: {
        StringEquals: { 'aws:SourceAccount': '123456789012' },
        ArnLike: {
          'aws:SourceArn': {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:us-east-1:123456789012:alarm:*']],
          },
        },
      },
    });
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Publish',
        Resource: { Ref: topic.logicalId },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  test('environment-agnostic stack: conditions use the deploy-time account, partition and region', () => {
    const app = new App({ analyticsReporting: false });
    const stack = new Stack(app, 'Agnostic');
    const fn = lambda.Function.fromFunctionName(stack, 'Fn', 'orders');
    new ErrorRateAlarm(stack, 'Alarm', { function: fn });
    const template = Template.fromStack(stack);
    const condition = {
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: {
        'aws:SourceArn': {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':cloudwatch:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':alarm:*',
            ],
          ],
        },
      },
    };
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCloudWatchAlarmsToPublish', Condition: condition })]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCloudWatchAlarmsToUseKey', Condition: condition })]),
      },
    });
  });

  test('singleton: two alarms in one stack share one topic and one key', () => {
    const { stack, fn } = importedFunctionStack();
    const other = lambda.Function.fromFunctionArn(stack, 'Payments', FUNCTION_ARN.replace('orders', 'payments'));
    const a = new ErrorRateAlarm(stack, 'OrdersErrorRate', { function: fn });
    const b = new ErrorRateAlarm(stack, 'PaymentsErrorRate', { function: other });
    expect(a.topic).toBe(b.topic);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.resourceCountIs('AWS::SNS::TopicPolicy', 1);
    // The CloudWatch statements are present once.
    const policy = onlyResource(template, 'AWS::SNS::TopicPolicy');
    expect(
      policy.properties.PolicyDocument.Statement.filter((s: any) => s.Sid === 'AllowCloudWatchAlarmsToPublish'),
    ).toHaveLength(1);
    const key = onlyResource(template, 'AWS::KMS::Key');
    expect(
      key.properties.KeyPolicy.Statement.filter((s: any) => s.Sid === 'AllowCloudWatchAlarmsToUseKey'),
    ).toHaveLength(1);
  });

  test('one topic per stack', () => {
    const app = new App({ analyticsReporting: false });
    const { stack: one, fn } = importedFunctionStack(app);
    const two = new Stack(app, 'Other', { env: ENV });
    const fn2 = lambda.Function.fromFunctionArn(two, 'Orders', FUNCTION_ARN);
    new ErrorRateAlarm(one, 'A', { function: fn });
    new ErrorRateAlarm(two, 'B', { function: fn2 });
    Template.fromStack(one).resourceCountIs('AWS::SNS::Topic', 1);
    Template.fromStack(two).resourceCountIs('AWS::SNS::Topic', 1);
    expect(AlarmTopic.of(one)).not.toBe(AlarmTopic.of(two));
  });

  test('the singleton is a child of the stack with a fixed id', () => {
    const { stack, fn } = importedFunctionStack();
    const alarm = new ErrorRateAlarm(stack, 'OrdersErrorRate', { function: fn });
    const shared = stack.node.findChild(AlarmTopic.SINGLETON_ID);
    expect(AlarmTopic.isAlarmTopic(shared)).toBe(true);
    expect((shared as AlarmTopic).topic).toBe(alarm.topic);
  });

  test('a custom AlarmTopic can be passed as topic, with its removal policy', () => {
    const { stack, fn } = importedFunctionStack();
    const custom = new AlarmTopic(stack, 'PagingTopic', {
      keyRemovalPolicy: RemovalPolicy.RETAIN,
      displayName: 'Paging',
    });
    new ErrorRateAlarm(stack, 'OrdersErrorRate', {
      function: fn,
      topic: custom.topic,
      emailSubscriptions: ['oncall@example.com'],
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'Paging' });
    // The subscription and its DLQ belong to the custom AlarmTopic.
    expect(custom.deadLetterQueue).toBeDefined();
    expect(stack.node.tryFindChild(AlarmTopic.SINGLETON_ID)).toBeUndefined();
  });
});

describe('existing topic', () => {
  test('is used as is: no key, no second topic; CloudWatch may publish to it', () => {
    const { stack, fn } = importedFunctionStack();
    const topic = new sns.Topic(stack, 'OpsTopic');
    const alarm = new ErrorRateAlarm(stack, 'OrdersErrorRate', { function: fn, topic });
    expect(alarm.topic).toBe(topic);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::KMS::Key', 0);
    const topicId = onlyResource(template, 'AWS::SNS::Topic').logicalId;
    const { properties } = onlyResource(template, 'AWS::CloudWatch::Alarm');
    expect(properties.AlarmActions).toEqual([{ Ref: topicId }]);
    expect(properties.OKActions).toEqual([{ Ref: topicId }]);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: [Match.objectLike({ Sid: 'AllowCloudWatchAlarmsToPublish', Action: 'sns:Publish' })],
      },
    });
  });

  test('its own KMS key gets the CloudWatch statement, limited to alarms of this account and region', () => {
    const { stack, fn } = importedFunctionStack();
    const key = new kms.Key(stack, 'OpsKey', { enableKeyRotation: true });
    const topic = new sns.Topic(stack, 'OpsTopic', { masterKey: key });
    new ErrorRateAlarm(stack, 'A', { function: fn, topic });
    new ErrorRateAlarm(stack, 'B', { function: fn, topic, alarmName: 'second' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    const { properties } = onlyResource(template, 'AWS::KMS::Key');
    const statements = properties.KeyPolicy.Statement.filter((s: any) => s.Sid === 'AllowCloudWatchAlarmsToUseKey');
    expect(statements).toHaveLength(1);
    expect(statements[0].Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '123456789012' },
      ArnLike: {
        'aws:SourceArn': {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:us-east-1:123456789012:alarm:*']],
        },
      },
    });
  });

  test('an imported topic is referenced by ARN and left alone', () => {
    const { stack, fn } = importedFunctionStack();
    const arn = 'arn:aws:sns:us-east-1:123456789012:ops';
    const topic = sns.Topic.fromTopicArn(stack, 'Ops', arn);
    new ErrorRateAlarm(stack, 'OrdersErrorRate', { function: fn, topic, emailSubscriptions: ['oncall@example.com'] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::SNS::TopicPolicy', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [arn], OKActions: [arn] });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: arn,
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
    });
  });

  test('an imported topic with an imported key: warning about the key policy', () => {
    const { stack, fn } = importedFunctionStack();
    const topic = sns.Topic.fromTopicAttributes(stack, 'Ops', {
      topicArn: 'arn:aws:sns:us-east-1:123456789012:ops',
      keyArn: 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555',
    });
    new ErrorRateAlarm(stack, 'OrdersErrorRate', { function: fn, topic });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('kms:GenerateDataKey'));
  });

  test('a FIFO topic cannot take email subscriptions', () => {
    const { stack, fn } = importedFunctionStack();
    const topic = sns.Topic.fromTopicArn(stack, 'Fifo', 'arn:aws:sns:us-east-1:123456789012:ops.fifo');
    expect(
      () => new ErrorRateAlarm(stack, 'A', { function: fn, topic, emailSubscriptions: ['oncall@example.com'] }),
    ).toThrow(/FIFO/);
  });
});

describe('subscriptions', () => {
  test('email and https subscriptions with a shared, encrypted, TLS-only dead-letter queue', () => {
    const { template } = synth({
      emailSubscriptions: ['oncall@example.com'],
      httpsSubscriptions: ['https://hooks.example.com/alarms'],
    });
    const topic = onlyResource(template, 'AWS::SNS::Topic');
    const queue = onlyResource(template, 'AWS::SQS::Queue');
    expect(queue.properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    const dlq = { deadLetterTargetArn: { 'Fn::GetAtt': [queue.logicalId, 'Arn'] } };
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: { Ref: topic.logicalId },
      RedrivePolicy: dlq,
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      Endpoint: 'https://hooks.example.com/alarms',
      TopicArn: { Ref: topic.logicalId },
      RedrivePolicy: dlq,
    });
    // SNS may send to the DLQ (for this topic only); plain-HTTP requests are denied.
    const queuePolicy = onlyResource(template, 'AWS::SQS::QueuePolicy');
    const statements = queuePolicy.properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Condition: { ArnEquals: { 'aws:SourceArn': { Ref: topic.logicalId } } },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  test('no subscriptions: no queue', () => {
    const { template, stack } = synth();
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.resourceCountIs('AWS::SQS::Queue', 0);
    expect(AlarmTopic.of(stack).deadLetterQueue).toBeUndefined();
  });

  test('de-duplicated across alarms sharing a topic (emails case-insensitively)', () => {
    const { stack, fn } = importedFunctionStack();
    const other = lambda.Function.fromFunctionArn(stack, 'Payments', FUNCTION_ARN.replace('orders', 'payments'));
    new ErrorRateAlarm(stack, 'A', {
      function: fn,
      emailSubscriptions: ['oncall@example.com', 'oncall@example.com'],
      httpsSubscriptions: ['https://hooks.example.com/alarms'],
    });
    new ErrorRateAlarm(stack, 'B', {
      function: other,
      emailSubscriptions: ['OnCall@Example.com', 'team@example.com'],
      httpsSubscriptions: ['https://hooks.example.com/alarms'],
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Subscription', 3);
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.resourceCountIs('AWS::SQS::QueuePolicy', 1);
    const endpoints = Object.values(template.findResources('AWS::SNS::Subscription'))
      .map((r: any) => r.Properties.Endpoint)
      .sort();
    expect(endpoints).toEqual(['https://hooks.example.com/alarms', 'oncall@example.com', 'team@example.com']);
    // The queue policy holds the SNS statement once.
    const queuePolicy = onlyResource(template, 'AWS::SQS::QueuePolicy');
    expect(
      queuePolicy.properties.PolicyDocument.Statement.filter((s: any) => s.Action === 'sqs:SendMessage'),
    ).toHaveLength(1);
  });

  test('de-duplicated on an existing topic too', () => {
    const { stack, fn } = importedFunctionStack();
    const topic = new sns.Topic(stack, 'OpsTopic', { enforceSSL: true });
    new ErrorRateAlarm(stack, 'A', { function: fn, topic, emailSubscriptions: ['oncall@example.com'] });
    new ErrorRateAlarm(stack, 'B', { function: fn, topic, emailSubscriptions: ['oncall@example.com'], alarmName: 'b' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Subscription', 1);
    template.resourceCountIs('AWS::SQS::Queue', 1);
  });

  test('AlarmTopic methods validate and de-duplicate', () => {
    const { stack } = importedFunctionStack();
    const shared = AlarmTopic.of(stack);
    shared.addEmailSubscription('a@example.com');
    shared.addEmailSubscription('A@example.com');
    shared.addHttpsSubscription('https://x.example.com/hook');
    Template.fromStack(stack).resourceCountIs('AWS::SNS::Subscription', 2);
    expect(() => shared.addEmailSubscription('nope')).toThrow(CdkRustError);
    expect(() => shared.addHttpsSubscription('http://x.example.com')).toThrow(CdkRustError);
  });
});

describe('bad input', () => {
  test.each([
    ['threshold -1', { threshold: -1 }, 'threshold must be a percentage from 0 to 100, got -1'],
    ['threshold 101', { threshold: 101 }, 'threshold must be a percentage from 0 to 100, got 101'],
    ['threshold NaN', { threshold: NaN }, 'threshold must be a concrete number'],
    [
      'datapointsToAlarm above evaluationPeriods',
      { evaluationPeriods: 2, datapointsToAlarm: 3 },
      'datapointsToAlarm must be an integer from 1 to evaluationPeriods (2), got 3',
    ],
    ['datapointsToAlarm 0', { datapointsToAlarm: 0 }, 'datapointsToAlarm must be an integer from 1 to evaluationPeriods'],
    ['evaluationPeriods 0', { evaluationPeriods: 0 }, 'evaluationPeriods must be a positive integer, got 0'],
    ['evaluationPeriods 1.5', { evaluationPeriods: 1.5 }, 'evaluationPeriods must be a positive integer'],
    [
      'period of 90 seconds',
      { period: Duration.seconds(90) },
      'period must be a whole number of minutes (at least 1), got 1 minute 30 seconds',
    ],
    ['period of 30 seconds', { period: Duration.seconds(30) }, 'period must be a whole number of minutes'],
    [
      'more than one day of 5-minute periods',
      { period: Duration.minutes(5), evaluationPeriods: 289 },
      'period (5 minutes) times evaluationPeriods (289)',
    ],
    ['minimumInvocations 0', { minimumInvocations: 0 }, 'minimumInvocations must be a positive integer, got 0'],
    ['minimumInvocations 2.5', { minimumInvocations: 2.5 }, 'minimumInvocations must be a positive integer'],
    [
      'a bad email',
      { emailSubscriptions: ['not-an-email'] },
      'emailSubscriptions[0] is not an email address: "not-an-email"',
    ],
    [
      'an email with a display name',
      { emailSubscriptions: ['ok@example.com', 'Ops <ops@example.com>'] },
      'emailSubscriptions[1] is not an email address',
    ],
    ['an http:// endpoint', { httpsSubscriptions: ['http://hooks.example.com'] }, 'httpsSubscriptions[0] is not an https:// URL'],
    ['an https:// URL without host', { httpsSubscriptions: ['https://'] }, 'httpsSubscriptions[0] is not an https:// URL'],
    ['an alarmName of 256 characters', { alarmName: 'x'.repeat(256) }, 'alarmName must be 1 to 255 characters'],
    [
      'an alarmName with a newline',
      { alarmName: 'line\nbreak' },
      'alarmName must be 1 to 255 characters without control characters',
    ],
    [
      'an alarmDescription of 1025 characters',
      { alarmDescription: 'x'.repeat(1025) },
      'alarmDescription must be at most 1024 characters',
    ],
  ] as Array<[string, Partial<ErrorRateAlarmProps>, string]>)('rejects %s', (_label, props, message) => {
    expectInvalidProp(props, message);
  });

  test('accepted edges: threshold 0 and 100, one day of 1-minute periods, 7 days of hourly periods', () => {
    expect(() => synth({ threshold: 0 })).not.toThrow();
    expect(() => synth({ threshold: 100 })).not.toThrow();
    expect(() => synth({ period: Duration.minutes(1), evaluationPeriods: 1440 })).not.toThrow();
    expect(() => synth({ period: Duration.hours(1), evaluationPeriods: 168 })).not.toThrow();
  });

  test('a function in another region is refused', () => {
    const app = new App({ analyticsReporting: false });
    const stack = new Stack(app, 'EuStack', { env: { account: '123456789012', region: 'eu-west-1' } });
    const fn = lambda.Function.fromFunctionArn(stack, 'Orders', FUNCTION_ARN);
    let caught: unknown;
    try {
      new ErrorRateAlarm(stack, 'A', { function: fn });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CdkRustError);
    expect((caught as CdkRustError).code).toBe('INVALID_PROP');
    expect((caught as CdkRustError).message).toContain('region us-east-1 (function) vs eu-west-1 (stack)');
  });
});

describe('cdk-nag (AwsSolutions + Serverless)', () => {
  function withAlarm(stack: Stack, fn: lambda.IFunction): void {
    new ErrorRateAlarm(stack, 'OrdersErrorRate', {
      function: fn,
      emailSubscriptions: ['oncall@example.com'],
      httpsSubscriptions: ['https://hooks.example.com/alarms'],
    });
  }

  test('no unacknowledged findings for an imported function with an email-subscribed alarm', () => {
    const findings = nagFindingsOf(withAlarm);
    if (findings.length > 0) {
      throw new Error(`cdk-nag reported unacknowledged findings:\n${JSON.stringify(findings, null, 2)}`);
    }
  });

  test('control: the same packs flag a queue that is not acknowledged, and only that queue', () => {
    const findings = nagFindingsOf((stack, fn) => {
      withAlarm(stack, fn);
      new sqs.Queue(stack, 'Bare', { enforceSSL: true });
    });
    expect(findings.map((f) => `${f.rule} ${f.path}`).sort()).toEqual([
      'AwsSolutions-SQS3 AlarmStack/Bare/Resource',
      'Serverless-SQSRedrivePolicy AlarmStack/Bare/Resource',
    ]);
  });
});

/** Synthesize an app with the AwsSolutions and Serverless packs and list the violations of its validation report. */
function nagFindingsOf(build: (stack: Stack, fn: lambda.IFunction) => void): NagFinding[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-alarm-nag-'));
  try {
    const app = new App({
      outdir,
      analyticsReporting: false,
      context: { '@aws-cdk/core:failSynthOnValidationErrors': false },
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    const { stack, fn } = importedFunctionStack(app);
    build(stack, fn);
    return nagFindings(app);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
