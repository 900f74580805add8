/** AlarmTopic (lib/alarm/alarm-topic.ts): the encrypted topic CloudWatch can deliver to, one shared per stack. */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ENV, FUNCTION_ARN, importedFunctionStack, onlyResource, synth } from './fixtures';
import { AlarmTopic, ErrorRateAlarm } from '../../lib/alarm';
import { expectCdkRustError } from '../support';

describe('AlarmTopic: a topic CloudWatch alarms can deliver to, encrypted with its own key', () => {
  test('its key is customer-managed, rotated, and usable by CloudWatch for alarms of this account and region only', () => {
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

  test('its topic is encrypted with that key and named after the stack', () => {
    const { template } = synth();
    const key = onlyResource(template, 'AWS::KMS::Key');
    const topic = onlyResource(template, 'AWS::SNS::Topic');
    expect(topic.properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [key.logicalId, 'Arn'] });
    expect(topic.properties.DisplayName).toBe('AlarmStack alarms');
  });

  test('its topic policy lets CloudWatch alarms of this account and region publish, and requires TLS', () => {
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
});

describe('AlarmTopic: one shared topic per stack', () => {
  test('two alarms in one stack share one topic and one key, whose CloudWatch statements are present once', () => {
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
    expect(policy.properties.PolicyDocument.Statement.filter((s: any) => s.Sid === 'AllowCloudWatchAlarmsToPublish')).toHaveLength(1);
    const key = onlyResource(template, 'AWS::KMS::Key');
    expect(key.properties.KeyPolicy.Statement.filter((s: any) => s.Sid === 'AllowCloudWatchAlarmsToUseKey')).toHaveLength(1);
  });

  test('each stack gets its own topic', () => {
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

  test('the shared topic is a child of the stack with a fixed id', () => {
    const { stack, fn } = importedFunctionStack();
    const alarm = new ErrorRateAlarm(stack, 'OrdersErrorRate', { function: fn });
    const shared = stack.node.findChild(AlarmTopic.SINGLETON_ID);
    expect(AlarmTopic.isAlarmTopic(shared)).toBe(true);
    expect((shared as AlarmTopic).topic).toBe(alarm.topic);
  });

  test('isAlarmTopic is false for a plain sns.Topic and for non-objects', () => {
    const { stack } = importedFunctionStack();
    expect(AlarmTopic.isAlarmTopic(new sns.Topic(stack, 'Plain'))).toBe(false);
    expect(AlarmTopic.isAlarmTopic(undefined)).toBe(false);
  });

  test('a custom AlarmTopic can be passed as topic, with its removal policy and display name', () => {
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

  test('a shared topic created first with the singleton id is the one the alarms use', () => {
    const { stack, fn } = importedFunctionStack();
    const shared = new AlarmTopic(stack, AlarmTopic.SINGLETON_ID, { keyRemovalPolicy: RemovalPolicy.RETAIN });
    const alarm = new ErrorRateAlarm(stack, 'OrdersErrorRate', { function: fn });
    expect(alarm.topic).toBe(shared.topic);
    Template.fromStack(stack).hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  test('another construct with the singleton id is refused, with its path and both fixes', () => {
    const { stack, fn } = importedFunctionStack();
    new Construct(stack, AlarmTopic.SINGLETON_ID);
    expectCdkRustError(
      () => new ErrorRateAlarm(stack, 'OrdersErrorRate', { function: fn }),
      'INVALID_PROP',
      'AlarmStack/CdkRustAlarmTopic: The stack AlarmStack already has a child with id "CdkRustAlarmTopic" that is not ' +
        'an AlarmTopic, so the shared alarm topic cannot be created.',
      '\nFix: Rename that construct, or pass a topic to the alarm (`topic` on ErrorRateAlarm, `alarmTopic` on RustFunction).',
    );
  });
});

describe('AlarmTopic: its display name is 1 to 100 characters', () => {
  test.each([
    ['an empty displayName', '', 'displayName must be 1 to 100 characters long, got 0.'],
    ['a displayName of 101 characters', 'x'.repeat(101), 'displayName must be 1 to 100 characters long, got 101.'],
  ])("%s is refused, with the topic's path and a fix", (_label, displayName, problem) => {
    const { stack } = importedFunctionStack();
    expectCdkRustError(
      () => new AlarmTopic(stack, 'Paging', { displayName }),
      'INVALID_PROP',
      `AlarmStack/Paging: ${problem}`,
      '\nFix: Pass a displayName of 1 to 100 characters, or leave it out to get "<stack name> alarms".',
    );
  });

  test('a displayName of 100 characters is accepted', () => {
    const { stack } = importedFunctionStack();
    new AlarmTopic(stack, 'Paging', { displayName: 'x'.repeat(100) });
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'x'.repeat(100) });
  });
});
