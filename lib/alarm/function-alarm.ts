/**
 * What the alarms on a Lambda function (ErrorRateAlarm, DurationAlarm, ThrottlesAlarm) share when they are created:
 * the refusal of `enabled: false`, the check of the function's account and region, the topic and its subscriptions,
 * the CloudWatch alarm with its ALARM and OK actions, and a default name that is unique in the stack.
 */
import { Lazy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { CdkRustError } from '../errors';
import { alarmNameFrom, defaultAlarmName } from './alarm-naming';
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

/** What one alarm on a function evaluates. */
export interface FunctionAlarmSpec {
  readonly fn: lambda.IFunction;
  /** The topic the user gave; the stack's shared AlarmTopic when undefined. */
  readonly topic?: sns.ITopic;
  readonly options: ResolvedFunctionAlarm;
  readonly metric: cloudwatch.IMetric;
  /** The alarm's threshold in the metric's unit. @default options.threshold */
  readonly threshold?: number;
  readonly comparisonOperator?: cloudwatch.ComparisonOperator;
  /** The description when the user gave none. */
  readonly defaultDescription: string;
}

/** The default-name base (`<stack>-<function path>-<suffix>`) of every alarm on a function that has no `alarmName`. */
const DEFAULT_NAME_BASES = new WeakMap<IConstruct, string>();

/**
 * The alarm of `owner` (the ErrorRateAlarm, DurationAlarm or ThrottlesAlarm) as its child `Resource`, notifying the
 * topic of `spec` or the stack's shared AlarmTopic, after the topic's subscriptions are added.
 */
export function createFunctionAlarm(
  owner: Construct,
  kind: FunctionAlarmKind,
  spec: FunctionAlarmSpec,
): { alarm: cloudwatch.Alarm; topic: sns.ITopic } {
  const stack = Stack.of(owner);
  checkSameEnvironment(spec.fn, stack, owner.node.path);
  const { options } = spec;
  if (options.alarmName === undefined) DEFAULT_NAME_BASES.set(owner, defaultAlarmName(spec.fn, stack, kind.nameSuffix));

  const notifications = notificationTarget(owner, spec.topic);
  options.emailSubscriptions.forEach((address) => notifications.subscriptions.addEmailSubscription(address));
  options.httpsSubscriptions.forEach((url) => notifications.subscriptions.addHttpsSubscription(url));

  const alarm = new cloudwatch.Alarm(owner, 'Resource', {
    metric: spec.metric,
    threshold: spec.threshold ?? options.threshold,
    comparisonOperator: spec.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: options.evaluationPeriods,
    datapointsToAlarm: options.datapointsToAlarm,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmName: options.alarmName ?? Lazy.string({ produce: () => uniqueDefaultName(owner, spec.fn) }),
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
export function refuseDisabled(enabled: boolean | undefined, kind: FunctionAlarmKind, constructPath: string): void {
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
