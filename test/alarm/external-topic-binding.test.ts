/**
 * External topic binding (lib/alarm/external-topic-binding.ts): a topic the user passes is used as it is, and
 * CloudWatch is allowed to deliver to it where cdk-rust can change its policies.
 */
import * as kms from 'aws-cdk-lib/aws-kms';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { importedFunctionStack, onlyResource } from './fixtures';
import { ErrorRateAlarm } from '../../lib/alarm';
import { expectCdkRustError } from '../support';

describe('external topic binding: a topic passed in is used as it is, and CloudWatch may deliver to it', () => {
  test('it is used as is: no key, no second topic, and CloudWatch may publish to it', () => {
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

  test('its own KMS key gets the CloudWatch statement once, limited to alarms of this account and region', () => {
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

  test('an imported topic is referenced by ARN and its policies are left alone', () => {
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

  test('an imported topic with an imported key gets a warning about the key policy', () => {
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
    expect(() => new ErrorRateAlarm(stack, 'A', { function: fn, topic, emailSubscriptions: ['oncall@example.com'] })).toThrow(/FIFO/);
    const other = importedFunctionStack();
    const fifo = sns.Topic.fromTopicArn(other.stack, 'Fifo', 'arn:aws:sns:us-east-1:123456789012:ops.fifo');
    expectCdkRustError(
      () => new ErrorRateAlarm(other.stack, 'A', { function: other.fn, topic: fifo, emailSubscriptions: ['oncall@example.com'] }),
      'INVALID_PROP',
      'AlarmStack/A: topic AlarmStack/Fifo is a FIFO topic',
      '\nFix: Pass a standard topic, or leave out topic to use the shared alarm topic.',
    );
  });
});
