/**
 * The policy statements that let CloudWatch alarms deliver to a topic: publishing to it and using its KMS key, both
 * limited to alarms of the stack's own account and region.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';

/** The service principal that publishes alarm notifications. */
export const CLOUDWATCH_PRINCIPAL = 'cloudwatch.amazonaws.com';

/** Lets CloudWatch alarms of the topic's own account and region publish to it. */
export function cloudWatchPublishStatement(topic: sns.ITopic): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsToPublish',
    effect: iam.Effect.ALLOW,
    principals: [new iam.ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: cloudWatchAlarmSourceConditions(topic),
  });
}

/**
 * Lets CloudWatch use the topic's key when it publishes (SNS encrypts with the publisher's permissions), for the
 * same alarms as may publish to the topic: without the conditions, CloudWatch acting for any account's alarm could
 * use the key (for example through a topic of another account encrypted with it).
 */
export function cloudWatchKeyStatement(topic: IConstruct): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsToUseKey',
    effect: iam.Effect.ALLOW,
    principals: [new iam.ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: cloudWatchAlarmSourceConditions(topic),
  });
}

/**
 * The conditions that limit `cloudwatch.amazonaws.com` to acting for alarms of `scope`'s stack's own account and
 * region (confused-deputy protection): `aws:SourceAccount` is the account, and `aws:SourceArn` an alarm ARN there.
 * With the stack's own tokens, so that an environment-agnostic stack gets the deploy-time account, region and partition.
 */
function cloudWatchAlarmSourceConditions(scope: IConstruct): Record<string, Record<string, unknown>> {
  const stack = Stack.of(scope);
  return {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: {
      'aws:SourceArn': stack.formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: '*',
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    },
  };
}
