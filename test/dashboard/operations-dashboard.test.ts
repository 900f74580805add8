/**
 * OperationsDashboard: the synthesized DashboardBody, joined and parsed (see dashboard-body.ts), and the template
 * checked by cdk-nag and cfn-lint. Builds are skipped (bundling-stacks is empty).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { OperationsDashboard, RustFunction, RustFunctionProps, RustService } from '../../lib';
import { expectCdkRustError, fixture, nagFindingsFor, tempDir, withoutUnscopableXrayFindings } from '../support';
import { Widget, annotations, dashboardBody, dashboardProps, lines, rows } from './dashboard-body';

const HELLO = fixture('hello');
const ENV = { account: '123456789012', region: 'eu-west-1' };
const NO_BUILD = { 'aws:cdk:bundling-stacks': [] };

function newApp(outdir?: string): App {
  return new App({ analyticsReporting: false, outdir, context: NO_BUILD });
}

function addFunction(scope: Construct, id: string, props: Partial<RustFunctionProps> = {}): RustFunction {
  return new RustFunction(scope, id, {
    manifestPath: HELLO,
    bundling: { builderImage: 'snapshot-builder:1', forceDockerBundling: true },
    ...props,
  });
}

function addService(scope: Construct, id: string): RustService {
  return new RustService(scope, id, { manifestPath: HELLO, bundling: { builderImage: `builder@sha256:${'a'.repeat(64)}` } });
}

/**
 * The stack most tests read: the dashboard first, then a function with a 30 s timeout, a 2% error-rate alarm and
 * its REPORT lines logged (system log level INFO, the default),
 * a service, and a function without error-rate alarm and at system log level WARN, all added after the dashboard; alarms of the test's own
 * under and beside them; and a function in another stack.
 */
function mainStack() {
  const app = newApp();
  const stack = new Stack(app, 'Svc', { env: ENV });
  new OperationsDashboard(stack, 'Dashboard');
  const api = addFunction(stack, 'Api', {
    timeout: Duration.seconds(30),
    errorRateAlarm: { threshold: 2 },
  });
  const web = addService(stack, 'Web');
  const worker = addFunction(stack, 'Worker', { errorRateAlarm: { enabled: false }, systemLogLevelV2: lambda.SystemLogLevel.WARN });
  // A guarded p99 alarm (drawn on the duration graph), one no graph shows, and one beside the function.
  new cloudwatch.Alarm(worker, 'SlowP99', {
    metric: new cloudwatch.MathExpression({
      expression: 'IF(invocations >= 10, duration, 0)',
      usingMetrics: { invocations: worker.metricInvocations(), duration: worker.metricDuration({ statistic: 'p99' }) },
    }),
    threshold: 2500,
    evaluationPeriods: 1,
  });
  new cloudwatch.Alarm(worker, 'IteratorAge', { metric: worker.metric('IteratorAge'), threshold: 60_000, evaluationPeriods: 1 });
  new cloudwatch.Alarm(stack, 'WorkerThrottles', { metric: worker.metricThrottles(), threshold: 3, evaluationPeriods: 1 });
  addFunction(new Stack(app, 'Other', { env: ENV }), 'Elsewhere');
  const template = Template.fromStack(stack);
  return { app, stack, api, web, worker, template, body: dashboardBody(template) };
}

let main: ReturnType<typeof mainStack>;
beforeAll(() => {
  main = mainStack();
});

function row(header: RegExp): Widget[] {
  const found = rows(main.body.widgets).find((r) => header.test(r.header));
  if (!found) throw new Error(`no row ${header}`);
  return found.widgets;
}

function graph(rowWidgets: Widget[], title: string): Widget {
  const found = rowWidgets.find((w) => w.properties.title === title);
  if (!found) throw new Error(`no widget ${title}`);
  return found;
}

describe('OperationsDashboard: a row per function and per service of its own stack, found at synthesis', () => {
  test('functions come first, then services, each in the order added, including those added after the dashboard', () => {
    expect(rows(main.body.widgets).map((r) => r.header)).toEqual([
      '### Function Api: `${ApiF70053CD}`',
      expect.stringMatching(/^### Function Worker: `\$\{Worker[0-9A-F]{8}\}`$/),
      '### Service Web: `${WebServiceD04B5F3E.Name}`',
    ]);
  });

  test('functions of other stacks are not on it', () => {
    expect(JSON.stringify(main.body)).not.toMatch(/Elsewhere/);
  });

  test('rows are laid out top to bottom, without overlap, on the 24 columns of a dashboard', () => {
    const cells = new Set<string>();
    for (const w of main.body.widgets) {
      expect(w.x + w.width).toBeLessThanOrEqual(24);
      for (let x = w.x; x < w.x + w.width; x++) {
        for (let y = w.y; y < w.y + w.height; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  test('synthesizing the same app again gives the same body', () => {
    const again = dashboardProps(Template.fromStack(main.stack));
    expect(again).toEqual(dashboardProps(main.template));
    expect(dashboardProps(Template.fromStack(mainStack().stack))).toEqual(dashboardProps(main.template));
  });

  test('functions and services, when given, replace discovery: only those, in that order', () => {
    const app = newApp();
    const stack = new Stack(app, 'Picked');
    const first = addFunction(stack, 'First');
    const second = addFunction(stack, 'Second');
    new OperationsDashboard(stack, 'Dashboard', { functions: [second, first], services: [] });
    addService(stack, 'Ignored');
    const headers = rows(dashboardBody(Template.fromStack(stack)).widgets).map((r) => r.header);
    expect(headers.map((h) => h.split(':')[0])).toEqual(['### Function Second', '### Function First']);
  });

  test('a function of another stack in functions is refused, naming it', () => {
    const app = newApp();
    const elsewhere = addFunction(new Stack(app, 'A'), 'Elsewhere');
    expectCdkRustError(
      () => new OperationsDashboard(new Stack(app, 'B'), 'Dashboard', { functions: [elsewhere] }),
      'INVALID_PROP',
      'A/Elsewhere',
      "not in the dashboard's stack B",
    );
  });
});

describe('OperationsDashboard: the row of a function', () => {
  test('invocations, errors with the error rate, p50 and p99 duration, throttles, concurrency, init duration', () => {
    const widgets = row(/Function Api/);
    expect(widgets.slice(0, 6).map((w) => [w.type, w.properties.title])).toEqual([
      ['metric', 'Invocations'],
      ['metric', 'Errors'],
      ['metric', 'Duration (ms)'],
      ['metric', 'Throttles'],
      ['metric', 'Concurrent executions'],
      ['log', 'Init duration (ms), cold starts'],
    ]);
    expect(widgets.slice(0, 5).map(lines)).toEqual([
      ['Invocations Sum'],
      ['Errors Sum', 'expression: IF(invocations >= 1, 100 * errors / invocations, 0)'],
      ['Duration p50', 'Duration p99'],
      ['Throttles Sum'],
      ['ConcurrentExecutions Maximum'],
    ]);
    for (const w of widgets.filter((g) => g.type === 'metric' && !g.properties.title.startsWith('Alarm '))) {
      for (const m of w.properties.metrics.filter((line: unknown[]) => typeof line[0] === 'string')) {
        expect(m.slice(0, 4)).toEqual(['AWS/Lambda', m[1], 'FunctionName', '${ApiF70053CD}']);
      }
    }
  });

  test('the duration graph has a red line at the timeout, in milliseconds', () => {
    const duration = graph(row(/Function Api/), 'Duration (ms)');
    expect(duration.properties.annotations.horizontal).toContainEqual({
      value: 30_000,
      label: 'Timeout (30 seconds)',
      color: '#d62728',
      yAxis: 'left',
    });
  });

  test("the error rate is what the error-rate alarm evaluates, with the alarm's threshold on its axis", () => {
    const errors = graph(row(/Function Api/), 'Errors');
    expect(errors.properties.metrics[1][0]).toEqual({
      label: 'Error rate (%)',
      expression: 'IF(invocations >= 1, 100 * errors / invocations, 0)',
      yAxis: 'right',
    });
    expect(annotations(errors)).toEqual(['right 2']);
  });

  test('without an error-rate alarm, the rate is computed at the dashboard period, with no threshold', () => {
    const errors = graph(row(/Function Worker/), 'Errors');
    expect(lines(errors)).toEqual(['Errors Sum', 'expression: IF(invocations > 0, 100 * errors / invocations, 0)']);
    expect(annotations(errors)).toEqual([]);
  });

  test("init duration is a Logs Insights query on the function's log group, for JSON and text REPORT lines", () => {
    const logGroup = main.stack.getLogicalId((main.api.functionLogGroup as logs.LogGroup).node.defaultChild as logs.CfnLogGroup);
    const query: string = graph(row(/Function Api/), 'Init duration (ms), cold starts').properties.query;
    expect(query.split('\n')).toEqual([
      `SOURCE '\${${logGroup}}' | filter type = "platform.report" or @type = "REPORT"`,
      '| fields coalesce(record.metrics.initDurationMs, @initDuration) as initDurationMs',
      '| filter ispresent(initDurationMs)',
      '| stats count(*) as coldStarts, pct(initDurationMs, 50) as p50, pct(initDurationMs, 99) as p99, max(initDurationMs) as maximum by bin(5m)',
    ]);
  });

  test('with JSON logs at system level WARN, where REPORT records are filtered, it says how to see them', () => {
    const widget = row(/Function Worker/)[5];
    expect(widget.type).toBe('text');
    expect(widget.properties.markdown).toContain('`systemLogLevelV2: lambda.SystemLogLevel.INFO`');
  });

  test('a function without a dead-letter target or asynchronous invoke settings has no asynchronous events graph', () => {
    for (const name of [/Function Api/, /Function Worker/]) {
      expect(row(name).map((w) => w.properties.title)).not.toContain('Asynchronous events');
    }
  });

  test.each([
    ['a dead-letter queue', { deadLetterQueueEnabled: true }],
    ['retry settings', { retryAttempts: 0 }],
  ])('a function with %s gets its asynchronous events: received, dropped, dead-letter and destination failures, p99 age', (_, props) => {
    const app = newApp();
    const stack = new Stack(app, 'Async', { env: ENV });
    new OperationsDashboard(stack, 'Dashboard');
    addFunction(stack, 'Consumer', props);
    const [consumer] = rows(dashboardBody(Template.fromStack(stack)).widgets);
    const events = consumer.widgets.find((w) => w.properties.title === 'Asynchronous events')!;
    expect(consumer.widgets.indexOf(events)).toBe(6);
    expect(lines(events)).toEqual([
      'AsyncEventsReceived Sum',
      'AsyncEventsDropped Sum',
      'DeadLetterErrors Sum',
      'DestinationDeliveryFailures Sum',
      'AsyncEventAge p99',
    ]);
    expect(events.properties.metrics[4][4]).toMatchObject({ yAxis: 'right' });
  });
});

describe('OperationsDashboard: the row of a service', () => {
  test('requests, 5xx responses with the 5xx rate, p50 and p99 response time, targets, CPU and memory', () => {
    const widgets = row(/Service Web/);
    expect(widgets.slice(0, 6).map((w) => [w.properties.title, lines(w)])).toEqual([
      ['Requests', ['RequestCount Sum']],
      [
        '5xx responses',
        [
          'HTTPCode_Target_5XX_Count Sum',
          'HTTPCode_ELB_5XX_Count Sum',
          'expression: IF(requests >= 1, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)',
        ],
      ],
      ['Target response time (s)', ['TargetResponseTime p50', 'TargetResponseTime p99']],
      ['Targets', ['HealthyHostCount Minimum', 'UnHealthyHostCount Maximum']],
      ['CPU utilization (%)', ['CPUUtilization Average', 'CPUUtilization Maximum']],
      ['Memory utilization (%)', ['MemoryUtilization Average', 'MemoryUtilization Maximum']],
    ]);
  });

  test('the thresholds of its alarms are drawn on the graphs of their metrics', () => {
    const widgets = row(/Service Web/);
    expect(annotations(graph(widgets, '5xx responses'))).toEqual(['right 5']);
    expect(annotations(graph(widgets, 'Targets'))).toEqual(['left 1']);
    expect(annotations(graph(widgets, 'CPU utilization (%)'))).toEqual(['left 80']);
    expect(annotations(graph(widgets, 'Memory utilization (%)'))).toEqual(['left 80']);
  });

  test('CPU and memory use the dimensions of the service, as its alarms do', () => {
    const cpu = graph(row(/Service Web/), 'CPU utilization (%)');
    expect(cpu.properties.metrics[0].slice(0, 6)).toEqual([
      'AWS/ECS',
      'CPUUtilization',
      'ClusterName',
      expect.stringMatching(/^\$\{WebCluster[0-9A-F]{8}\}$/),
      'ServiceName',
      '${WebServiceD04B5F3E.Name}',
    ]);
  });
});

/** How the dashboard cites the alarm with logical id `id`, as dashboardBody renders references. */
function arnByName(id: string): string {
  return `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:\${${id}}`;
}

describe('OperationsDashboard: the alarms on it', () => {
  test('the status widget lists every alarm of the stack, once, since each is under or about a function or service', () => {
    const [status] = main.body.widgets;
    expect(status.type).toBe('alarm');
    const listed: string[] = status.properties.alarms;
    const all = Object.keys(main.template.findResources('AWS::CloudWatch::Alarm')).map(arnByName);
    expect([...listed].sort()).toEqual(all.sort());
    expect(new Set(listed).size).toBe(listed.length);
  });

  test('an alarm on a guarded metric is drawn on the graph of that metric', () => {
    expect(annotations(graph(row(/Function Worker/), 'Duration (ms)'))).toEqual(expect.arrayContaining(['left 10000', 'left 2500']));
  });

  test('an alarm beside the function that watches a metric of its row is drawn there', () => {
    expect(annotations(graph(row(/Function Worker/), 'Throttles'))).toContain('left 3');
  });

  test('an alarm whose metric no graph shows gets a graph of its own in the row', () => {
    const own = graph(row(/Function Worker/), 'Alarm IteratorAge');
    const id = Object.keys(main.template.findResources('AWS::CloudWatch::Alarm')).find((key) => key.startsWith('WorkerIteratorAge'));
    expect(own.properties.annotations.alarms).toEqual([arnByName(id!)]);
  });

  test("alarms are cited by an ARN built from the alarm's name (its Ref), never by Fn::GetAtt Arn, which moto cannot resolve", () => {
    const template = JSON.stringify(main.template.toJSON());
    const alarms = Object.keys(main.template.findResources('AWS::CloudWatch::Alarm'));
    for (const id of alarms) expect(template).not.toContain(`{"Fn::GetAtt":["${id}","Arn"]}`);
    expect(main.body.widgets[0].properties.alarms).toContain(arnByName(alarms[0]));
  });
});

describe('OperationsDashboard: its name, its region, its period', () => {
  test('the default name is the stack name, then cdk-rust, then the region as the AWS::Region reference', () => {
    expect(dashboardProps(main.template).DashboardName).toEqual({ 'Fn::Join': ['', ['Svc-cdk-rust-', { Ref: 'AWS::Region' }]] });
  });

  test('dashboardName replaces it; a name CloudWatch would refuse is refused, naming the prop', () => {
    const stack = new Stack(newApp(), 'Named');
    addFunction(stack, 'Api');
    new OperationsDashboard(stack, 'Dashboard', { dashboardName: 'orders_ops-1' });
    expect(dashboardProps(Template.fromStack(stack)).DashboardName).toBe('orders_ops-1');
    expectCdkRustError(() => new OperationsDashboard(stack, 'Bad', { dashboardName: 'orders ops' }), 'INVALID_PROP', 'dashboardName');
  });

  test('the template names no region and no account, though the stack has both: widgets read AWS::Region', () => {
    const text = JSON.stringify(dashboardProps(main.template));
    expect(text).not.toContain(ENV.region);
    expect(text).not.toContain(ENV.account);
    const regional = main.body.widgets.filter((w) => w.type === 'metric' || w.type === 'log');
    expect(regional.map((w) => w.properties.region)).toEqual(regional.map(() => '${AWS::Region}'));
  });

  test('period sets the period of the graphs and the bins of the query; the alarm keeps its own', () => {
    const stack = new Stack(newApp(), 'Minutely');
    // Text logs: REPORT lines are always written, so the query is there.
    addFunction(stack, 'Api', { loggingFormat: lambda.LoggingFormat.TEXT });
    new OperationsDashboard(stack, 'Dashboard', { period: Duration.minutes(1) });
    const widgets = rows(dashboardBody(Template.fromStack(stack)).widgets)[0].widgets;
    expect(graph(widgets, 'Invocations').properties.metrics[0][4]).toMatchObject({ period: 60 });
    expect(graph(widgets, 'Init duration (ms), cold starts').properties.query).toMatch(/by bin\(1m\)$/);
    expect(graph(widgets, 'Errors').properties.metrics[1][0]).not.toHaveProperty('period', 60);
  });

  test('a period that is not a whole number of minutes is refused', () => {
    const stack = new Stack(newApp(), 'Odd');
    expectCdkRustError(() => new OperationsDashboard(stack, 'Dashboard', { period: Duration.seconds(90) }), 'INVALID_PROP', 'period');
  });
});

describe('OperationsDashboard: an empty stack, and widgets of your own', () => {
  test('a stack without functions or services gets a dashboard that says so, and a synth warning', () => {
    const stack = new Stack(newApp(), 'Empty');
    new OperationsDashboard(stack, 'Dashboard');
    const { widgets } = dashboardBody(Template.fromStack(stack));
    expect(widgets).toHaveLength(1);
    expect(widgets[0].properties.markdown).toMatch(/^No RustFunction or RustService in stack Empty/);
    Annotations.fromStack(stack).hasWarning('/Empty/Dashboard', Match.stringLikeRegexp('No RustFunction or RustService'));
  });

  test('widgets added to the dashboard go below the rows', () => {
    const stack = new Stack(newApp(), 'Mine');
    const ops = new OperationsDashboard(stack, 'Dashboard');
    ops.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: 'runbook', width: 24, height: 2 }));
    addFunction(stack, 'Api');
    const { widgets } = dashboardBody(Template.fromStack(stack));
    const mine = widgets[widgets.length - 1];
    expect(mine.properties.markdown).toBe('runbook');
    expect(mine.y).toBe(Math.max(...widgets.slice(0, -1).map((w) => w.y + w.height)));
  });
});

describe('OperationsDashboard: cdk-nag and cfn-lint', () => {
  test('no cdk-nag finding (AwsSolutions, Serverless) with a function, a service and the dashboard', () => {
    const findings = nagFindingsFor((app) => {
      const stack = new Stack(app, 'Svc', { env: ENV });
      new OperationsDashboard(stack, 'Dashboard');
      addFunction(stack, 'Api');
      addService(stack, 'Web');
    }, NO_BUILD);
    expect(withoutUnscopableXrayFindings(findings)).toEqual([]);
  });

  test('cfn-lint finds nothing in the synthesized template', () => {
    const outdir = tempDir('dashboard-lint');
    const app = newApp(outdir);
    // Without an environment: a VPC in a stack with one looks its availability zones up, which cfn-lint flags
    // as hard-coded (W3010) when the lookup is not made, as here.
    const stack = new Stack(app, 'Svc');
    new OperationsDashboard(stack, 'Dashboard');
    addFunction(stack, 'Api');
    addService(stack, 'Web');
    app.synth();
    const lint = spawnSync('cfn-lint', [path.join(outdir, 'Svc.template.json')], {
      cwd: path.join(__dirname, '..', '..'),
      encoding: 'utf-8',
    });
    expect(lint.error).toBeUndefined();
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });
});
