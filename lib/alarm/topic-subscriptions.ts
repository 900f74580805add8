/**
 * The email and HTTPS subscriptions cdk-rust adds to an alarm topic: validated, de-duplicated, and sharing one
 * dead-letter queue per topic.
 */
import { Duration, Token, Validations } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CdkRustError } from '../errors';
import { shortHash } from '../private/short-hash';

/** Where an alarm's email and HTTPS subscriptions are added: an AlarmTopic, or the binding of another topic. */
export interface SubscriptionTarget {
  addEmailSubscription(address: string): void;
  addHttpsSubscription(url: string): void;
}

/**
 * The subscriptions that cdk-rust added to one topic, with their shared dead-letter queue.
 *
 * Subscription construct ids are derived from the endpoint, so adding the same endpoint twice finds the first
 * subscription instead of creating a second one: no bookkeeping besides the construct tree. Endpoints are validated
 * as arguments of the owner's methods (`address`, `url`), and errors name the owner's path.
 */
export class TopicSubscriptions extends Construct implements SubscriptionTarget {
  private queue?: sqs.Queue;
  private readonly ownerPath: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly topic: sns.ITopic,
  ) {
    super(scope, id);
    this.ownerPath = scope.node.path;
  }

  public get deadLetterQueue(): sqs.IQueue | undefined {
    return this.queue;
  }

  public addEmailSubscription(address: string): void {
    validateEmail(address, 'address', this.ownerPath);
    this.add(sns.SubscriptionProtocol.EMAIL, address);
  }

  public addHttpsSubscription(url: string): void {
    validateHttpsUrl(url, 'url', this.ownerPath);
    this.add(sns.SubscriptionProtocol.HTTPS, url);
  }

  private add(protocol: sns.SubscriptionProtocol, endpoint: string): void {
    const key = protocol === sns.SubscriptionProtocol.EMAIL ? endpoint.toLowerCase() : endpoint;
    const prefix = protocol === sns.SubscriptionProtocol.EMAIL ? 'Email' : 'Https';
    // 8 characters: the construct ids (hence logical ids) of every subscription created so far.
    const id = `${prefix}${shortHash(key, 8)}`;
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
 * Checks that `address` (named `prop` where the user wrote it, on the construct at `constructPath`) is
 * something@domain.tld, without spaces; tokens (e.g. parameters) are accepted unchecked.
 */
export function validateEmail(address: string, prop: string, constructPath: string): void {
  if (Token.isUnresolved(address)) {
    return;
  }
  if (typeof address !== 'string' || !/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(address)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `${prop} is not an email address: ${JSON.stringify(address)}.`,
      'Pass an address such as oncall@example.com, without spaces or display names.',
      constructPath,
    );
  }
}

/**
 * Checks that `url` (named `prop` where the user wrote it, on the construct at `constructPath`) is an absolute
 * https:// URL with a host; tokens are accepted unchecked.
 */
export function validateHttpsUrl(url: string, prop: string, constructPath: string): void {
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
      constructPath,
    );
  }
}
