/**
 * An error-rate alarm for any Lambda function, with a shared, encrypted SNS topic per stack.
 */
import * as crypto from 'crypto';
import { Annotations, ArnFormat, Duration, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { CdkRustError } from './errors';
import { ErrorRateAlarmOptions } from './types';

/** The service principal that publishes alarm notifications. */
const CLOUDWATCH_PRINCIPAL = 'cloudwatch.amazonaws.com';

/** Marks AlarmTopic instances, so that detection survives several copies of this library in one app. */
const ALARM_TOPIC_SYMBOL = Symbol.for('cdk-rust.AlarmTopic');

/** The longest alarm name CloudWatch accepts. */
const MAX_ALARM_NAME_LENGTH = 255;

/** The longest alarm description CloudWatch accepts. */
const MAX_ALARM_DESCRIPTION_LENGTH = 1024;

/** The longest SNS display name. */
const MAX_DISPLAY_NAME_LENGTH = 100;

// ---------------------------------------------------------------------------------------------------------------------
// AlarmTopic
// ---------------------------------------------------------------------------------------------------------------------

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
   * At most 100 characters.
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
      throw new CdkRustError(
        'INVALID_PROP',
        `The stack ${stack.node.path} already has a child with id "${AlarmTopic.SINGLETON_ID}" that is not an AlarmTopic, ` +
          'so the shared alarm topic cannot be created.',
        `Rename that construct, or pass a topic to the alarm with the \`topic\` prop.`,
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

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    Object.defineProperty(this, ALARM_TOPIC_SYMBOL, { value: true });

    const stack = Stack.of(this);
    const displayName = props.displayName ?? defaultDisplayName(stack);
    if (!Token.isUnresolved(displayName) && (displayName.length === 0 || displayName.length > MAX_DISPLAY_NAME_LENGTH)) {
      throw new CdkRustError(
        'INVALID_PROP',
        `displayName must be 1 to ${MAX_DISPLAY_NAME_LENGTH} characters long, got ${displayName.length}.`,
        'Pass a shorter displayName.',
      );
    }

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

/**
 * The subscriptions that cdk-rust added to one topic, with their shared dead-letter queue.
 *
 * Subscription construct ids are derived from the endpoint, so adding the same endpoint twice finds the first
 * subscription instead of creating a second one: no bookkeeping besides the construct tree.
 */
class TopicSubscriptions extends Construct {
  private queue?: sqs.Queue;

  constructor(scope: Construct, id: string, private readonly topic: sns.ITopic) {
    super(scope, id);
  }

  public get deadLetterQueue(): sqs.IQueue | undefined {
    return this.queue;
  }

  public addEmailSubscription(address: string): void {
    validateEmail(address, 'address');
    this.add(sns.SubscriptionProtocol.EMAIL, address);
  }

  public addHttpsSubscription(url: string): void {
    validateHttpsUrl(url, 'url');
    this.add(sns.SubscriptionProtocol.HTTPS, url);
  }

  private add(protocol: sns.SubscriptionProtocol, endpoint: string): void {
    const key = protocol === sns.SubscriptionProtocol.EMAIL ? endpoint.toLowerCase() : endpoint;
    const prefix = protocol === sns.SubscriptionProtocol.EMAIL ? 'Email' : 'Https';
    const id = `${prefix}${shortHash(key)}`;
    if (this.node.tryFindChild(id) !== undefined) {
      return;
    }
    new sns.Subscription(this, id, {
      topic: this.topic,
      protocol,
      endpoint,
      deadLetterQueue: this.getOrCreateDeadLetterQueue(),
    });
  }

  private getOrCreateDeadLetterQueue(): sqs.Queue {
    if (this.queue === undefined) {
      this.queue = new sqs.Queue(this, 'DeadLetterQueue', {
        // SQS-managed keys need no key policy for SNS, so a delivery failure can always be recorded.
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      // This queue is the end of the line: giving a dead-letter queue its own dead-letter queue only moves the
      // problem. cdk-nag recognises queues used as DLQs by other queues or by Lambda functions, not by SNS
      // subscriptions, so both DLQ rules are acknowledged here, on this queue only.
      Validations.of(this.queue).acknowledge({
        id: 'Serverless-SQSRedrivePolicy',
        reason:
          'This queue is the dead-letter queue of SNS alarm subscriptions (their RedrivePolicy targets it); ' +
          'a dead-letter queue has no dead-letter queue of its own.',
      });
      Validations.of(this.queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is used as a dead-letter queue, by SNS subscriptions, which the rule does not detect ' +
          '(it only looks at SQS queues and Lambda functions).',
      });
    }
    return this.queue;
  }
}

/**
 * Grants that let CloudWatch alarms deliver to a topic not created by an AlarmTopic, and that topic's subscriptions.
 *
 * One per stack and topic, found by a construct id derived from the topic's path.
 */
class ExternalTopicBinding extends Construct {
  public static of(scope: IConstruct, topic: sns.ITopic): ExternalTopicBinding {
    const stack = Stack.of(scope);
    const id = `CdkRustAlarmTopicBinding${Names.uniqueId(topic)}`;
    const existing = stack.node.tryFindChild(id);
    if (existing !== undefined) {
      return existing as ExternalTopicBinding;
    }
    return new ExternalTopicBinding(stack, id, topic);
  }

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

// ---------------------------------------------------------------------------------------------------------------------
// ErrorRateAlarm
// ---------------------------------------------------------------------------------------------------------------------

/** Properties of an {@link ErrorRateAlarm}. */
export interface ErrorRateAlarmProps extends ErrorRateAlarmOptions {
  /**
   * The function to watch: any `lambda.IFunction`, including imported ones (`Function.fromFunctionArn`) and aliases.
   *
   * Its `Errors` and `Invocations` metrics are read with the function's own dimensions (for an alias, the alias's).
   * It must live in the same account and region as the alarm's stack when both are known.
   */
  readonly function: lambda.IFunction;

  /**
   * The topic that receives the alarm's ALARM and OK notifications.
   *
   * cdk-rust adds to it what CloudWatch needs to publish: a topic-policy statement for `cloudwatch.amazonaws.com`
   * and, if the topic is encrypted with a KMS key defined in this app, a key-policy statement. Imported topics and
   * keys are left alone: their policies must already allow CloudWatch. Subscriptions requested with
   * `emailSubscriptions` and `httpsSubscriptions` are added to this topic. It must be a standard (not FIFO) topic
   * when subscriptions are requested.
   *
   * @default - the stack's shared {@link AlarmTopic} (`AlarmTopic.of(this)`), created on first use
   */
  readonly topic?: sns.ITopic;
}

/** Where an alarm's email and HTTPS subscriptions are added: an AlarmTopic, or the binding of another topic. */
interface SubscriptionTarget {
  addEmailSubscription(address: string): void;
  addHttpsSubscription(url: string): void;
}

/** The options after defaults and validation. */
interface ResolvedOptions {
  readonly threshold: number;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly minimumInvocations: number;
  readonly emailSubscriptions: string[];
  readonly httpsSubscriptions: string[];
}

/**
 * A CloudWatch alarm on the error rate of a Lambda function, in percent of its invocations.
 *
 * The alarm evaluates `IF(invocations >= minimumInvocations, 100 * errors / invocations, 0)` over the function's
 * `Errors` and `Invocations` metrics (statistic `Sum`), fires when the result is greater than `threshold` in
 * `datapointsToAlarm` of `evaluationPeriods` periods, treats missing data (periods without invocations) as not
 * breaching, and sends both its ALARM and its OK notifications to the topic.
 *
 * With the defaults it fires when more than 5% of the invocations of one 5-minute window fail.
 *
 * @example
 * declare const fn: lambda.IFunction;
 * new ErrorRateAlarm(this, 'OrdersErrors', {
 *   function: fn,
 *   emailSubscriptions: ['oncall@example.com'],
 * });
 */
export class ErrorRateAlarm extends Construct {
  /** The CloudWatch alarm. */
  public readonly alarm: cloudwatch.Alarm;

  /** The topic that receives the alarm's notifications: the one passed in, or the stack's shared AlarmTopic's. */
  public readonly topic: sns.ITopic;

  /** The error-rate expression the alarm evaluates, in percent; reusable in dashboards. */
  public readonly errorRate: cloudwatch.MathExpression;

  constructor(scope: Construct, id: string, props: ErrorRateAlarmProps) {
    super(scope, id);

    const options = resolveOptions(props);
    const fn = props.function;
    const stack = Stack.of(this);
    checkSameEnvironment(fn, stack);

    if (props.alarmName !== undefined) {
      validateAlarmName(props.alarmName);
    }
    if (props.alarmDescription !== undefined) {
      validateAlarmDescription(props.alarmDescription);
    }

    // The topic, and where its subscriptions go.
    let subscriptions: SubscriptionTarget;
    if (props.topic === undefined) {
      const alarmTopic = AlarmTopic.of(this);
      this.topic = alarmTopic.topic;
      subscriptions = alarmTopic;
    } else {
      this.topic = props.topic;
      const owner = props.topic.node.scope;
      if (AlarmTopic.isAlarmTopic(owner) && owner.topic === props.topic) {
        subscriptions = owner;
      } else {
        const hasSubscriptions = options.emailSubscriptions.length + options.httpsSubscriptions.length > 0;
        if (hasSubscriptions && props.topic.fifo) {
          throw new CdkRustError(
            'INVALID_PROP',
            `topic ${props.topic.node.path} is a FIFO topic, which accepts only SQS subscriptions, so ` +
              'emailSubscriptions and httpsSubscriptions cannot be added to it.',
            'Pass a standard topic, or leave out topic to use the shared alarm topic.',
          );
        }
        subscriptions = ExternalTopicBinding.of(this, props.topic).subscriptions;
      }
    }
    options.emailSubscriptions.forEach((address) => subscriptions.addEmailSubscription(address));
    options.httpsSubscriptions.forEach((url) => subscriptions.addHttpsSubscription(url));

    const errors = fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period: options.period });
    const invocations = fn.metricInvocations({ statistic: cloudwatch.Stats.SUM, period: options.period });
    this.errorRate = new cloudwatch.MathExpression({
      expression: `IF(invocations >= ${options.minimumInvocations}, 100 * errors / invocations, 0)`,
      usingMetrics: { errors, invocations },
      period: options.period,
      label: 'Error rate (%)',
    });

    this.alarm = new cloudwatch.Alarm(this, 'Resource', {
      metric: this.errorRate,
      threshold: options.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods,
      datapointsToAlarm: options.datapointsToAlarm,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmName: props.alarmName ?? defaultAlarmName(fn, stack),
      alarmDescription: props.alarmDescription ?? defaultAlarmDescription(fn, options),
    });
    const action = new cloudwatchActions.SnsAction(this.topic);
    this.alarm.addAlarmAction(action);
    this.alarm.addOkAction(action);
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Policy statements
// ---------------------------------------------------------------------------------------------------------------------

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

/** Lets CloudWatch alarms of the topic's own account and region publish to it. */
function cloudWatchPublishStatement(topic: sns.ITopic): iam.PolicyStatement {
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
function cloudWatchKeyStatement(topic: IConstruct): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsToUseKey',
    effect: iam.Effect.ALLOW,
    principals: [new iam.ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: cloudWatchAlarmSourceConditions(topic),
  });
}


// ---------------------------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------------------------

function resolveOptions(props: ErrorRateAlarmOptions): ResolvedOptions {
  const threshold = props.threshold ?? 5;
  requireConcreteNumber(threshold, 'threshold');
  if (!(threshold >= 0 && threshold <= 100)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `threshold must be a percentage from 0 to 100, got ${threshold}.`,
      'Pass the error rate in percent, e.g. threshold: 5 for 5% (not 0.05).',
    );
  }

  const period = props.period ?? Duration.minutes(5);
  if (period.isUnresolved()) {
    throw new CdkRustError(
      'INVALID_PROP',
      'period must be a concrete duration, not a token.',
      'Pass a literal such as Duration.minutes(5).',
    );
  }
  const periodMillis = period.toMilliseconds();
  if (periodMillis < 60_000 || periodMillis % 60_000 !== 0) {
    throw new CdkRustError(
      'INVALID_PROP',
      `period must be a whole number of minutes (at least 1), got ${period.toHumanString()}.`,
      'CloudWatch evaluates Lambda metrics in multiples of 60 seconds: pass e.g. Duration.minutes(1) or Duration.minutes(5).',
    );
  }

  const evaluationPeriods = requirePositiveInteger(props.evaluationPeriods ?? 1, 'evaluationPeriods',
    'Pass the number of periods the alarm looks at, e.g. evaluationPeriods: 1.');

  const datapointsToAlarm = props.datapointsToAlarm ?? evaluationPeriods;
  requireConcreteNumber(datapointsToAlarm, 'datapointsToAlarm');
  if (!Number.isInteger(datapointsToAlarm) || datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods) {
    throw new CdkRustError(
      'INVALID_PROP',
      `datapointsToAlarm must be an integer from 1 to evaluationPeriods (${evaluationPeriods}), got ${datapointsToAlarm}.`,
      'Lower datapointsToAlarm or raise evaluationPeriods: the alarm fires when datapointsToAlarm of the last ' +
        'evaluationPeriods periods breach.',
    );
  }

  const periodSeconds = periodMillis / 1000;
  const maxRangeSeconds = periodSeconds < 3600 ? 86_400 : 604_800;
  if (periodSeconds * evaluationPeriods > maxRangeSeconds) {
    throw new CdkRustError(
      'INVALID_PROP',
      `period (${period.toHumanString()}) times evaluationPeriods (${evaluationPeriods}) is longer than ` +
        `CloudWatch allows (${maxRangeSeconds === 86_400 ? 'one day for periods under an hour' : 'seven days'}).`,
      'Lower evaluationPeriods or the period.',
    );
  }

  const minimumInvocations = requirePositiveInteger(props.minimumInvocations ?? 1, 'minimumInvocations',
    'Pass 1 to count every period with traffic, or more to ignore periods with few invocations.');

  const emailSubscriptions = props.emailSubscriptions ?? [];
  emailSubscriptions.forEach((address, i) => validateEmail(address, `emailSubscriptions[${i}]`));
  const httpsSubscriptions = props.httpsSubscriptions ?? [];
  httpsSubscriptions.forEach((url, i) => validateHttpsUrl(url, `httpsSubscriptions[${i}]`));

  return {
    threshold,
    period,
    evaluationPeriods,
    datapointsToAlarm,
    minimumInvocations,
    emailSubscriptions,
    httpsSubscriptions,
  };
}

function requireConcreteNumber(value: number, prop: string): void {
  if (Token.isUnresolved(value) || typeof value !== 'number' || Number.isNaN(value)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `${prop} must be a concrete number, got ${Token.isUnresolved(value) ? 'a token' : String(value)}.`,
      `Pass a literal number for ${prop}: it is validated and written into the alarm's description at synth time.`,
    );
  }
}

/** Checks that `value` (the prop `prop`) is a concrete integer of at least 1, and returns it. */
function requirePositiveInteger(value: number, prop: string, fix: string): number {
  requireConcreteNumber(value, prop);
  if (!Number.isInteger(value) || value < 1) {
    throw new CdkRustError('INVALID_PROP', `${prop} must be a positive integer, got ${value}.`, fix);
  }
  return value;
}

/** Something@domain.tld, without spaces; tokens (e.g. parameters) are accepted unchecked. */
function validateEmail(address: string, prop: string): void {
  if (Token.isUnresolved(address)) {
    return;
  }
  if (typeof address !== 'string' || !/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(address)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `${prop} is not an email address: ${JSON.stringify(address)}.`,
      'Pass an address such as oncall@example.com, without spaces or display names.',
    );
  }
}

/** An absolute https:// URL with a host; tokens are accepted unchecked. */
function validateHttpsUrl(url: string, prop: string): void {
  if (Token.isUnresolved(url)) {
    return;
  }
  let host = '';
  if (typeof url === 'string' && url.startsWith('https://')) {
    try {
      host = new URL(url).hostname;
    } catch {
      host = '';
    }
  }
  if (host === '') {
    throw new CdkRustError(
      'INVALID_PROP',
      `${prop} is not an https:// URL: ${JSON.stringify(url)}.`,
      'Pass the full endpoint, e.g. https://hooks.example.com/alarms. SNS delivers only to https:// (or http://) ' +
        'endpoints, and cdk-rust accepts only https://.',
    );
  }
}

function validateAlarmName(name: string): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  // eslint-disable-next-line no-control-regex
  if (name.length === 0 || name.length > MAX_ALARM_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `alarmName must be 1 to ${MAX_ALARM_NAME_LENGTH} characters without control characters, got ${JSON.stringify(name)}.`,
      'Pass a shorter name, or leave alarmName out to get a name derived from the stack and the function.',
    );
  }
}

function validateAlarmDescription(description: string): void {
  if (!Token.isUnresolved(description) && description.length > MAX_ALARM_DESCRIPTION_LENGTH) {
    throw new CdkRustError(
      'INVALID_PROP',
      `alarmDescription must be at most ${MAX_ALARM_DESCRIPTION_LENGTH} characters, got ${description.length}.`,
      'Shorten the description.',
    );
  }
}

/** An alarm watches the metrics of its own account and region: refuse a function known to live elsewhere. */
function checkSameEnvironment(fn: lambda.IFunction, stack: Stack): void {
  const mismatches: string[] = [];
  for (const [what, fnValue, stackValue] of [
    ['account', fn.env.account, stack.account],
    ['region', fn.env.region, stack.region],
  ] as const) {
    if (!Token.isUnresolved(fnValue) && !Token.isUnresolved(stackValue) && fnValue !== stackValue) {
      mismatches.push(`${what} ${fnValue} (function) vs ${stackValue} (stack)`);
    }
  }
  if (mismatches.length > 0) {
    throw new CdkRustError(
      'INVALID_PROP',
      `function ${fn.node.path} is not in the alarm's environment: ${mismatches.join(', ')}. The alarm would watch ` +
        'a function of the same name in the stack\'s own account and region.',
      'Create the alarm in a stack deployed to the function\'s account and region.',
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Names and descriptions
// ---------------------------------------------------------------------------------------------------------------------

/** `<stack name>-<function path>-ErrorRate`, sanitized, at most 255 characters. */
function defaultAlarmName(fn: lambda.IFunction, stack: Stack): string {
  const stackName = Token.isUnresolved(stack.stackName) ? stack.node.path : stack.stackName;
  const fnStack = Stack.of(fn);
  const fnPath =
    fnStack === stack && fn.node.path.startsWith(`${stack.node.path}/`)
      ? fn.node.path.slice(stack.node.path.length + 1)
      : fn.node.path;
  const raw = `${stackName}-${fnPath}-ErrorRate`;
  const name = raw
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
  if (name.length <= MAX_ALARM_NAME_LENGTH) {
    return name;
  }
  const suffix = `-${shortHash(raw)}`;
  return name.slice(0, MAX_ALARM_NAME_LENGTH - suffix.length).replace(/-+$/, '') + suffix;
}

/** E.g. "Error rate of MyStack/Api above 5% over 5 minutes". */
function defaultAlarmDescription(fn: lambda.IFunction, o: ResolvedOptions): string {
  const period = o.period.toHumanString();
  let window: string;
  if (o.evaluationPeriods === 1) {
    window = `over ${period}`;
  } else if (o.datapointsToAlarm === o.evaluationPeriods) {
    window = `in each of ${o.evaluationPeriods} consecutive periods of ${period}`;
  } else {
    window = `in ${o.datapointsToAlarm} of ${o.evaluationPeriods} consecutive periods of ${period}`;
  }
  let description = `Error rate of ${fn.node.path} above ${o.threshold}% ${window}`;
  if (o.minimumInvocations > 1) {
    description += ` (periods with fewer than ${o.minimumInvocations} invocations count as 0%)`;
  }
  if (description.length > MAX_ALARM_DESCRIPTION_LENGTH) {
    description = description.slice(0, MAX_ALARM_DESCRIPTION_LENGTH - 3) + '...';
  }
  return description;
}

function defaultDisplayName(stack: Stack): string {
  const stackName = Token.isUnresolved(stack.stackName) ? stack.node.id : stack.stackName;
  const suffix = ' alarms';
  return stackName.slice(0, MAX_DISPLAY_NAME_LENGTH - suffix.length) + suffix;
}

/** 8 hex characters identifying `text`, stable across machines and runs. */
function shortHash(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, 8);
}
