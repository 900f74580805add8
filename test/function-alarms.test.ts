/**
 * RustFunction's alarms (lib/function-defaults.ts creates them, lib/function-checks.ts checks their props): the
 * error-rate, duration and throttles alarms, children of the function, notifying one topic, each turned off on its
 * own, and their props refused as written on RustFunction.
 */
import * as path from 'path';
import { App, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { RustFunction, RustFunctionProps } from '../lib';
import { DURATION_ALARM, THROTTLES_ALARM, refusalCases } from './alarm/function-alarm-refusals';
import { FIXTURES, expectCdkRustError } from './support';

const HELLO = path.join(FIXTURES, 'hello', 'Cargo.toml');
const BUNDLING = { builderImage: 'snapshot-builder:1', forceDockerBundling: true };

/** A RustFunction `Svc/Api` with `props`, builds skipped, and its stack's template. */
function stackWith(props: Partial<RustFunctionProps> = {}, extra?: (stack: Stack) => Partial<RustFunctionProps>) {
  const app = new App({ analyticsReporting: false, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Svc', { env: { account: '123456789012', region: 'eu-west-1' } });
  const fn = new RustFunction(stack, 'Api', { manifestPath: HELLO, bundling: BUNDLING, ...props, ...extra?.(stack) });
  return { template: Template.fromStack(stack), fn, stack };
}

/** The alarms of the template, by name. */
function alarmsByName(template: Template): Record<string, any> {
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((r) => r.Properties);
  return Object.fromEntries(alarms.map((a) => [a.AlarmName, a]));
}

describe('RustFunction: an error-rate, a duration and a throttles alarm by default, children of the function', () => {
  test('three alarms with deterministic names, each notifying the shared topic on ALARM and OK', () => {
    const { template, fn } = stackWith();
    const alarms = alarmsByName(template);
    expect(Object.keys(alarms).sort()).toEqual(['Svc-Api-Duration', 'Svc-Api-ErrorRate', 'Svc-Api-Throttles']);
    const topic = Object.keys(template.findResources('AWS::SNS::Topic'));
    expect(topic).toHaveLength(1);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topic[0] }]);
      expect(alarm.OKActions).toEqual([{ Ref: topic[0] }]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
    expect(fn.durationAlarm?.node.scope).toBe(fn);
    expect(fn.throttlesAlarm?.node.scope).toBe(fn);
    expect(fn.durationAlarm?.node.id).toBe('DurationAlarm');
    expect(fn.throttlesAlarm?.node.id).toBe('ThrottlesAlarm');
  });

  test('the duration alarm: p99 above 80% of the default 10 s timeout (8000 ms) in each of 3 five-minute periods', () => {
    const alarm = alarmsByName(stackWith().template)['Svc-Api-Duration'];
    expect(alarm).toMatchObject({
      Threshold: 8000,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
    expect(alarm.Metrics[0].Expression).toBe('IF(invocations >= 1, duration, 0)');
    expect(alarm.Metrics[1].MetricStat).toMatchObject({ Metric: { MetricName: 'Duration' }, Period: 300, Stat: 'p99' });
  });

  test("the duration alarm follows the function's timeout", () => {
    const { template, fn } = stackWith({ timeout: Duration.minutes(1) });
    expect(alarmsByName(template)['Svc-Api-Duration'].Threshold).toBe(48000);
    expect(fn.durationAlarm?.thresholdMillis).toBe(48000);
  });

  test('the throttles alarm: more than 1% of the requests of one 5-minute window', () => {
    const alarm = alarmsByName(stackWith().template)['Svc-Api-Throttles'];
    expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, DatapointsToAlarm: 1 });
    expect(alarm.Metrics[0].Expression).toBe(
      'IF((FILL(invocations, 0) + FILL(throttles, 0)) >= 1, 100 * FILL(throttles, 0) / (FILL(invocations, 0) + FILL(throttles, 0)), 0)',
    );
  });

  test('options reach each alarm', () => {
    const { template } = stackWith({
      durationAlarm: { threshold: 50, period: Duration.minutes(1), evaluationPeriods: 15, minimumInvocations: 10 },
      throttlesAlarm: { threshold: 0, evaluationPeriods: 2, datapointsToAlarm: 1, minimumRequests: 5, alarmName: 'api-throttles' },
    });
    const alarms = alarmsByName(template);
    expect(alarms['Svc-Api-Duration']).toMatchObject({ Threshold: 5000, EvaluationPeriods: 15, DatapointsToAlarm: 15 });
    expect(alarms['Svc-Api-Duration'].Metrics[0].Expression).toBe('IF(invocations >= 10, duration, 0)');
    expect(alarms['api-throttles']).toMatchObject({ Threshold: 0, EvaluationPeriods: 2, DatapointsToAlarm: 1 });
    expect(alarms['api-throttles'].Metrics[0].Expression).toMatch(/^IF\(\(FILL\(invocations, 0\) \+ FILL\(throttles, 0\)\) >= 5, /);
  });

  test('an alarmTopic is notified by all three alarms', () => {
    const { template } = stackWith({}, (stack) => ({ alarmTopic: new sns.Topic(stack, 'Ops') }));
    template.resourceCountIs('AWS::KMS::Key', 0);
    for (const alarm of Object.values(alarmsByName(template))) {
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Ops/) }]);
    }
  });
});

describe('RustFunction: each alarm is turned off on its own with { enabled: false }', () => {
  test.each([
    ['durationAlarm', 'Svc-Api-Duration'],
    ['throttlesAlarm', 'Svc-Api-Throttles'],
  ] as const)('%s: { enabled: false } leaves the two other alarms, and ignores its other options', (prop, name) => {
    const { template, fn } = stackWith({ [prop]: { enabled: false, threshold: 500, period: Duration.seconds(1) } });
    expect(fn[prop]).toBeUndefined();
    const names = Object.keys(alarmsByName(template));
    expect(names).toHaveLength(2);
    expect(names).not.toContain(name);
  });

  test('with the error-rate alarm off, alarmTopic is accepted: the other alarms notify it', () => {
    const { template } = stackWith({ errorRateAlarm: { enabled: false } }, (stack) => ({ alarmTopic: new sns.Topic(stack, 'Ops') }));
    expect(Object.keys(alarmsByName(template)).sort()).toEqual(['Svc-Api-Duration', 'Svc-Api-Throttles']);
  });

  test('with only the throttles alarm on, alarmTopic is accepted', () => {
    expect(() =>
      stackWith({ errorRateAlarm: false, durationAlarm: { enabled: false } }, (stack) => ({ alarmTopic: new sns.Topic(stack, 'Ops') })),
    ).not.toThrow();
  });
});

describe('RustFunction: the alarm props are refused before the build, named as written on the function', () => {
  test.each(
    [DURATION_ALARM, THROTTLES_ALARM].flatMap((alarm) =>
      refusalCases(alarm, `${alarm.functionProp}.`).map(
        ([label, options, problem, fix]): [string, Partial<RustFunctionProps>, string, string] => [
          `${alarm.functionProp} with ${label}`,
          { [alarm.functionProp]: options },
          problem,
          fix,
        ],
      ),
    ),
  )('%s is refused', (_label, props, problem, fix) => {
    expectCdkRustError(() => stackWith(props), 'INVALID_PROP', `Svc/Api: ${problem}`, fix);
  });

  test('a timeout that is a token is refused, saying the duration alarm can be turned off', () => {
    expectCdkRustError(
      () => stackWith({ timeout: Duration.seconds(Lazy.number({ produce: () => 30 })) }),
      'INVALID_PROP',
      "Svc/Api: timeout must be a concrete duration, not a token: the duration alarm's threshold is a percentage of it.",
      'Pass a literal such as Duration.seconds(30), or turn the alarm off with durationAlarm.enabled: false.',
    );
  });

  test('subscriptions of the duration alarm on a FIFO alarmTopic are refused, naming alarmTopic', () => {
    expectCdkRustError(
      () =>
        stackWith({ durationAlarm: { emailSubscriptions: ['oncall@example.com'] } }, (stack) => ({
          alarmTopic: new sns.Topic(stack, 'Fifo', { fifo: true, topicName: 'ops.fifo' }),
        })),
      'INVALID_PROP',
      'alarmTopic Svc/Fifo is a FIFO topic',
      'durationAlarm.emailSubscriptions and durationAlarm.httpsSubscriptions cannot be added to it',
    );
  });
});
