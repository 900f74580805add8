/**
 * Topic subscriptions (lib/alarm/topic-subscriptions.ts): the email and https subscriptions cdk-rust adds to an
 * alarm topic, validated, de-duplicated and sharing one dead-letter queue.
 */
import * as crypto from 'crypto';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { FUNCTION_ARN, importedFunctionStack, onlyResource, synth } from './fixtures';
import { AlarmTopic, ErrorRateAlarm } from '../../lib/alarm';
import { CdkRustError } from '../../lib/errors';
import { expectCdkRustError } from '../support';

describe('topic subscriptions: de-duplicated email and https subscriptions with one shared dead-letter queue', () => {
  test('email and https subscriptions share one encrypted, TLS-only dead-letter queue', () => {
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
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  test('without subscriptions there is no queue', () => {
    const { template, stack } = synth();
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.resourceCountIs('AWS::SQS::Queue', 0);
    expect(AlarmTopic.of(stack).deadLetterQueue).toBeUndefined();
  });

  test('they are de-duplicated across alarms sharing a topic (emails case-insensitively)', () => {
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
    expect(queuePolicy.properties.PolicyDocument.Statement.filter((s: any) => s.Action === 'sqs:SendMessage')).toHaveLength(1);
  });

  test('they are de-duplicated on an existing topic too', () => {
    const { stack, fn } = importedFunctionStack();
    const topic = new sns.Topic(stack, 'OpsTopic', { enforceSSL: true });
    new ErrorRateAlarm(stack, 'A', { function: fn, topic, emailSubscriptions: ['oncall@example.com'] });
    new ErrorRateAlarm(stack, 'B', { function: fn, topic, emailSubscriptions: ['oncall@example.com'], alarmName: 'b' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Subscription', 1);
    template.resourceCountIs('AWS::SQS::Queue', 1);
  });

  test("AlarmTopic's methods validate and de-duplicate", () => {
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

describe('topic subscriptions: endpoints are checked, and construct ids stay as they were', () => {
  test("a bad email address given to AlarmTopic is refused, naming the argument and the topic's path", () => {
    const { stack } = importedFunctionStack();
    const shared = AlarmTopic.of(stack);
    expectCdkRustError(
      () => shared.addEmailSubscription('Ops <ops@example.com>'),
      'INVALID_PROP',
      'AlarmStack/CdkRustAlarmTopic: address is not an email address: "Ops <ops@example.com>".',
      '\nFix: Pass an address such as oncall@example.com, without spaces or display names.',
    );
  });

  test("a non-https URL given to AlarmTopic is refused, naming the argument and the topic's path", () => {
    const { stack } = importedFunctionStack();
    const shared = AlarmTopic.of(stack);
    expectCdkRustError(
      () => shared.addHttpsSubscription('http://x.example.com'),
      'INVALID_PROP',
      'AlarmStack/CdkRustAlarmTopic: url is not an https:// URL: "http://x.example.com".',
      '\nFix: Pass the full endpoint, e.g. https://hooks.example.com/alarms.',
    );
  });

  test("subscription ids are the protocol and 8 characters of the endpoint's SHA-256 (emails lower-cased)", () => {
    const { stack } = importedFunctionStack();
    const shared = AlarmTopic.of(stack);
    shared.addEmailSubscription('OnCall@Example.com');
    shared.addHttpsSubscription('https://hooks.example.com/alarms');
    const sha8 = (text: string) => crypto.createHash('sha256').update(text).digest('hex').slice(0, 8);
    const subscriptions = shared.node.findChild('Subscriptions');
    expect(subscriptions.node.tryFindChild(`Email${sha8('oncall@example.com')}`)).toBeInstanceOf(sns.Subscription);
    expect(subscriptions.node.tryFindChild(`Https${sha8('https://hooks.example.com/alarms')}`)).toBeInstanceOf(sns.Subscription);
  });
});
