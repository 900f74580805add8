/**
 * AlarmTopic: an SNS topic that CloudWatch alarms can deliver to, encrypted with its own KMS key, one shared per stack.
 */
import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { CdkRustError } from '../errors';
import { defaultDisplayName, MAX_DISPLAY_NAME_LENGTH } from './alarm-naming';
import { cloudWatchKeyStatement, cloudWatchPublishStatement } from './cloudwatch-statements';
import { TopicSubscriptions } from './topic-subscriptions';

/** Marks AlarmTopic instances, so that detection survives several copies of this library in one app. */
const ALARM_TOPIC_SYMBOL = Symbol.for('cdk-rust.AlarmTopic');

/** Properties of an {@link AlarmTopic}. */
export interface AlarmTopicProps {
  /**
   * What happens to the topic's KMS key when it leaves the stack (stack deletion or replacement).
   *
   * The key protects only notifications in transit through SNS; nothing stored elsewhere is encrypted with it (the
   * dead-letter queue uses SQS-managed encryption). Deleting it therefore loses no data, while retaining it would
   * leave a billed, unused key behind for every deleted stack. With `DESTROY`, KMS still waits its 30-day pending
   * window before deleting the key, during which the deletion can be cancelled.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly keyRemovalPolicy?: RemovalPolicy;

  /**
   * The topic's display name, used as the sender name of notification emails.
   *
   * Must be 1 to 100 characters long.
   *
   * @default - `<stack name> alarms`
   */
  readonly displayName?: string;
}

/**
 * An SNS topic that CloudWatch alarms can actually deliver to, encrypted with its own KMS key.
 *
 * It creates:
 * - a customer-managed KMS key with yearly rotation, whose key policy lets `cloudwatch.amazonaws.com` use it
 *   (`kms:Decrypt`, `kms:GenerateDataKey*`) on behalf of alarms of the stack's own account and region only
 *   (`aws:SourceAccount`, `aws:SourceArn`). CloudWatch cannot publish to a topic encrypted with the AWS-managed
 *   `alias/aws/sns` key: such notifications are dropped without any error;
 * - a standard topic encrypted with that key, which refuses requests not made over TLS (`enforceSSL`);
 * - a topic-policy statement letting `cloudwatch.amazonaws.com` publish, limited to alarms of the stack's own account
 *   and region (`aws:SourceAccount`, `aws:SourceArn`). It is needed because the enforce-SSL topic policy replaces
 *   SNS's default policy;
 * - once the first subscription is added, one dead-letter queue shared by all of the topic's subscriptions, so that
 *   undeliverable notifications are kept for 14 days instead of being lost.
 *
 * `ErrorRateAlarm` uses the stack's singleton (`AlarmTopic.of(scope)`) unless it is given a topic. Create one yourself
 * to set properties, and pass its `topic` to the alarms that should use it.
 */
export class AlarmTopic extends Construct {
  /** The construct id of the per-stack singleton, a direct child of the stack. */
  public static readonly SINGLETON_ID = 'CdkRustAlarmTopic';

  /**
   * The stack's shared alarm topic, created with default properties on first use.
   *
   * To give the shared topic other properties, create it first yourself, as a child of the stack with the
   * singleton id: `new AlarmTopic(stack, AlarmTopic.SINGLETON_ID, { keyRemovalPolicy: RemovalPolicy.RETAIN })`.
   *
   * @param scope any construct in the stack
   */
  public static of(scope: IConstruct): AlarmTopic {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(AlarmTopic.SINGLETON_ID);
    if (existing === undefined) {
      return new AlarmTopic(stack, AlarmTopic.SINGLETON_ID);
    }
    if (!AlarmTopic.isAlarmTopic(existing)) {
      // No error code names a construct-id clash; the fixes are props (or renaming the user's construct).
      throw new CdkRustError(
        'INVALID_PROP',
        `The stack ${stack.node.path} already has a child with id "${AlarmTopic.SINGLETON_ID}" that is not an AlarmTopic, ` +
          'so the shared alarm topic cannot be created.',
        'Rename that construct, or pass a topic to the alarm (`topic` on ErrorRateAlarm, `alarmTopic` on RustFunction).',
        existing.node.path,
      );
    }
    return existing;
  }

  /** Whether `x` is an AlarmTopic (also when it comes from another copy of this library). */
  public static isAlarmTopic(x: unknown): x is AlarmTopic {
    return typeof x === 'object' && x !== null && ALARM_TOPIC_SYMBOL in x;
  }

  /** The encrypted, TLS-only topic that alarms publish to. */
  public readonly topic: sns.Topic;

  /** The customer-managed key that encrypts the topic. */
  public readonly key: kms.Key;

  private readonly subscriptions: TopicSubscriptions;

  /**
   * @param scope the construct to create the topic and its key in
   * @param id the construct id, unique within `scope`
   * @param props the display name and the key's removal policy
   */
  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    Object.defineProperty(this, ALARM_TOPIC_SYMBOL, { value: true });

    const displayName = props.displayName ?? defaultDisplayName(Stack.of(this));
    validateDisplayName(displayName, this.node.path);

    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the alarm notifications of the cdk-rust AlarmTopic ${this.node.path}`,
      enableKeyRotation: true,
      removalPolicy: props.keyRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.key.addToResourcePolicy(cloudWatchKeyStatement(this));

    this.topic = new sns.Topic(this, 'Topic', {
      displayName,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(cloudWatchPublishStatement(this.topic));

    this.subscriptions = new TopicSubscriptions(this, 'Subscriptions', this.topic);
  }

  /**
   * The dead-letter queue shared by the topic's subscriptions, once a subscription exists.
   *
   * @returns the queue, or undefined while the topic has no subscription added through this construct
   */
  public get deadLetterQueue(): sqs.IQueue | undefined {
    return this.subscriptions.deadLetterQueue;
  }

  /**
   * Subscribe an email address, unless the same address (compared case-insensitively) is already subscribed.
   *
   * @param address the email address
   */
  public addEmailSubscription(address: string): void {
    this.subscriptions.addEmailSubscription(address);
  }

  /**
   * Subscribe an HTTPS endpoint, unless the same URL is already subscribed.
   *
   * @param url the endpoint, starting with `https://`
   */
  public addHttpsSubscription(url: string): void {
    this.subscriptions.addHttpsSubscription(url);
  }
}

/** SNS accepts display names of 1 to 100 characters; tokens are accepted unchecked. */
function validateDisplayName(displayName: string, constructPath: string): void {
  if (!Token.isUnresolved(displayName) && (displayName.length === 0 || displayName.length > MAX_DISPLAY_NAME_LENGTH)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `displayName must be 1 to ${MAX_DISPLAY_NAME_LENGTH} characters long, got ${displayName.length}.`,
      `Pass a displayName of 1 to ${MAX_DISPLAY_NAME_LENGTH} characters, or leave it out to get "<stack name> alarms".`,
      constructPath,
    );
  }
}
