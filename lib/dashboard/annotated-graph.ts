/**
 * A graph of the dashboard, with the threshold of every alarm that watches one of its metrics drawn on the axis of
 * that metric, and the alarms it drew recorded so that the alarm status widget lists them too.
 */
import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { alarmByName } from './alarm-by-name';
import { measuredMetric, metricKey } from './metric-key';

/** The width of one graph: three side by side on the 24 columns of a dashboard. */
export const GRAPH_WIDTH = 8;
/** The height of one graph. */
export const GRAPH_HEIGHT = 6;

/** What one graph shows. */
export interface GraphSpec {
  readonly title: string;
  readonly left: cloudwatch.IMetric[];
  readonly right?: cloudwatch.IMetric[];
  readonly leftLabel?: string;
  readonly rightLabel?: string;
  /** Lines of the graph's own, drawn before the alarms' thresholds (e.g. the function's timeout). */
  readonly leftAnnotations?: cloudwatch.HorizontalAnnotation[];
  /** The range of the left axis, e.g. 0 to 100 for utilization. */
  readonly leftMax?: number;
}

/** An alarm and the key of the metric it watches. */
export interface KeyedAlarm {
  readonly key: string;
  readonly alarm: cloudwatch.Alarm;
}

/** The keys of the metrics `alarms` watch, computed once per rendering and shared by every row. */
export function keyAlarms(alarms: cloudwatch.Alarm[], stack: Stack): KeyedAlarm[] {
  return alarms.flatMap((alarm) => {
    const key = metricKey(measuredMetric(alarm.metric), stack);
    return key === undefined ? [] : [{ key, alarm }];
  });
}

/** The alarms a row may draw, and those it drew (in the order drawn). */
export class AlarmCandidates {
  public readonly drawn: cloudwatch.Alarm[] = [];

  constructor(
    private readonly keyed: KeyedAlarm[],
    private readonly stack: Stack,
  ) {}

  /** The threshold lines of the alarms that watch one of `metrics`, recording those alarms as drawn. */
  public annotationsFor(metrics: cloudwatch.IMetric[]): cloudwatch.HorizontalAnnotation[] {
    const keys = new Set(metrics.map((m) => metricKey(m, this.stack)).filter((k) => k !== undefined));
    const matching = this.keyed.filter((k) => keys.has(k.key)).map((k) => k.alarm);
    matching.filter((alarm) => !this.drawn.includes(alarm)).forEach((alarm) => this.drawn.push(alarm));
    return matching.map((alarm) => alarm.toAnnotation());
  }
}

/** The graph of an alarm that no graph of its row shows: its metric and its threshold, titled after its path. */
export function alarmGraph(alarm: cloudwatch.Alarm, title: string): cloudwatch.AlarmWidget {
  return new cloudwatch.AlarmWidget({
    alarm: alarmByName(alarm),
    title,
    width: GRAPH_WIDTH,
    height: GRAPH_HEIGHT,
    leftYAxis: { min: 0, showUnits: false },
  });
}

/** The graph of `spec`, with the thresholds of the alarms among `alarms` that watch its metrics. */
export function annotatedGraph(spec: GraphSpec, alarms: AlarmCandidates): cloudwatch.GraphWidget {
  const right = spec.right ?? [];
  const rightAnnotations = alarms.annotationsFor(right);
  return new cloudwatch.GraphWidget({
    title: spec.title,
    width: GRAPH_WIDTH,
    height: GRAPH_HEIGHT,
    left: spec.left,
    right,
    leftAnnotations: [...(spec.leftAnnotations ?? []), ...alarms.annotationsFor(spec.left)],
    rightAnnotations,
    leftYAxis: { label: spec.leftLabel, showUnits: false, min: 0, max: spec.leftMax },
    rightYAxis: right.length > 0 ? { label: spec.rightLabel, showUnits: false, min: 0 } : undefined,
  });
}
