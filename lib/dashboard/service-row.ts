/**
 * The row of a RustService: requests, 5xx responses and rate, target response time, healthy and unhealthy
 * targets, CPU and memory, with the metrics and dimensions ServiceAlarms reads.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { RustService } from '../service/rust-service';
import { AlarmCandidates, annotatedGraph } from './annotated-graph';
import { rowHeader } from './row-header';

/** The header and the six widgets of `service`, with the thresholds of `alarms` that watch what they draw. */
export function serviceRow(service: RustService, period: Duration, alarms: AlarmCandidates): cloudwatch.IWidget[] {
  const sum = { statistic: cloudwatch.Stats.SUM, period };
  const targets = service.targetGroup.metrics;
  const fargate = service.service;
  const utilization = (metric: (o: cloudwatch.MetricOptions) => cloudwatch.Metric) =>
    [cloudwatch.Stats.AVERAGE, cloudwatch.Stats.MAXIMUM].map((statistic) => metric.call(fargate, { statistic, period, label: statistic }));
  return [
    rowHeader('Service', service, fargate.serviceName),
    annotatedGraph({ title: 'Requests', left: [targets.requestCount({ ...sum, label: 'Requests' })] }, alarms),
    annotatedGraph(
      {
        title: '5xx responses',
        left: [
          targets.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { ...sum, label: 'Tasks (target 5xx)' }),
          service.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { ...sum, label: 'Load balancer (ELB 5xx)' }),
        ],
        right: [http5xxRate(service, period)],
        rightLabel: '%',
      },
      alarms,
    ),
    annotatedGraph(
      {
        title: 'Target response time (s)',
        left: ['p50', 'p99'].map((statistic) => targets.targetResponseTime({ statistic, period, label: statistic })),
      },
      alarms,
    ),
    annotatedGraph(
      {
        title: 'Targets',
        left: [
          targets.healthyHostCount({ statistic: cloudwatch.Stats.MINIMUM, period, label: 'Healthy (minimum)' }),
          targets.unhealthyHostCount({ statistic: cloudwatch.Stats.MAXIMUM, period, label: 'Unhealthy (maximum)' }),
        ],
      },
      alarms,
    ),
    annotatedGraph({ title: 'CPU utilization (%)', left: utilization(fargate.metricCpuUtilization), leftMax: 100 }, alarms),
    annotatedGraph({ title: 'Memory utilization (%)', left: utilization(fargate.metricMemoryUtilization), leftMax: 100 }, alarms),
  ];
}

/**
 * The 5xx-rate alarm's own expression (what it evaluates, at its period) when the service has one, else the same
 * percentage ServiceAlarms computes, at the dashboard's period.
 */
function http5xxRate(service: RustService, period: Duration): cloudwatch.IMetric {
  const alarm = service.alarms?.http5xxRateAlarm;
  if (alarm) return alarm.metric;
  const sum = { statistic: cloudwatch.Stats.SUM, period };
  const targets = service.targetGroup.metrics;
  return new cloudwatch.MathExpression({
    expression: 'IF(requests > 0, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)',
    usingMetrics: {
      target5xx: targets.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, sum),
      elb5xx: service.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, sum),
      requests: targets.requestCount(sum),
    },
    period,
    label: '5xx rate (%)',
  });
}
