/**
 * The row of a RustFunction: invocations, errors and error rate, duration against the timeout, throttles,
 * concurrent executions, and init duration from the function's logs; and, for a function set up for asynchronous
 * invocation, its asynchronous events.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { RustFunction } from '../function';
import { AlarmCandidates, GRAPH_HEIGHT, GRAPH_WIDTH, annotatedGraph } from './annotated-graph';
import { REPORT_LINES_FILTERED, initDurationQuery, reportLinesLogged } from './init-duration-query';
import { rowHeader } from './row-header';

/**
 * The header and the six widgets of `fn` (seven when it is set up for asynchronous invocation), with the thresholds
 * of `alarms` that watch what they draw.
 */
export function functionRow(fn: RustFunction, period: Duration, alarms: AlarmCandidates): cloudwatch.IWidget[] {
  const sum = { statistic: cloudwatch.Stats.SUM, period };
  const errors = fn.metricErrors({ ...sum, label: 'Errors' });
  return [
    rowHeader('Function', fn, fn.functionName),
    annotatedGraph({ title: 'Invocations', left: [fn.metricInvocations({ ...sum, label: 'Invocations' })] }, alarms),
    annotatedGraph({ title: 'Errors', left: [errors], right: [errorRate(fn, period)], rightLabel: '%' }, alarms),
    annotatedGraph(
      {
        title: 'Duration (ms)',
        left: ['p50', 'p99'].map((statistic) => fn.metricDuration({ statistic, period, label: statistic })),
        leftAnnotations: timeoutAnnotation(fn),
      },
      alarms,
    ),
    annotatedGraph({ title: 'Throttles', left: [fn.metricThrottles({ ...sum, label: 'Throttles' })] }, alarms),
    annotatedGraph(
      {
        title: 'Concurrent executions',
        left: [fn.metric('ConcurrentExecutions', { statistic: cloudwatch.Stats.MAXIMUM, period, label: 'Maximum' })],
      },
      alarms,
    ),
    initDurationWidget(fn, period),
    ...(invokedAsynchronously(fn) ? [asyncEventsGraph(fn, period, alarms)] : []),
  ];
}

/**
 * Whether `fn` is set up for asynchronous invocation: a dead-letter queue or topic, or an event invoke configuration
 * (destinations, retries, maximum event age), whose failures only the asynchronous metrics show.
 */
function invokedAsynchronously(fn: RustFunction): boolean {
  return fn.deadLetterQueue !== undefined || fn.deadLetterTopic !== undefined || fn.node.tryFindChild('EventInvokeConfig') !== undefined;
}

/**
 * Events queued for the function, and the ones lost: dropped (too old, or out of retries without a destination),
 * not delivered to the dead-letter target or the destination; and, on the right, how long events waited.
 */
function asyncEventsGraph(fn: RustFunction, period: Duration, alarms: AlarmCandidates): cloudwatch.IWidget {
  const sum = (name: string, label: string) => fn.metric(name, { statistic: cloudwatch.Stats.SUM, period, label });
  return annotatedGraph(
    {
      title: 'Asynchronous events',
      left: [
        sum('AsyncEventsReceived', 'Received'),
        sum('AsyncEventsDropped', 'Dropped'),
        sum('DeadLetterErrors', 'Dead-letter errors'),
        sum('DestinationDeliveryFailures', 'Destination failures'),
      ],
      right: [fn.metric('AsyncEventAge', { statistic: 'p99', period, label: 'p99 age (ms)' })],
      rightLabel: 'ms',
    },
    alarms,
  );
}

/** Cold starts and init duration from the function's REPORT lines, or why there are none to read. */
function initDurationWidget(fn: RustFunction, period: Duration): cloudwatch.IWidget {
  if (!reportLinesLogged(fn)) {
    return new cloudwatch.TextWidget({ markdown: REPORT_LINES_FILTERED, width: GRAPH_WIDTH, height: GRAPH_HEIGHT });
  }
  return new cloudwatch.LogQueryWidget({
    title: 'Init duration (ms), cold starts',
    logGroupNames: [fn.functionLogGroup.logGroupRef.logGroupName],
    queryLines: initDurationQuery(period),
    view: cloudwatch.LogQueryVisualizationType.LINE,
    width: GRAPH_WIDTH,
    height: GRAPH_HEIGHT,
  });
}

/**
 * The error-rate alarm's own expression (what the alarm evaluates, at its period) when the function has one, else
 * the same percentage at the dashboard's period.
 */
function errorRate(fn: RustFunction, period: Duration): cloudwatch.IMetric {
  if (fn.errorRateAlarm) return fn.errorRateAlarm.errorRate;
  const sum = { statistic: cloudwatch.Stats.SUM, period };
  return new cloudwatch.MathExpression({
    expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
    usingMetrics: { errors: fn.metricErrors(sum), invocations: fn.metricInvocations(sum) },
    period,
    label: 'Error rate (%)',
  });
}

/** A line at the function's timeout, in ms (the unit of Duration): p99 near it means invocations time out. */
function timeoutAnnotation(fn: RustFunction): cloudwatch.HorizontalAnnotation[] {
  if (!fn.timeout || fn.timeout.isUnresolved()) return [];
  return [
    {
      value: fn.timeout.toMilliseconds(),
      label: `Timeout (${fn.timeout.toHumanString()})`,
      color: cloudwatch.Color.RED,
    },
  ];
}
