/**
 * CloudWatch statements (lib/alarm/cloudwatch-statements.ts): the topic- and key-policy statements that let
 * CloudWatch deliver alarm notifications, limited to alarms of the stack's own account and region.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { onlyResource, synth } from './fixtures';
import { ErrorRateAlarm } from '../../lib/alarm';

describe("CloudWatch statements: limit CloudWatch to alarms of the stack's own account and region", () => {
  test('the key policy and the topic policy limit CloudWatch to the same alarms', () => {
    const { template } = synth();
    const keyStatement = onlyResource(template, 'AWS::KMS::Key').properties.KeyPolicy.Statement.find(
      (s: any) => s.Sid === 'AllowCloudWatchAlarmsToUseKey',
    );
    const topicStatement = onlyResource(template, 'AWS::SNS::TopicPolicy').properties.PolicyDocument.Statement.find(
      (s: any) => s.Sid === 'AllowCloudWatchAlarmsToPublish',
    );
    expect(keyStatement.Condition).toBeDefined();
    expect(keyStatement.Condition).toEqual(topicStatement.Condition);
  });

  test('in an environment-agnostic stack the conditions use the deploy-time account, partition and region', () => {
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
            ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*'],
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
});
