/**
 * The names cdk-rust gives alarm resources that the user did not name: alarm names, alarm descriptions and topic
 * display names, within the lengths CloudWatch and SNS accept.
 */
import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { shortHash } from '../private/short-hash';

/** The longest alarm name CloudWatch accepts. */
export const MAX_ALARM_NAME_LENGTH = 255;

/** The longest alarm description CloudWatch accepts. */
export const MAX_ALARM_DESCRIPTION_LENGTH = 1024;

/** The longest SNS display name. */
export const MAX_DISPLAY_NAME_LENGTH = 100;

/** What a default alarm description says about how the alarm evaluates. */
export interface AlarmEvaluation {
  readonly threshold: number;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly minimumInvocations: number;
}

/** `<stack name>-<function path>-<suffix>` (`-ErrorRate` by default), sanitized, at most 255 characters. */
export function defaultAlarmName(fn: lambda.IFunction, stack: Stack, suffix: string = 'ErrorRate'): string {
  const stackName = Token.isUnresolved(stack.stackName) ? stack.node.path : stack.stackName;
  const fnStack = Stack.of(fn);
  const fnPath =
    fnStack === stack && fn.node.path.startsWith(`${stack.node.path}/`) ? fn.node.path.slice(stack.node.path.length + 1) : fn.node.path;
  return alarmNameFrom(`${stackName}-${fnPath}-${suffix}`);
}

/**
 * `raw` as an alarm name: every run of characters other than letters, digits, `.`, `_` and `-` becomes one `-`,
 * and a name longer than 255 characters is cut and ends in a hash of `raw`, so that it stays unique.
 */
export function alarmNameFrom(raw: string): string {
  const name = raw
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
  if (name.length <= MAX_ALARM_NAME_LENGTH) {
    return name;
  }
  // 8 characters: the suffix of every name generated so far, which must not change.
  const suffix = `-${shortHash(raw, 8)}`;
  return name.slice(0, MAX_ALARM_NAME_LENGTH - suffix.length).replace(/-+$/, '') + suffix;
}

/** E.g. "Error rate of MyStack/Api above 5% over 5 minutes". */
export function defaultAlarmDescription(fn: lambda.IFunction, o: AlarmEvaluation): string {
  let description = `Error rate of ${fn.node.path} above ${o.threshold}% ${evaluationWindow(o)}`;
  if (o.minimumInvocations > 1) {
    description += ` (periods with fewer than ${o.minimumInvocations} invocations count as 0%)`;
  }
  return fitDescription(description);
}

/** E.g. "over 5 minutes", "in each of 3 consecutive periods of 5 minutes", "in 3 of 10 consecutive periods of 1 minute". */
export function evaluationWindow(o: Pick<AlarmEvaluation, 'period' | 'evaluationPeriods' | 'datapointsToAlarm'>): string {
  const period = o.period.toHumanString();
  if (o.evaluationPeriods === 1) {
    return `over ${period}`;
  }
  if (o.datapointsToAlarm === o.evaluationPeriods) {
    return `in each of ${o.evaluationPeriods} consecutive periods of ${period}`;
  }
  return `in ${o.datapointsToAlarm} of ${o.evaluationPeriods} consecutive periods of ${period}`;
}

/** `description`, cut to the 1024 characters CloudWatch accepts. */
export function fitDescription(description: string): string {
  return description.length > MAX_ALARM_DESCRIPTION_LENGTH ? description.slice(0, MAX_ALARM_DESCRIPTION_LENGTH - 3) + '...' : description;
}

/** `<stack name> alarms`, with the stack name shortened so that the whole is at most 100 characters. */
export function defaultDisplayName(stack: Stack): string {
  const stackName = Token.isUnresolved(stack.stackName) ? stack.node.id : stack.stackName;
  const suffix = ' alarms';
  return stackName.slice(0, MAX_DISPLAY_NAME_LENGTH - suffix.length) + suffix;
}
