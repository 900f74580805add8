/**
 * Where an alarm's notifications go, and where its subscriptions are added: shared by ErrorRateAlarm and
 * ServiceAlarms.
 */
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmTopic } from './alarm-topic';
import { ExternalTopicBinding } from './external-topic-binding';
import { SubscriptionTarget } from './topic-subscriptions';

/**
 * The topic an alarm notifies, and where its subscriptions go: the stack's shared AlarmTopic when no topic is
 * given, the AlarmTopic that owns the given topic, or else the given topic's binding.
 */
export function notificationTarget(
  scope: Construct,
  topic: sns.ITopic | undefined,
): { topic: sns.ITopic; subscriptions: SubscriptionTarget } {
  if (topic === undefined) {
    const alarmTopic = AlarmTopic.of(scope);
    return { topic: alarmTopic.topic, subscriptions: alarmTopic };
  }
  const owner = topic.node.scope;
  if (AlarmTopic.isAlarmTopic(owner) && owner.topic === topic) {
    return { topic, subscriptions: owner };
  }
  return { topic, subscriptions: ExternalTopicBinding.of(scope, topic).subscriptions };
}
