/**
 * The low-traffic guard every cdk-rust alarm evaluates: `IF(<count> >= <minimum>, <value>, 0)`, so that a period
 * with too few events to judge (one failed invocation out of two) reads 0 rather than breaching.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** What one guarded expression evaluates. */
export interface GuardedExpressionProps {
  /** The events of a period, in terms of `usingMetrics`, e.g. `invocations`. */
  readonly count: string;
  /** The fewest events for `value` to count; fewer read 0. */
  readonly minimum: number;
  /** What the alarm watches, in terms of `usingMetrics`, e.g. `100 * errors / invocations`. */
  readonly value: string;
  readonly usingMetrics: Record<string, cloudwatch.IMetric>;
  readonly period: Duration;
  readonly label: string;
}

/** `IF(count >= minimum, value, 0)` over `usingMetrics`, per period. */
export function guardedExpression(props: GuardedExpressionProps): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `IF(${props.count} >= ${props.minimum}, ${props.value}, 0)`,
    usingMetrics: props.usingMetrics,
    period: props.period,
    label: props.label,
  });
}
