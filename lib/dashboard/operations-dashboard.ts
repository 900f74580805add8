/**
 * OperationsDashboard: one CloudWatch dashboard for the RustFunctions and RustServices of a stack, with their
 * alarms, found when the stack is synthesized.
 */
import { AspectPriority, Aspects, Annotations, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct, IConstruct } from 'constructs';
import { CdkRustError } from '../errors';
import type { RustFunction } from '../function';
import type { RustService } from '../service/rust-service';
import { alarmByName } from './alarm-by-name';
import { AlarmCandidates, KeyedAlarm, alarmGraph, keyAlarms } from './annotated-graph';
import { checkDashboardName, defaultDashboardName } from './dashboard-name';
import { DiscoveredWidgets } from './discovered-widgets';
import { functionRow } from './function-row';
import { serviceRow } from './service-row';
import { alarmsUnder, metricAlarmsOf, outside, pathBelow, stackMembers } from './stack-members';

/** The period of the dashboard's graphs unless `period` is set: five minutes. */
export const DEFAULT_DASHBOARD_PERIOD = Duration.minutes(5);

/** CloudWatch shows at most 100 alarms in one alarm status widget. */
const MAX_ALARMS_PER_STATUS_WIDGET = 100;

/** Properties of an {@link OperationsDashboard}. */
export interface OperationsDashboardProps {
  /**
   * The dashboard's name: 1 to 255 letters, digits, `-` and `_`, unique in the account (dashboards are not
   * regional).
   *
   * @default - `<stack name>-cdk-rust-<region>`, the region being the stack's `AWS::Region`, so that one stack
   * deployed to two regions of an account gets two dashboards
   */
  readonly dashboardName?: string;

  /**
   * The functions that get a row, in this order. Each must be in the dashboard's stack.
   *
   * @default - every RustFunction of the stack when it is synthesized (including those added after the
   * dashboard), in the order they were added; functions of other stacks, nested stacks included, are left out
   */
  readonly functions?: RustFunction[];

  /**
   * The services that get a row, in this order, after the functions. Each must be in the dashboard's stack.
   *
   * @default - every RustService of the stack when it is synthesized (including those added after the
   * dashboard), in the order they were added
   */
  readonly services?: RustService[];

  /**
   * The period of the graphs: the window each point sums or aggregates. A whole number of minutes.
   *
   * The error-rate and 5xx-rate lines of a function or service with that alarm are drawn at the alarm's own
   * period, so that the line and the alarm's threshold compare the same numbers.
   *
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
}

/**
 * One CloudWatch dashboard for the RustFunctions and RustServices of a stack.
 *
 * It is made of, from the top: an alarm status widget with every alarm under those functions and services (and
 * every other alarm of the stack that watches a metric the dashboard draws); a row per function (invocations;
 * errors and error rate; p50 and p99 duration with a line at the timeout; throttles; maximum concurrent executions;
 * cold starts and init duration from the function's log group, with Logs Insights; received, dropped and failed
 * asynchronous events and their age, for a function with a dead-letter target or asynchronous invoke settings); a
 * row per service (requests;
 * 5xx responses and 5xx rate; p50 and p99 target response time; healthy and unhealthy targets; CPU and memory).
 * Each alarm's threshold is drawn on the graph that shows its metric.
 *
 * The functions, services and alarms are found when the stack is synthesized, so constructs added after the
 * dashboard, by any code or Aspect, are on it. A stack with none gets a dashboard saying so, and a synth warning.
 * Metrics and queries use the stack's own region (`AWS::Region`); the template names no region or account.
 * Dashboards beyond the free tier's three cost money each month: create one per stack you watch.
 *
 * @example
 * new OperationsDashboard(this, 'Dashboard');
 */
export class OperationsDashboard extends Construct {
  /** The period of the dashboard's graphs unless `period` is set: five minutes. */
  public static readonly DEFAULT_PERIOD: Duration = DEFAULT_DASHBOARD_PERIOD;

  /** The CloudWatch dashboard: add widgets of your own with `dashboard.addWidgets`; they go below the rows. */
  public readonly dashboard: cloudwatch.Dashboard;

  private readonly props: OperationsDashboardProps;
  private readonly period: Duration;

  /**
   * @param scope the construct to create the dashboard in; it shows the functions and services of its stack
   * @param id the construct id, unique within `scope`
   * @param props which functions and services, the period of the graphs and the dashboard's name
   */
  constructor(scope: Construct, id: string, props: OperationsDashboardProps = {}) {
    super(scope, id);
    this.props = props;
    const stack = Stack.of(this);
    this.period = resolvePeriod(props.period ?? DEFAULT_DASHBOARD_PERIOD, this.node.path);
    if (props.dashboardName !== undefined) checkDashboardName(props.dashboardName, this.node.path);
    refuseOtherStacks([...(props.functions ?? []), ...(props.services ?? [])], stack, this.node.path);

    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: props.dashboardName ?? defaultDashboardName(stack),
      periodOverride: cloudwatch.PeriodOverride.INHERIT,
    });
    this.dashboard.addWidgets(new DiscoveredWidgets(() => this.content()));
    // Once per synthesis, after every Aspect that may add constructs (read-only Aspects run last).
    Aspects.of(this).add(
      {
        visit: (node) => {
          if (node === this) this.warnIfEmpty();
        },
      },
      { priority: AspectPriority.READONLY },
    );
  }

  /** The functions and services on the dashboard, as the tree is now. */
  private members(): { functions: RustFunction[]; services: RustService[] } {
    const found = stackMembers(Stack.of(this));
    return { functions: this.props.functions ?? found.functions, services: this.props.services ?? found.services };
  }

  /** The alarm status widgets, then a row per function and per service; or a note that there is nothing. */
  private content(): cloudwatch.IWidget {
    const stack = Stack.of(this);
    const { functions, services } = this.members();
    if (functions.length + services.length === 0) {
      return new cloudwatch.TextWidget({ markdown: emptyMessage(stack), width: cloudwatch.GRID_WIDTH, height: 2 });
    }
    const keyed = keyAlarms(metricAlarmsOf(stack), stack);
    const listed: cloudwatch.AlarmBase[] = [];
    const rows = [
      ...functions.map((fn) => memberRow(fn, (alarms) => functionRow(fn, this.period, alarms), keyed, listed)),
      ...services.map((service) => memberRow(service, (alarms) => serviceRow(service, this.period, alarms), keyed, listed)),
    ];
    return new cloudwatch.Column(...statusWidgets(listed), ...rows);
  }

  private warnIfEmpty(): void {
    const { functions, services } = this.members();
    if (functions.length + services.length > 0) return;
    Annotations.of(this).addWarningV2('cdk-rust:emptyDashboard', emptyMessage(Stack.of(this)));
  }
}

/**
 * The row of `member` built by `build`, then a graph for each alarm under it whose metric none of the row's graphs
 * shows; adds the alarms under it and those its graphs drew to `listed` (once each), for the status widget.
 */
function memberRow(
  member: IConstruct,
  build: (alarms: AlarmCandidates) => cloudwatch.IWidget[],
  keyed: KeyedAlarm[],
  listed: cloudwatch.AlarmBase[],
): cloudwatch.IWidget {
  const alarms = new AlarmCandidates(keyed, Stack.of(member));
  const graphs = build(alarms);
  const under = alarmsUnder(member);
  const own = under
    .filter((a): a is cloudwatch.Alarm => a instanceof cloudwatch.Alarm && !alarms.drawn.includes(a))
    .map((a) => alarmGraph(a, `Alarm ${pathBelow(a, member)}`));
  for (const alarm of [...under, ...alarms.drawn]) if (!listed.includes(alarm)) listed.push(alarm);
  return new cloudwatch.Row(...graphs, ...own);
}

function emptyMessage(stack: Stack): string {
  return (
    `No RustFunction or RustService in stack ${stack.node.path}: the dashboard has nothing to show. ` +
    'Add them to this stack (functions and services of other stacks are not shown), or remove the dashboard.'
  );
}

/** One alarm status widget per 100 alarms, as tall as the alarms need; none without alarms. */
function statusWidgets(alarms: cloudwatch.AlarmBase[]): cloudwatch.IWidget[] {
  const widgets: cloudwatch.IWidget[] = [];
  for (let i = 0; i < alarms.length; i += MAX_ALARMS_PER_STATUS_WIDGET) {
    const chunk = alarms.slice(i, i + MAX_ALARMS_PER_STATUS_WIDGET);
    widgets.push(
      new cloudwatch.AlarmStatusWidget({
        title: i === 0 ? 'Alarms' : `Alarms (continued)`,
        alarms: chunk.map(alarmByName),
        width: cloudwatch.GRID_WIDTH,
        height: Math.max(3, 1 + Math.ceil(chunk.length / 4)),
        sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
      }),
    );
  }
  return widgets;
}

/** A concrete, whole number of minutes: the period CloudWatch graphs Lambda, ELB and ECS metrics at. */
function resolvePeriod(period: Duration, constructPath: string): Duration {
  const millis = period.isUnresolved() ? NaN : period.toMilliseconds();
  if (!(millis >= 60_000 && millis % 60_000 === 0)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `period must be a concrete, whole number of minutes (at least 1), got ${period.isUnresolved() ? 'a token' : period.toHumanString()}.`,
      'Pass e.g. Duration.minutes(1) or Duration.minutes(5).',
      constructPath,
    );
  }
  return period;
}

/** Functions and services of other stacks would be drawn from another stack's region and account: refused. */
function refuseOtherStacks(given: IConstruct[], stack: Stack, constructPath: string): void {
  const others = outside(given, stack);
  if (others.length > 0) {
    throw new CdkRustError(
      'INVALID_PROP',
      `${others.map((c) => c.node.path).join(', ')} ${others.length === 1 ? 'is' : 'are'} not in the dashboard's stack ` +
        `${stack.node.path} (functions and services lists only take constructs of the same stack).`,
      "Create an OperationsDashboard in each stack, or leave functions and services out to show all of the stack's.",
      constructPath,
    );
  }
}
