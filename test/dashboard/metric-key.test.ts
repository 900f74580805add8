import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { measuredMetric, metricKey } from '../../lib/dashboard/metric-key';

function fn(stack: Stack, name: string): lambda.IFunction {
  return lambda.Function.fromFunctionName(stack, name, name);
}

describe('metricKey: what a metric measures, whatever its statistic, period or label', () => {
  test('one metric read with two statistics and periods has one key; another function or metric, another', () => {
    const stack = new Stack();
    const api = fn(stack, 'api');
    const p50 = api.metricDuration({ statistic: 'p50', label: 'p50' });
    const p99 = api.metricDuration({ statistic: 'p99', period: Duration.minutes(1) });
    expect(metricKey(p50, stack)).toBe(metricKey(p99, stack));
    expect(metricKey(p50, stack)).not.toBe(metricKey(fn(stack, 'worker').metricDuration(), stack));
    expect(metricKey(p50, stack)).not.toBe(metricKey(api.metricErrors(), stack));
  });

  test('a math expression is keyed by its text and the keys of its metrics', () => {
    const stack = new Stack();
    const api = fn(stack, 'api');
    const rate = (expression: string) =>
      new cloudwatch.MathExpression({ expression, usingMetrics: { e: api.metricErrors(), i: api.metricInvocations() } });
    expect(metricKey(rate('100 * e / i'), stack)).toBe(metricKey(rate('100 * e / i'), stack));
    expect(metricKey(rate('100 * e / i'), stack)).not.toBe(metricKey(rate('e / i'), stack));
  });
});

describe('measuredMetric: the metric an alarm measures', () => {
  const stack = new Stack();
  const api = fn(stack, 'api');
  const duration = api.metricDuration({ statistic: 'p99' });
  const using = { invocations: api.metricInvocations(), duration };

  test('a guard IF(count >= n, metric, 0) and a bare id measure that metric', () => {
    expect(measuredMetric(new cloudwatch.MathExpression({ expression: 'IF(invocations >= 10, duration, 0)', usingMetrics: using }))).toBe(
      duration,
    );
    expect(measuredMetric(new cloudwatch.MathExpression({ expression: 'duration', usingMetrics: using }))).toBe(duration);
  });

  test('any other expression, and a plain metric, measure themselves', () => {
    const rate = new cloudwatch.MathExpression({ expression: 'IF(invocations > 0, 100 * duration / invocations, 0)', usingMetrics: using });
    expect(measuredMetric(rate)).toBe(rate);
    expect(measuredMetric(duration)).toBe(duration);
  });
});
