/**
 * ThrottlesAlarm: a CloudWatch alarm on the share of a Lambda function's requests that are throttled, notifying the
 * stack's shared, encrypted AlarmTopic or a topic the user passes.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { evaluationWindow, fitDescription } from './alarm-naming';
import { FunctionAlarm, FunctionAlarmKind } from './function-alarm';
import {
  ResolvedThrottlesAlarmOptions,
  THROTTLES_DEFAULTS,
  ThrottlesAlarmOptions,
  resolveThrottlesAlarmOptions,
} from './throttles-alarm-options';
import { guardedExpression } from './low-traffic-guard';

/** The throttles alarm, for messages and its default name `<stack>-<function path>-Throttles`. */
const THROTTLES: FunctionAlarmKind = {
  construct: 'ThrottlesAlarm',
  words: 'throttles',
  functionProp: 'throttlesAlarm',
  nameSuffix: 'Throttles',
};

/** Properties of a {@link ThrottlesAlarm}. */
export interface ThrottlesAlarmProps extends ThrottlesAlarmOptions {
  /**
   * The function to watch: any `lambda.IFunction`, including imported ones (`Function.fromFunctionArn`) and aliases.
   *
   * Its `Throttles` and `Invocations` metrics are read with the function's own dimensions (for an alias, the
   * alias's). It must live in the same account and region as the alarm's stack when both are known.
   */
  readonly function: lambda.IFunction;

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
 * A CloudWatch alarm on the throttle rate of a Lambda function, in percent of its requests.
 *
 * The alarm evaluates `IF(requests >= minimumRequests, 100 * throttles / requests, 0)`, with `requests` the
 * function's `Invocations` plus its `Throttles` (statistic `Sum`, missing datapoints filled with 0), fires when the
 * result is greater than `threshold` in `datapointsToAlarm` of `evaluationPeriods` periods, treats missing data
 * (periods without requests) as not breaching, and sends both its ALARM and its OK notifications to the topic.
 *
 * With the defaults it fires when more than 1% of the requests of one 5-minute window are throttled.
 *
 * @example
 * declare const fn: lambda.IFunction;
 * new ThrottlesAlarm(this, 'OrdersThrottles', {
 *   function: fn,
 *   emailSubscriptions: ['oncall@example.com'],
 * });
 */
export class ThrottlesAlarm extends FunctionAlarm {
  /** The throttle rate, in percent of requests, above which an alarm fires unless `threshold` is set: 1. */
  public static readonly DEFAULT_THRESHOLD: number = THROTTLES_DEFAULTS.threshold;

  /** The evaluation period of an alarm that does not set `period`: five minutes. */
  public static readonly DEFAULT_PERIOD: Duration = THROTTLES_DEFAULTS.period;

  /** The throttle-rate expression the alarm evaluates, in percent; reusable in dashboards. */
  public readonly throttleRate: cloudwatch.MathExpression;

  /**
   * @param scope the construct to create the alarm in
   * @param id the construct id, unique within `scope`
   * @param props the function to watch, the topic to notify, and how to evaluate the throttle rate
   */
  constructor(scope: Construct, id: string, props: ThrottlesAlarmProps) {
    super(scope, id);

    const { options } = this._resolveOptions(THROTTLES, props, resolveThrottlesAlarmOptions);
    this.throttleRate = throttleRateExpression(props.function, options);
    const defaultDescription = throttlesDescription(props.function, options);
    this._createAlarm(THROTTLES, props, { options, metric: this.throttleRate, defaultDescription });
  }
}

/**
 * `IF(requests >= minimumRequests, 100 * throttles / requests, 0)` with `requests` = invocations + throttles, Sum
 * per period. Both are filled with 0: a period with only throttled requests has no Invocations datapoint, and one
 * without throttles may have no Throttles datapoint.
 */
function throttleRateExpression(fn: lambda.IFunction, options: ResolvedThrottlesAlarmOptions): cloudwatch.MathExpression {
  const sum = { statistic: cloudwatch.Stats.SUM, period: options.period };
  const throttles = fn.metricThrottles(sum);
  const invocations = fn.metricInvocations(sum);
  const requests = '(FILL(invocations, 0) + FILL(throttles, 0))';
  return guardedExpression({
    count: requests,
    minimum: options.minimumRequests,
    value: `100 * FILL(throttles, 0) / ${requests}`,
    usingMetrics: { throttles, invocations },
    period: options.period,
    label: 'Throttle rate (%)',
  });
}

/** E.g. "Throttle rate of MyStack/Api above 1% over 5 minutes: ...". */
function throttlesDescription(fn: lambda.IFunction, o: ResolvedThrottlesAlarmOptions): string {
  const fewRequests = o.minimumRequests > 1 ? ` (periods with fewer than ${o.minimumRequests} requests count as 0%)` : '';
  return fitDescription(
    `Throttle rate of ${fn.node.path} above ${o.threshold}% ${evaluationWindow(o)}${fewRequests}: the requests Lambda ` +
      'rejected for lack of concurrency, in percent of invocations plus throttled requests. Look at the reserved ' +
      "concurrency of the function, the account's concurrency quota and the other functions using it, and bursts " +
      'of traffic.',
  );
}
