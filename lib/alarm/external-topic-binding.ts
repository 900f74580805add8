/**
 * What cdk-rust adds around a topic the user passes to an alarm instead of the shared AlarmTopic: the grants that
 * let CloudWatch deliver to it, and its subscriptions.
 */
import { Annotations, Names, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { CLOUDWATCH_PRINCIPAL, cloudWatchKeyStatement, cloudWatchPublishStatement } from './cloudwatch-statements';
import { TopicSubscriptions } from './topic-subscriptions';

/**
 * Grants that let CloudWatch alarms deliver to a topic not created by an AlarmTopic, and that topic's subscriptions.
 *
 * One per stack and topic, found by a construct id derived from the topic's path.
 */
export class ExternalTopicBinding extends Construct {
  /**
   * The binding of `topic` in `scope`'s stack, created on first use.
   *
   * @param scope any construct in the stack
   * @param topic the topic alarms of that stack deliver to
   */
  public static of(scope: IConstruct, topic: sns.ITopic): ExternalTopicBinding {
    const stack = Stack.of(scope);
    const id = `CdkRustAlarmTopicBinding${Names.uniqueId(topic)}`;
    const existing = stack.node.tryFindChild(id);
    if (existing !== undefined) {
      return existing as ExternalTopicBinding;
    }
    return new ExternalTopicBinding(stack, id, topic);
  }

  /** The subscriptions cdk-rust added to the topic. */
  public readonly subscriptions: TopicSubscriptions;

  private constructor(scope: Construct, id: string, topic: sns.ITopic) {
    super(scope, id);
    // No-ops for imported topics and keys, whose policies are managed elsewhere.
    topic.addToResourcePolicy(cloudWatchPublishStatement(topic));
    if (topic.masterKey !== undefined) {
      const result = topic.masterKey.addToResourcePolicy(cloudWatchKeyStatement(topic), true);
      if (!result.statementAdded) {
        Annotations.of(this).addWarningV2(
          'cdk-rust:alarm-topic-key-policy',
          `The topic ${topic.node.path} is encrypted with a KMS key whose policy cdk-rust cannot change. ` +
            `CloudWatch alarms deliver to it only if that key policy allows ${CLOUDWATCH_PRINCIPAL} ` +
            'kms:Decrypt and kms:GenerateDataKey*, and never if it is the AWS-managed alias/aws/sns key.',
        );
      }
    }
    this.subscriptions = new TopicSubscriptions(this, 'Subscriptions', topic);
  }
}
