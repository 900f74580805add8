/**
 * The options of an error-rate alarm: the public ErrorRateAlarmOptions, and their resolution into checked values
 * with defaults, with errors that name each prop as the user wrote it.
 */
import { Duration, Token } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CdkRustError } from '../errors';
import { AlarmEvaluation, MAX_ALARM_DESCRIPTION_LENGTH, MAX_ALARM_NAME_LENGTH } from './alarm-naming';
import { AlarmOptions } from './alarm-options';
import { AlarmSubscriptionOptions } from './alarm-subscription-options';
import { validateEmail, validateHttpsUrl } from './topic-subscriptions';

/** The default `threshold`: 5 (percent of invocations). */
export const DEFAULT_THRESHOLD = 5;

/** The default `period`: five minutes. */
export const DEFAULT_PERIOD = Duration.minutes(5);

/**
 * How an error-rate alarm watches a Lambda function.
 *
 * The alarm computes `IF(invocations >= minimumInvocations, 100 * errors / invocations, 0)` from the function's
 * `Errors` and `Invocations` metrics (statistic `Sum`, one datapoint per `period`) and goes to ALARM when that
 * percentage is above `threshold` in `datapointsToAlarm` of the last `evaluationPeriods` periods. Periods without any
 * invocation produce no datapoint and count as not breaching.
 *
 * The defaults read "more than 5% of invocations fail over 5 minutes" as the aggregate rate of one 5-minute window
 * (period 5 minutes, 1 of 1 datapoints), which is robust at low traffic. For the other reading, "above 5% in each
 * of 5 consecutive minutes", use `{ period: Duration.minutes(1), evaluationPeriods: 5 }`.
 */
export interface ErrorRateAlarmOptions extends AlarmOptions, AlarmSubscriptionOptions {
  /**
   * The error rate, in percent of invocations, above which the alarm fires.
   *
   * The comparison is strictly greater than: with 5, an error rate of exactly 5% does not alarm. Must be a number
   * from 0 to 100 (0 alarms on any error).
   *
   * @default 5
   */
  readonly threshold?: number;

  /**
   * The fewest invocations a period needs for its error rate to count.
   *
   * A period with fewer invocations evaluates to 0% (not breaching), so that one failed request out of two at
   * night does not page anyone as a 50% error rate. Must be a positive integer; 1 counts every period with traffic.
   *
   * @default 1
   */
  readonly minimumInvocations?: number;
}

/**
 * Where the user wrote an alarm's props, so that errors name them as written. Internal: not exported from the package.
 *
 * `ErrorRateAlarm` takes them as its own props; `RustFunction` takes the options as `errorRateAlarm` and the topic as
 * `alarmTopic`, and checks them itself, before its build, with those names.
 */
export interface AlarmPropOrigin {
  /** The path of the construct that received the props; every error message starts with it. */
  readonly constructPath: string;

  /** Put before the name of each option: `''` on ErrorRateAlarm, `'errorRateAlarm.'` on RustFunction. */
  readonly optionPrefix: string;

  /** The name of the topic prop: `'topic'` on ErrorRateAlarm, `'alarmTopic'` on RustFunction. */
  readonly topicProp: string;
}

/** The options after defaults and validation. */
export interface ResolvedErrorRateAlarmOptions extends AlarmEvaluation {
  readonly emailSubscriptions: string[];
  readonly httpsSubscriptions: string[];
  /** As given (validated); the caller derives the default. */
  readonly alarmName?: string;
  /** As given (validated); the caller derives the default. */
  readonly alarmDescription?: string;
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
export function resolveErrorRateAlarmOptions(
  options: ErrorRateAlarmOptions,
  topic: sns.ITopic | undefined,
  origin: AlarmPropOrigin,
): ResolvedErrorRateAlarmOptions {
  const threshold = resolveThreshold(options.threshold ?? DEFAULT_THRESHOLD, origin);
  const period = resolveLambdaPeriod(options.period ?? DEFAULT_PERIOD, origin);
  const evaluationPeriods = requirePositiveInteger(
    options.evaluationPeriods ?? 1,
    'evaluationPeriods',
    origin,
    'Pass the number of periods the alarm looks at, e.g. evaluationPeriods: 1.',
  );
  const datapointsToAlarm = resolveDatapointsToAlarm(options.datapointsToAlarm ?? evaluationPeriods, evaluationPeriods, origin);
  checkEvaluationRange(period, evaluationPeriods, origin);
  const minimumInvocations = requirePositiveInteger(
    options.minimumInvocations ?? 1,
    'minimumInvocations',
    origin,
    'Pass 1 to count every period with traffic, or more to ignore periods with few invocations.',
  );

  if (options.alarmName !== undefined) {
    validateAlarmName(options.alarmName, origin);
  }
  if (options.alarmDescription !== undefined) {
    validateAlarmDescription(options.alarmDescription, origin);
  }
  const { emailSubscriptions, httpsSubscriptions } = resolveSubscriptions(options, topic, origin);

  return {
    threshold,
    period,
    evaluationPeriods,
    datapointsToAlarm,
    minimumInvocations,
    emailSubscriptions,
    httpsSubscriptions,
    alarmName: options.alarmName,
    alarmDescription: options.alarmDescription,
  };
}

/** The email and https subscriptions, each checked, and a check that `topic` (when given) can take them. */
export function resolveSubscriptions(
  options: AlarmSubscriptionOptions,
  topic: sns.ITopic | undefined,
  origin: AlarmPropOrigin,
): { emailSubscriptions: string[]; httpsSubscriptions: string[] } {
  const emailSubscriptions = options.emailSubscriptions ?? [];
  emailSubscriptions.forEach((address, i) => validateEmail(address, propName(origin, `emailSubscriptions[${i}]`), origin.constructPath));
  const httpsSubscriptions = options.httpsSubscriptions ?? [];
  httpsSubscriptions.forEach((url, i) => validateHttpsUrl(url, propName(origin, `httpsSubscriptions[${i}]`), origin.constructPath));
  if (topic !== undefined && emailSubscriptions.length + httpsSubscriptions.length > 0) {
    checkTopicTakesSubscriptions(topic, origin);
  }
  return { emailSubscriptions, httpsSubscriptions };
}

/** The option `prop` as the user wrote it, e.g. `errorRateAlarm.threshold` on a RustFunction. */
export function propName(origin: AlarmPropOrigin, prop: string): string {
  return `${origin.optionPrefix}${prop}`;
}

export function invalidProp(origin: AlarmPropOrigin, problem: string, fix: string): CdkRustError {
  return new CdkRustError('INVALID_PROP', problem, fix, origin.constructPath);
}

function resolveThreshold(threshold: number, origin: AlarmPropOrigin): number {
  requireConcreteNumber(threshold, 'threshold', origin);
  if (!(threshold >= 0 && threshold <= 100)) {
    throw invalidProp(
      origin,
      `${propName(origin, 'threshold')} must be a percentage from 0 to 100, got ${threshold}.`,
      'Pass the error rate in percent, e.g. threshold: 5 for 5% (not 0.05).',
    );
  }
  return threshold;
}

/** A concrete, whole number of minutes: CloudWatch evaluates Lambda metrics in multiples of 60 seconds. */
export function resolveLambdaPeriod(period: Duration, origin: AlarmPropOrigin): Duration {
  if (period.isUnresolved()) {
    throw invalidProp(
      origin,
      `${propName(origin, 'period')} must be a concrete duration, not a token.`,
      'Pass a literal such as Duration.minutes(5).',
    );
  }
  const periodMillis = period.toMilliseconds();
  if (periodMillis < 60_000 || periodMillis % 60_000 !== 0) {
    throw invalidProp(
      origin,
      `${propName(origin, 'period')} must be a whole number of minutes (at least 1), got ${period.toHumanString()}.`,
      'CloudWatch evaluates Lambda metrics in multiples of 60 seconds: pass e.g. Duration.minutes(1) or Duration.minutes(5).',
    );
  }
  return period;
}

export function resolveDatapointsToAlarm(datapointsToAlarm: number, evaluationPeriods: number, origin: AlarmPropOrigin): number {
  requireConcreteNumber(datapointsToAlarm, 'datapointsToAlarm', origin);
  if (!Number.isInteger(datapointsToAlarm) || datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods) {
    const datapoints = propName(origin, 'datapointsToAlarm');
    const evaluation = propName(origin, 'evaluationPeriods');
    throw invalidProp(
      origin,
      `${datapoints} must be an integer from 1 to ${evaluation} (${evaluationPeriods}), got ${datapointsToAlarm}.`,
      `Lower ${datapoints} or raise ${evaluation}: the alarm fires when ${datapoints} of the last ` + `${evaluation} periods breach.`,
    );
  }
  return datapointsToAlarm;
}

/** CloudWatch looks back at most one day with periods under an hour, seven days otherwise. */
export function checkEvaluationRange(period: Duration, evaluationPeriods: number, origin: AlarmPropOrigin): void {
  const periodSeconds = period.toMilliseconds() / 1000;
  const maxRangeSeconds = periodSeconds < 3600 ? 86_400 : 604_800;
  if (periodSeconds * evaluationPeriods > maxRangeSeconds) {
    const evaluation = propName(origin, 'evaluationPeriods');
    throw invalidProp(
      origin,
      `${propName(origin, 'period')} (${period.toHumanString()}) times ${evaluation} (${evaluationPeriods}) is longer than ` +
        `CloudWatch allows (${maxRangeSeconds === 86_400 ? 'one day for periods under an hour' : 'seven days'}).`,
      `Lower ${evaluation} or the ${propName(origin, 'period')}.`,
    );
  }
}

export function requireConcreteNumber(value: number, prop: string, origin: AlarmPropOrigin): void {
  if (Token.isUnresolved(value) || typeof value !== 'number' || Number.isNaN(value)) {
    const name = propName(origin, prop);
    throw invalidProp(
      origin,
      `${name} must be a concrete number, got ${Token.isUnresolved(value) ? 'a token' : String(value)}.`,
      `Pass a literal number for ${name}: it is validated and written into the alarm's description at synth time.`,
    );
  }
}

/** Checks that `value` (the option `prop`) is a concrete integer of at least 1, and returns it. */
export function requirePositiveInteger(value: number, prop: string, origin: AlarmPropOrigin, fix: string): number {
  requireConcreteNumber(value, prop, origin);
  if (!Number.isInteger(value) || value < 1) {
    throw invalidProp(origin, `${propName(origin, prop)} must be a positive integer, got ${value}.`, fix);
  }
  return value;
}

/** An alarm name CloudWatch accepts: 1 to 255 characters, no control characters (tokens are accepted unchecked). */
export function validateAlarmName(name: string, origin: AlarmPropOrigin): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  // eslint-disable-next-line no-control-regex
  if (name.length === 0 || name.length > MAX_ALARM_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) {
    const prop = propName(origin, 'alarmName');
    throw invalidProp(
      origin,
      `${prop} must be 1 to ${MAX_ALARM_NAME_LENGTH} characters without control characters, got ${JSON.stringify(name)}.`,
      `Pass a shorter name, or leave ${prop} out to get a name derived from the stack and the construct path.`,
    );
  }
}

export function validateAlarmDescription(description: string, origin: AlarmPropOrigin): void {
  if (!Token.isUnresolved(description) && description.length > MAX_ALARM_DESCRIPTION_LENGTH) {
    throw invalidProp(
      origin,
      `${propName(origin, 'alarmDescription')} must be at most ${MAX_ALARM_DESCRIPTION_LENGTH} characters, got ${description.length}.`,
      'Shorten the description.',
    );
  }
}

/** FIFO topics accept only SQS subscriptions. */
export function checkTopicTakesSubscriptions(topic: sns.ITopic, origin: AlarmPropOrigin): void {
  if (topic.fifo) {
    throw invalidProp(
      origin,
      `${origin.topicProp} ${topic.node.path} is a FIFO topic, which accepts only SQS subscriptions, so ` +
        `${propName(origin, 'emailSubscriptions')} and ${propName(origin, 'httpsSubscriptions')} cannot be added to it.`,
      `Pass a standard topic, or leave out ${origin.topicProp} to use the shared alarm topic.`,
    );
  }
}
