/**
 * What the options of the alarms on a Lambda function (error rate, duration, throttles) share: their resolution into
 * an evaluation window, a name and description and subscriptions, checked with errors that name each prop as the
 * user wrote it (`durationAlarm.period`).
 */
import { Duration } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmOptions } from './alarm-options';
import { AlarmSubscriptionOptions } from './alarm-subscription-options';
import { AlarmPropOrigin, requirePositiveInteger, resolveLambdaPeriod, resolveSubscriptions } from './error-rate-alarm-options';
import { ResolvedServiceAlarm, resolveEvaluation, resolveNaming } from './resolved-service-alarm';

/** One alarm's options after defaults and validation: its threshold as the user gave it, in the option's unit. */
export interface ResolvedFunctionAlarm extends ResolvedServiceAlarm {
  readonly emailSubscriptions: string[];
  readonly httpsSubscriptions: string[];
}

/**
 * The evaluation window (every evaluated period must breach unless `datapointsToAlarm` says otherwise), the name,
 * the description and the subscriptions of an alarm whose `threshold` the caller has already checked.
 */
export function resolveFunctionAlarm(
  options: AlarmOptions & AlarmSubscriptionOptions,
  threshold: number,
  defaults: { readonly period: Duration; readonly evaluationPeriods: number },
  topic: sns.ITopic | undefined,
  origin: AlarmPropOrigin,
): ResolvedFunctionAlarm {
  const evaluation = resolveEvaluation(options, defaults, (evaluationPeriods) => evaluationPeriods, origin, resolveLambdaPeriod);
  const naming = resolveNaming(options, origin);
  return { threshold, ...evaluation, ...naming, ...resolveSubscriptions(options, topic, origin) };
}

/** The low-traffic guard `prop` (`minimumInvocations` or `minimumRequests`): a positive integer, 1 by default. */
export function resolveMinimum(value: number | undefined, prop: string, what: 'invocations' | 'requests', origin: AlarmPropOrigin): number {
  return requirePositiveInteger(
    value ?? 1,
    prop,
    origin,
    `Pass 1 to count every period with traffic, or more to ignore periods with few ${what}.`,
  );
}
