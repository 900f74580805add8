/**
 * DurationAlarm: a CloudWatch alarm on the p99 duration of a Lambda function, in percent of its timeout, notifying
 * the stack's shared, encrypted AlarmTopic or a topic the user passes.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { evaluationWindow, fitDescription } from './alarm-naming';
import {
  DURATION_DEFAULTS,
  DurationAlarmOptions,
  ResolvedDurationAlarmOptions,
  durationThresholdMillis,
  resolveDurationAlarmOptions,
  resolveTimeout,
} from './duration-alarm-options';
import { FunctionAlarm, FunctionAlarmKind } from './function-alarm';
import { guardedExpression } from './low-traffic-guard';

/** The duration alarm, for messages and its default name `<stack>-<function path>-Duration`. */
const DURATION: FunctionAlarmKind = {
  construct: 'DurationAlarm',
  words: 'duration',
  functionProp: 'durationAlarm',
  nameSuffix: 'Duration',
};

/** Lambda's timeout for a function that sets none. */
const LAMBDA_DEFAULT_TIMEOUT = Duration.seconds(3);

/** Properties of a {@link DurationAlarm}. */
export interface DurationAlarmProps extends DurationAlarmOptions {
  /**
   * The function to watch: any `lambda.IFunction`, including imported ones (`Function.fromFunctionArn`) and aliases.
   *
   * Its `Duration` and `Invocations` metrics are read with the function's own dimensions (for an alias, the alias's).
   * It must live in the same account and region as the alarm's stack when both are known.
   */
  readonly function: lambda.IFunction;

  /**
   * The function's timeout, of which `threshold` is a percentage.
   *
   * Needed only when cdk-rust cannot read it from `function`: an imported function, or an alias or version of one.
   * An imported function without it is refused at synth time rather than given a guessed timeout. When given, it
   * wins over the function's own timeout. Must be a concrete duration.
   *
   * @default - the timeout of `function` when it is a `lambda.Function` (a RustFunction included) or an alias or
   * version of one: its `timeout`, or Lambda's 3 seconds when it sets none
   */
  readonly timeout?: Duration;

  /**
   * The topic that receives the alarm's ALARM and OK notifications.
   *
   * cdk-rust adds to it what CloudWatch needs to publish, and the requested subscriptions, as for ErrorRateAlarm's
   * `topic`. It must be a standard (not FIFO) topic when subscriptions are requested.
   *
   * @default - the stack's shared AlarmTopic (`AlarmTopic.of(this)`), created on first use
   */
  readonly topic?: sns.ITopic;
}

/**
 * A CloudWatch alarm on the p99 duration of a Lambda function, when it comes close to the function's timeout.
 *
 * The alarm evaluates `IF(invocations >= minimumInvocations, duration, 0)` over the function's `Duration` (statistic
 * `p99`) and `Invocations` (statistic `Sum`) metrics, fires when the result is above `threshold` percent of the
 * timeout (written into the alarm in milliseconds) in `datapointsToAlarm` of `evaluationPeriods` periods, treats
 * missing data (periods without invocations) as not breaching, and sends both its ALARM and its OK notifications to
 * the topic.
 *
 * With the defaults it fires when the p99 duration stays above 80% of the timeout for 15 minutes (each of 3
 * consecutive 5-minute periods).
 *
 * @example
 * declare const fn: lambda.IFunction;
 * new DurationAlarm(this, 'OrdersDuration', {
 *   function: fn,
 *   timeout: Duration.seconds(30),
 *   emailSubscriptions: ['oncall@example.com'],
 * });
 */
export class DurationAlarm extends FunctionAlarm {
  /** The p99 duration, in percent of the timeout, above which an alarm fires unless `threshold` is set: 80. */
  public static readonly DEFAULT_THRESHOLD: number = DURATION_DEFAULTS.threshold;

  /** The evaluation period of an alarm that does not set `period`: five minutes. */
  public static readonly DEFAULT_PERIOD: Duration = DURATION_DEFAULTS.period;

  /** The guarded p99 duration the alarm evaluates, in milliseconds; reusable in dashboards. */
  public readonly duration: cloudwatch.MathExpression;

  /** The alarm's threshold in milliseconds: `threshold` percent of the function's timeout. */
  public readonly thresholdMillis: number;

  /**
   * @param scope the construct to create the alarm in
   * @param id the construct id, unique within `scope`
   * @param props the function to watch, its timeout when cdk-rust cannot read it, the topic to notify, and how to
   * evaluate the duration
   */
  constructor(scope: Construct, id: string, props: DurationAlarmProps) {
    super(scope, id);

    const { options, origin } = this._resolveOptions(DURATION, props, resolveDurationAlarmOptions);
    const fn = props.function;
    const timeout = resolveTimeout(props.timeout ?? timeoutOf(fn), fn.node.path, origin);
    this.thresholdMillis = durationThresholdMillis(timeout, options.threshold);
    this.duration = durationExpression(fn, options);
    const defaultDescription = durationDescription(fn, options, timeout, this.thresholdMillis);
    this._createAlarm(DURATION, props, { options, metric: this.duration, threshold: this.thresholdMillis, defaultDescription });
  }
}

/**
 * The timeout of a `lambda.Function` (Lambda's 3 seconds when it sets none), or of the function behind an alias or
 * a version; undefined for an imported function, whose timeout cdk-rust cannot know.
 */
export function timeoutOf(fn: lambda.IFunction): Duration | undefined {
  if (fn instanceof lambda.Function) return fn.timeout ?? LAMBDA_DEFAULT_TIMEOUT;
  if (fn instanceof lambda.Alias) return timeoutOf(fn.version.lambda);
  if (fn instanceof lambda.Version) return timeoutOf(fn.lambda);
  return undefined;
}

/** `IF(invocations >= minimumInvocations, duration, 0)`: p99 of Duration, Sum of Invocations, per period. */
function durationExpression(fn: lambda.IFunction, options: ResolvedDurationAlarmOptions): cloudwatch.MathExpression {
  const duration = fn.metricDuration({ statistic: cloudwatch.Stats.p(99), period: options.period });
  const invocations = fn.metricInvocations({ statistic: cloudwatch.Stats.SUM, period: options.period });
  return guardedExpression({
    count: 'invocations',
    minimum: options.minimumInvocations,
    value: 'duration',
    usingMetrics: { duration, invocations },
    period: options.period,
    label: 'p99 duration (ms)',
  });
}

/** E.g. "p99 duration of MyStack/Api above 8000 ms (80% of its 10 seconds timeout) in each of 3 ...". */
function durationDescription(fn: lambda.IFunction, o: ResolvedDurationAlarmOptions, timeout: Duration, millis: number): string {
  const fewInvocations = o.minimumInvocations > 1 ? ` (periods with fewer than ${o.minimumInvocations} invocations count as 0)` : '';
  return fitDescription(
    `p99 duration of ${fn.node.path} above ${millis} ms (${o.threshold}% of its ${timeout.toHumanString()} timeout) ` +
      `${evaluationWindow(o)}${fewInvocations}. Invocations that reach the timeout fail: look at slow downstream calls ` +
      "and cold starts in the function's logs and traces, or raise its timeout or memory.",
  );
}
