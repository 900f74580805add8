/**
 * What a metric measures, whatever its statistic, period or label: the key the dashboard uses to find the alarms
 * that watch a metric it draws, so that their thresholds are drawn on it.
 */
import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * The namespace, name and dimensions of a metric, or the expression and the keys of the metrics of a math
 * expression, resolved in `stack` (two accesses of one attribute may be two tokens of one value); undefined for
 * anything else (search expressions, insights queries), which then matches no alarm.
 */
export function metricKey(metric: cloudwatch.IMetric, stack: Stack): string | undefined {
  const config = metric.toMetricConfig();
  if (config.metricStat) {
    const { namespace, metricName, dimensions = [] } = config.metricStat;
    const sorted = [...dimensions].sort((a, b) => a.name.localeCompare(b.name)).map((d) => [d.name, d.value]);
    return JSON.stringify(stack.resolve(['metric', namespace, metricName, sorted]));
  }
  if (config.mathExpression) {
    const { expression, usingMetrics } = config.mathExpression;
    const using = Object.keys(usingMetrics)
      .sort()
      .map((id) => [id, metricKey(usingMetrics[id], stack) ?? null]);
    return JSON.stringify(['math', stack.resolve(expression), using]);
  }
  return undefined;
}

/**
 * The metric an alarm's metric measures: the metric itself, or, for an expression that only guards one of its
 * metrics against low traffic (`IF(invocations >= 10, duration, 0)`) or names one (`duration`), that metric; so
 * that the threshold of a guarded p99 alarm is drawn on the graph of that p99.
 */
export function measuredMetric(metric: cloudwatch.IMetric): cloudwatch.IMetric {
  const math = metric.toMetricConfig().mathExpression;
  if (!math) return metric;
  const guarded = /^\s*IF\s*\(.*,\s*([A-Za-z_]\w*)\s*,\s*0\s*\)\s*$/.exec(math.expression);
  const bare = /^\s*([A-Za-z_]\w*)\s*$/.exec(math.expression);
  const id = guarded?.[1] ?? bare?.[1];
  return id !== undefined && math.usingMetrics[id] !== undefined ? math.usingMetrics[id] : metric;
}
