/**
 * Reading a synthesized OperationsDashboard: its DashboardBody is an Fn::Join of JSON text and CloudFormation
 * references, which these helpers join into one JSON document, each reference written as `${LogicalId}`,
 * `${LogicalId.Attribute}` or `${<other intrinsic, quotes as '>}` (text without quotes, so the JSON stays valid).
 */
import { Template } from 'aws-cdk-lib/assertions';

/** One widget of a dashboard body. */
export interface Widget {
  readonly type: 'metric' | 'log' | 'alarm' | 'text';
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: any;
}

/** A reference as text, e.g. `${ApiF70053CD}` or `${ApiErrorRateAlarmA9C09EBF.Arn}`. */
export function referenceText(part: any): string {
  if (typeof part === 'string') return part;
  if (part.Ref !== undefined) return `\${${part.Ref}}`;
  if (part['Fn::GetAtt'] !== undefined) return `\${${part['Fn::GetAtt'].join('.')}}`;
  return `\${${JSON.stringify(part).replace(/"/g, "'")}}`;
}

/** The properties of the stack's only dashboard. */
export function dashboardProps(template: Template): any {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  return dashboards[0].Properties;
}

/** The body of the stack's only dashboard, parsed. */
export function dashboardBody(template: Template): { widgets: Widget[]; periodOverride?: string } {
  const body = dashboardProps(template).DashboardBody;
  const text = typeof body === 'string' ? body : (body['Fn::Join'][1] as unknown[]).map(referenceText).join('');
  return JSON.parse(text);
}

/** The widgets of each row: a row starts at its header (a text widget `### ...`) and ends before the next. */
export function rows(widgets: Widget[]): Array<{ header: string; widgets: Widget[] }> {
  const out: Array<{ header: string; widgets: Widget[] }> = [];
  for (const widget of widgets) {
    if (widget.type === 'text' && String(widget.properties.markdown).startsWith('### '))
      out.push({ header: widget.properties.markdown, widgets: [] });
    else if (out.length > 0) out[out.length - 1].widgets.push(widget);
  }
  return out;
}

/** Each metric line of a graph as `<MetricName> <stat>`, or `expression: <text>` for math. */
export function lines(widget: Widget): string[] {
  return (widget.properties.metrics as any[][])
    .filter((m) => (m[m.length - 1] as any)?.visible !== false)
    .map((m) => {
      const options = typeof m[m.length - 1] === 'object' ? (m[m.length - 1] as any) : {};
      if (options.expression) return `expression: ${options.expression}`;
      return `${m[1]} ${options.stat ?? 'Average'}`;
    });
}

/** The horizontal annotations of a graph as `<axis> <value>`. */
export function annotations(widget: Widget): string[] {
  return (widget.properties.annotations?.horizontal ?? []).map((a: any) => `${a.yAxis} ${a.value}`);
}
