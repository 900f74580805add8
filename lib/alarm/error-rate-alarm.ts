/**
 * ErrorRateAlarm: a CloudWatch alarm on the error rate of any Lambda function, notifying the stack's shared,
 * encrypted AlarmTopic or a topic the user passes.
 */
import { Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { CdkRustError } from '../errors';
import { alarmNameFrom, defaultAlarmDescription, defaultAlarmName } from './alarm-naming';
import {
  AlarmPropOrigin,
  DEFAULT_PERIOD,
  DEFAULT_THRESHOLD,
  ErrorRateAlarmOptions,
  ResolvedErrorRateAlarmOptions,
  resolveErrorRateAlarmOptions,
} from './error-rate-alarm-options';
import { notificationTarget } from './notification-target';

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
   * @default - the stack's shared AlarmTopic (`AlarmTopic.of(this)`), created on first use
   */
  readonly topic?: sns.ITopic;
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
  /** The error rate, in percent of invocations, above which an alarm fires unless `threshold` is set: 5. */
  public static readonly DEFAULT_THRESHOLD: number = DEFAULT_THRESHOLD;

  /** The evaluation period of an alarm that does not set `period`: five minutes. */
  public static readonly DEFAULT_PERIOD: Duration = DEFAULT_PERIOD;

  /** The CloudWatch alarm. */
  public readonly alarm: cloudwatch.Alarm;

  /** The topic that receives the alarm's notifications: the one passed in, or the stack's shared AlarmTopic's. */
  public readonly topic: sns.ITopic;

  /** The error-rate expression the alarm evaluates, in percent; reusable in dashboards. */
  public readonly errorRate: cloudwatch.MathExpression;

  /** The name derived from the stack and the function when `alarmName` is not given (see `defaultName`). */
  private readonly defaultNameBase?: string;

  /**
   * @param scope the construct to create the alarm in
   * @param id the construct id, unique within `scope`
   * @param props the function to watch, the topic to notify, and how to evaluate the error rate
   */
  constructor(scope: Construct, id: string, props: ErrorRateAlarmProps) {
    super(scope, id);

    refuseDisabled(props, this.node.path);
    const origin: AlarmPropOrigin = { constructPath: this.node.path, optionPrefix: '', topicProp: 'topic' };
    const options = resolveErrorRateAlarmOptions(props, props.topic, origin);
    const fn = props.function;
    const stack = Stack.of(this);
    checkSameEnvironment(fn, stack, this.node.path);

    this.defaultNameBase = options.alarmName === undefined ? defaultAlarmName(fn, stack) : undefined;

    const notifications = notificationTarget(this, props.topic);
    this.topic = notifications.topic;
    options.emailSubscriptions.forEach((address) => notifications.subscriptions.addEmailSubscription(address));
    options.httpsSubscriptions.forEach((url) => notifications.subscriptions.addHttpsSubscription(url));

    this.errorRate = errorRateExpression(fn, options);
    this.alarm = new cloudwatch.Alarm(this, 'Resource', {
      metric: this.errorRate,
      threshold: options.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods,
      datapointsToAlarm: options.datapointsToAlarm,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmName: options.alarmName ?? Lazy.string({ produce: () => this.defaultName(fn) }),
      alarmDescription: options.alarmDescription ?? defaultAlarmDescription(fn, options),
    });
    const action = new cloudwatchActions.SnsAction(this.topic);
    this.alarm.addAlarmAction(action);
    this.alarm.addOkAction(action);
  }

  /**
   * `<stack>-<function path>-ErrorRate`, or, when other alarms of the stack without an `alarmName` watch the same
   * function (CloudFormation refuses two alarms of one name), that name followed by this alarm's own path: relative
   * to the function when the alarm lives inside it (RustFunction's `ErrorRateAlarm`), else to the stack. Decided at
   * synthesis, once every alarm exists, so that the order of construction does not matter.
   */
  private defaultName(fn: lambda.IFunction): string {
    const base = this.defaultNameBase as string;
    const sharing = Stack.of(this)
      .node.findAll()
      .filter((c) => c instanceof ErrorRateAlarm && c.defaultNameBase === base);
    if (sharing.length < 2) return base;
    const under = (scope: IConstruct) =>
      this.node.path.startsWith(`${scope.node.path}/`) ? this.node.path.slice(scope.node.path.length + 1) : undefined;
    const own = under(fn) ?? under(Stack.of(this)) ?? this.node.path;
    return alarmNameFrom(`${base}-${own}`);
  }
}

/**
 * `enabled` turns the alarm of a RustFunction off; an ErrorRateAlarm is the alarm itself, so `enabled: false` on it
 * would create a construct that does nothing: refuse it rather than ignore it.
 */
function refuseDisabled(props: ErrorRateAlarmProps, constructPath: string): void {
  if (props.enabled === false) {
    throw new CdkRustError(
      'INVALID_PROP',
      'enabled is false, but an ErrorRateAlarm is the alarm itself: there would be nothing to create.',
      'To have no error-rate alarm, do not create the ErrorRateAlarm (on a RustFunction: errorRateAlarm: { enabled: false }); else leave enabled out.',
      constructPath,
    );
  }
}

/** `IF(invocations >= minimumInvocations, 100 * errors / invocations, 0)`, Sum per period. */
function errorRateExpression(fn: lambda.IFunction, options: ResolvedErrorRateAlarmOptions): cloudwatch.MathExpression {
  const errors = fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period: options.period });
  const invocations = fn.metricInvocations({ statistic: cloudwatch.Stats.SUM, period: options.period });
  return new cloudwatch.MathExpression({
    expression: `IF(invocations >= ${options.minimumInvocations}, 100 * errors / invocations, 0)`,
    usingMetrics: { errors, invocations },
    period: options.period,
    label: 'Error rate (%)',
  });
}

/** An alarm watches the metrics of its own account and region: refuse a function known to live elsewhere. */
function checkSameEnvironment(fn: lambda.IFunction, stack: Stack, constructPath: string): void {
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
        "a function of the same name in the stack's own account and region.",
      "Create the alarm in a stack deployed to the function's account and region.",
      constructPath,
    );
  }
}
