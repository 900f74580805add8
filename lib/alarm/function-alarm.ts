/**
 * FunctionAlarm: what the alarms on a Lambda function (ErrorRateAlarm, DurationAlarm, ThrottlesAlarm) share, from
 * their public shape (the `alarm` and the `topic`) to their creation: the refusal of `enabled: false`, the check of
 * the function's account and region, the topic and its subscriptions, the CloudWatch alarm with its ALARM and OK
 * actions, and a default name that is unique in the stack.
 */
import { Lazy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { CdkRustError } from '../errors';
import { alarmNameFrom, defaultAlarmName } from './alarm-naming';
import { AlarmPropOrigin } from './error-rate-alarm-options';
import { ResolvedFunctionAlarm } from './function-alarm-options';
import { notificationTarget } from './notification-target';

/** Which alarm on a function: for messages and default names. */
export interface FunctionAlarmKind {
  /** The construct's class, e.g. `ErrorRateAlarm`. */
  readonly construct: string;
  /** What it watches, in words, e.g. `error-rate`. */
  readonly words: string;
  /** The prop of RustFunction that holds its options, e.g. `errorRateAlarm`. */
  readonly functionProp: string;
  /** The end of its default name, e.g. `ErrorRate`. */
  readonly nameSuffix: string;
}

/** The props of every alarm on a function: the function it watches, and the topic it notifies. */
export interface WatchedFunction {
  readonly function: lambda.IFunction;
  /** The topic the user gave; the stack's shared AlarmTopic when undefined. */
  readonly topic?: sns.ITopic;
}

/** What one alarm on a function evaluates: above `threshold`, it fires. */
export interface FunctionAlarmSpec {
  readonly options: ResolvedFunctionAlarm;
  readonly metric: cloudwatch.IMetric;
  /** The alarm's threshold in the metric's unit. @default options.threshold */
  readonly threshold?: number;
  /** The description when the user gave none. */
  readonly defaultDescription: string;
}

/** What a FunctionAlarm has created: its CloudWatch alarm and the topic that alarm notifies. */
interface CreatedAlarm {
  readonly alarm: cloudwatch.Alarm;
  readonly topic: sns.ITopic;
}

/**
 * An alarm on a Lambda function: what ErrorRateAlarm, DurationAlarm and ThrottlesAlarm have in common.
 *
 * Each creates one CloudWatch alarm, its child `Resource`, on a metric-math expression over the function's metrics,
 * treats missing data as not breaching, and sends both its ALARM and its OK notifications to the topic passed in or to
 * the stack's shared, encrypted AlarmTopic. Each refuses `enabled: false` (the construct is the alarm itself: not
 * creating it is how to have no alarm) and a function known to live in another account or region than its stack.
 *
 * Create one of the three; this class cannot be used on its own.
 */
export abstract class FunctionAlarm extends Construct {
  /** Set once, by the subclass's constructor: see `_createAlarm`. */
  private created?: CreatedAlarm;

  /**
   * @param scope the construct to create the alarm in
   * @param id the construct id, unique within `scope`
   */
  protected constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** The CloudWatch alarm. */
  public get alarm(): cloudwatch.Alarm {
    return this.createdAlarm().alarm;
  }

  /** The topic that receives the alarm's notifications: the one passed in, or the stack's shared AlarmTopic's. */
  public get topic(): sns.ITopic {
    return this.createdAlarm().topic;
  }

  /**
   * The options of the standalone construct, resolved by `resolve` with errors that name each prop as written on
   * it (`threshold`, `topic`), after `enabled: false` is refused.
   *
   * @internal
   */
  protected _resolveOptions<P extends WatchedFunction & { readonly enabled?: boolean }, R>(
    kind: FunctionAlarmKind,
    props: P,
    resolve: (options: P, topic: sns.ITopic | undefined, origin: AlarmPropOrigin) => R,
  ): { readonly options: R; readonly origin: AlarmPropOrigin } {
    refuseDisabled(props.enabled, kind, this.node.path);
    const origin: AlarmPropOrigin = { constructPath: this.node.path, optionPrefix: '', topicProp: 'topic' };
    return { options: resolve(props, props.topic, origin), origin };
  }

  /**
   * Creates the alarm of `spec` on the function of `props`, and its notifications: called once, at the end of the
   * subclass's constructor.
   *
   * @internal
   */
  protected _createAlarm(kind: FunctionAlarmKind, props: WatchedFunction, spec: FunctionAlarmSpec): void {
    this.created = createFunctionAlarm(this, kind, props, spec);
  }

  private createdAlarm(): CreatedAlarm {
    if (this.created === undefined) {
      throw new Error(`${this.node.path}: the alarm is read before the constructor of its class created it.`);
    }
    return this.created;
  }
}

/** The default-name base (`<stack>-<function path>-<suffix>`) of every alarm on a function that has no `alarmName`. */
const DEFAULT_NAME_BASES = new WeakMap<IConstruct, string>();

/**
 * The alarm of `owner` (the ErrorRateAlarm, DurationAlarm or ThrottlesAlarm) on the function of `watched` as its
 * child `Resource`, notifying the topic of `watched` or the stack's shared AlarmTopic, after the topic's subscriptions
 * are added.
 */
function createFunctionAlarm(owner: Construct, kind: FunctionAlarmKind, watched: WatchedFunction, spec: FunctionAlarmSpec): CreatedAlarm {
  const stack = Stack.of(owner);
  const fn = watched.function;
  checkSameEnvironment(fn, stack, owner.node.path);
  const { options } = spec;
  if (options.alarmName === undefined) DEFAULT_NAME_BASES.set(owner, defaultAlarmName(fn, stack, kind.nameSuffix));

  const notifications = notificationTarget(owner, watched.topic);
  options.emailSubscriptions.forEach((address) => notifications.subscriptions.addEmailSubscription(address));
  options.httpsSubscriptions.forEach((url) => notifications.subscriptions.addHttpsSubscription(url));

  const alarm = new cloudwatch.Alarm(owner, 'Resource', {
    metric: spec.metric,
    threshold: spec.threshold ?? options.threshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: options.evaluationPeriods,
    datapointsToAlarm: options.datapointsToAlarm,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmName: options.alarmName ?? Lazy.string({ produce: () => uniqueDefaultName(owner, fn) }),
    alarmDescription: options.alarmDescription ?? spec.defaultDescription,
  });
  const action = new cloudwatchActions.SnsAction(notifications.topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
  return { alarm, topic: notifications.topic };
}

/**
 * `<stack>-<function path>-<suffix>`, or, when other alarms of the stack without an `alarmName` have the same
 * default name (the same kind of alarm on the same function; CloudFormation refuses two alarms of one name), that
 * name followed by this alarm's own path: relative to the function when the alarm lives inside it (RustFunction's
 * alarms), else to the stack. Decided at synthesis, once every alarm exists, so that the order of construction does
 * not matter.
 */
function uniqueDefaultName(owner: Construct, fn: lambda.IFunction): string {
  const base = DEFAULT_NAME_BASES.get(owner) as string;
  const stack = Stack.of(owner);
  const sharing = stack.node.findAll().filter((c) => DEFAULT_NAME_BASES.get(c) === base);
  if (sharing.length < 2) return base;
  const under = (scope: IConstruct) =>
    owner.node.path.startsWith(`${scope.node.path}/`) ? owner.node.path.slice(scope.node.path.length + 1) : undefined;
  const own = under(fn) ?? under(stack) ?? owner.node.path;
  return alarmNameFrom(`${base}-${own}`);
}

/**
 * `enabled` turns an alarm of a RustFunction off; the standalone construct is the alarm itself, so `enabled: false`
 * on it would create a construct that does nothing: refuse it rather than ignore it.
 */
function refuseDisabled(enabled: boolean | undefined, kind: FunctionAlarmKind, constructPath: string): void {
  if (enabled === false) {
    const article = /^[AEIOU]/.test(kind.construct) ? 'an' : 'a';
    throw new CdkRustError(
      'INVALID_PROP',
      `enabled is false, but ${article} ${kind.construct} is the alarm itself: there would be nothing to create.`,
      `To have no ${kind.words} alarm, do not create the ${kind.construct} (on a RustFunction: ${kind.functionProp}: ` +
        '{ enabled: false }); else leave enabled out.',
      constructPath,
    );
  }
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
