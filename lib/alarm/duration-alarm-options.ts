/**
 * The options of a duration alarm (p99 duration near the function's timeout): the public DurationAlarmOptions, their
 * defaults, and their resolution into checked values, with errors that name each prop as the user wrote it.
 */
import { Duration } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmOptions } from './alarm-options';
import { AlarmSubscriptionOptions } from './alarm-subscription-options';
import { AlarmPropOrigin, invalidProp, propName, requireConcreteNumber } from './error-rate-alarm-options';
import { ResolvedFunctionAlarm, resolveFunctionAlarm, resolveMinimum } from './function-alarm-options';

/**
 * The defaults of the duration alarm: p99 above 80% of the timeout in each of 3 consecutive 5-minute periods (15
 * minutes, the window AWS recommends for its Duration alarm).
 */
export const DURATION_DEFAULTS = { threshold: 80, period: Duration.minutes(5), evaluationPeriods: 3 };

/**
 * How a duration alarm watches how close a Lambda function's invocations come to its timeout.
 *
 * The alarm computes `IF(invocations >= minimumInvocations, duration, 0)` from the function's `Duration` (statistic
 * `p99`, in milliseconds) and `Invocations` (statistic `Sum`), one datapoint per `period`, and goes to ALARM when
 * that is above `threshold` percent of the function's timeout in `datapointsToAlarm` of the last `evaluationPeriods`
 * periods. Periods without any invocation produce no datapoint and count as not breaching.
 *
 * An invocation that reaches the timeout is stopped and fails: this alarm warns before the error-rate alarm does,
 * while the slowest invocations (the 1% above the p99) are still getting close. The defaults follow AWS's
 * recommended Duration alarm (15 minutes of breaching datapoints) with the p99 rather than the p90, and
 * cdk-monitoring-constructs' `maxLatencyPercentageOfTimeout`: above 80% of the timeout in each of 3 consecutive
 * 5-minute periods, so that one slow cold start or one slow downstream call does not page anyone.
 */
export interface DurationAlarmOptions extends AlarmOptions, AlarmSubscriptionOptions {
  /**
   * The p99 duration, in percent of the function's timeout, above which the alarm fires.
   *
   * The comparison is strictly greater than. Must be a number above 0 and at most 100: with a 10-second timeout, 80
   * alarms when the p99 duration is above 8 seconds (the alarm's threshold is written in milliseconds, 8000).
   *
   * @default 80
   */
  readonly threshold?: number;

  /**
   * The fewest invocations a period needs for its p99 duration to count.
   *
   * A period with fewer invocations evaluates to 0 (not breaching): with few invocations the p99 is the slowest
   * one, often a cold start. Must be a positive integer; 1 counts every period with traffic.
   *
   * @default 1
   */
  readonly minimumInvocations?: number;
}

/** The duration alarm's options after defaults and validation; `threshold` is in percent of the timeout. */
export interface ResolvedDurationAlarmOptions extends ResolvedFunctionAlarm {
  readonly minimumInvocations: number;
}

/**
 * Applies the defaults to `options` and checks every value, and that `topic` (when given) can take the requested
 * subscriptions.
 *
 * @param options the options as the user gave them
 * @param topic the topic the alarm notifies, when the user gave one
 * @param origin where the user wrote them, for error messages
 * @throws CdkRustError INVALID_PROP naming the first invalid prop
 */
export function resolveDurationAlarmOptions(
  options: DurationAlarmOptions,
  topic: sns.ITopic | undefined,
  origin: AlarmPropOrigin,
): ResolvedDurationAlarmOptions {
  const threshold = options.threshold ?? DURATION_DEFAULTS.threshold;
  requireConcreteNumber(threshold, 'threshold', origin);
  if (!(threshold > 0 && threshold <= 100)) {
    const prop = propName(origin, 'threshold');
    throw invalidProp(
      origin,
      `${prop} must be a percentage of the timeout above 0 and at most 100, got ${threshold}.`,
      `Pass the share of the timeout in percent, e.g. ${prop}: 80 for 80% (not 0.8).`,
    );
  }
  const resolved = resolveFunctionAlarm(options, threshold, DURATION_DEFAULTS, topic, origin);
  return { ...resolved, minimumInvocations: resolveMinimum(options.minimumInvocations, 'minimumInvocations', 'invocations', origin) };
}

/**
 * The function's timeout, which the threshold is a percentage of: it must be known and concrete.
 *
 * @param timeout the timeout, when known
 * @param functionPath the path of the watched function, for the message
 * @param origin where the alarm's options were written; `timeout` is named as on RustFunction and DurationAlarm
 * @throws CdkRustError INVALID_PROP when the timeout is unknown or a token
 */
export function resolveTimeout(timeout: Duration | undefined, functionPath: string, origin: AlarmPropOrigin): Duration {
  const turnOff = origin.optionPrefix === '' ? '' : `, or turn the alarm off with ${propName(origin, 'enabled')}: false`;
  if (timeout === undefined) {
    throw invalidProp(
      origin,
      `the timeout of function ${functionPath} is unknown (an imported function, or an alias or version of one), and ` +
        "the duration alarm's threshold is a percentage of it.",
      `Pass the function's timeout as timeout, e.g. timeout: Duration.seconds(30)${turnOff}.`,
    );
  }
  if (timeout.isUnresolved()) {
    throw invalidProp(
      origin,
      `timeout must be a concrete duration, not a token: the duration alarm's threshold is a percentage of it.`,
      `Pass a literal such as Duration.seconds(30)${turnOff}.`,
    );
  }
  return timeout;
}

/** `threshold` percent of `timeout`, in whole milliseconds: the alarm's threshold on the `Duration` metric. */
export function durationThresholdMillis(timeout: Duration, threshold: number): number {
  return Math.round((timeout.toMilliseconds() * threshold) / 100);
}
