/**
 * ErrorRateAlarm: a CloudWatch alarm on the error rate of any Lambda function, notifying the stack's shared,
 * encrypted AlarmTopic or a topic the user passes.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { defaultAlarmDescription } from './alarm-naming';
import {
  DEFAULT_PERIOD,
  DEFAULT_THRESHOLD,
  ErrorRateAlarmOptions,
  ResolvedErrorRateAlarmOptions,
  resolveErrorRateAlarmOptions,
} from './error-rate-alarm-options';
import { FunctionAlarm, FunctionAlarmKind } from './function-alarm';
import { guardedExpression } from './low-traffic-guard';

/** The error-rate alarm, for messages and its default name `<stack>-<function path>-ErrorRate`. */
const ERROR_RATE: FunctionAlarmKind = {
  construct: 'ErrorRateAlarm',
  words: 'error-rate',
  functionProp: 'errorRateAlarm',
  nameSuffix: 'ErrorRate',
};

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
export class ErrorRateAlarm extends FunctionAlarm {
  /** The error rate, in percent of invocations, above which an alarm fires unless `threshold` is set: 5. */
  public static readonly DEFAULT_THRESHOLD: number = DEFAULT_THRESHOLD;

  /** The evaluation period of an alarm that does not set `period`: five minutes. */
  public static readonly DEFAULT_PERIOD: Duration = DEFAULT_PERIOD;

  /** The error-rate expression the alarm evaluates, in percent; reusable in dashboards. */
  public readonly errorRate: cloudwatch.MathExpression;

  /**
   * @param scope the construct to create the alarm in
   * @param id the construct id, unique within `scope`
   * @param props the function to watch, the topic to notify, and how to evaluate the error rate
   */
  constructor(scope: Construct, id: string, props: ErrorRateAlarmProps) {
    super(scope, id);

    const { options } = this._resolveOptions(ERROR_RATE, props, resolveErrorRateAlarmOptions);
    this.errorRate = errorRateExpression(props.function, options);
    const defaultDescription = defaultAlarmDescription(props.function, options);
    this._createAlarm(ERROR_RATE, props, { options, metric: this.errorRate, defaultDescription });
  }
}

/** `IF(invocations >= minimumInvocations, 100 * errors / invocations, 0)`, Sum per period. */
function errorRateExpression(fn: lambda.IFunction, options: ResolvedErrorRateAlarmOptions): cloudwatch.MathExpression {
  const errors = fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period: options.period });
  const invocations = fn.metricInvocations({ statistic: cloudwatch.Stats.SUM, period: options.period });
  return guardedExpression({
    count: 'invocations',
    minimum: options.minimumInvocations,
    value: '100 * errors / invocations',
    usingMetrics: { errors, invocations },
    period: options.period,
    label: 'Error rate (%)',
  });
}
