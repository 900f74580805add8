/**
 * DurationAlarm (lib/alarm/duration-alarm.ts, duration-alarm-options.ts): the p99 duration in percent of the
 * function's timeout, its guard, its actions and name, where the timeout comes from, and every refusal.
 */
import { App, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ENV, expectActionsOnTheOnlyTopic, importedFunctionMetric, importedFunctionStack, nagFindingsOf, onlyResource } from './fixtures';
import { DURATION_ALARM, describeFunctionAlarmRefusals } from './function-alarm-refusals';
import { AlarmTopic, DurationAlarm, DurationAlarmProps } from '../../lib/alarm';
import { expectCdkRustError } from '../support';

/** A DurationAlarm `OrdersDuration` on the imported function (timeout 30 s unless `props` say otherwise). */
function synth(props: Partial<DurationAlarmProps> = {}): { template: Template; stack: Stack; alarm: DurationAlarm } {
  const { stack, fn } = importedFunctionStack();
  const alarm = new DurationAlarm(stack, 'OrdersDuration', { function: fn, timeout: Duration.seconds(30), ...props });
  return { template: Template.fromStack(stack), stack, alarm };
}

/** A stack `Svc` holding an inline Node.js function `Api` with `timeout`. */
function functionStack(timeout?: Duration): { stack: Stack; fn: lambda.Function } {
  const stack = new Stack(new App({ analyticsReporting: false }), 'Svc', { env: ENV });
  const fn = new lambda.Function(stack, 'Api', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
    timeout,
  });
  return { stack, fn };
}

describe('DurationAlarm: alarms on the p99 duration of the function, in percent of its timeout', () => {
  test("it evaluates IF(invocations >= 1, duration, 0) over the function's Duration (p99) and Invocations (Sum)", () => {
    const { properties } = onlyResource(synth().template, 'AWS::CloudWatch::Alarm');
    expect(properties.Metrics).toEqual([
      { Id: expect.any(String), Expression: 'IF(invocations >= 1, duration, 0)', Label: 'p99 duration (ms)', ReturnData: true },
      importedFunctionMetric('duration', 'Duration', 'p99'),
      importedFunctionMetric('invocations', 'Invocations', 'Sum'),
    ]);
  });

  test('by default it fires above 80% of the timeout, in milliseconds, in each of 3 five-minute periods', () => {
    const { properties } = onlyResource(synth().template, 'AWS::CloudWatch::Alarm');
    expect(properties).toMatchObject({
      Threshold: 24000,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
      AlarmName: 'AlarmStack-Orders-Duration',
    });
    expect(properties.AlarmDescription).toMatch(
      /^p99 duration of AlarmStack\/Orders above 24000 ms \(80% of its 30 seconds timeout\) in each of 3 consecutive periods of 5 minutes\. /,
    );
  });

  test('its ALARM and OK actions both go to the topic, and nothing else', () => {
    const { template, stack, alarm } = synth();
    expectActionsOnTheOnlyTopic(template);
    expect(alarm.topic).toBe(AlarmTopic.of(stack).topic);
  });

  test('a topic passed in is notified instead of the shared one', () => {
    const { stack, fn } = importedFunctionStack();
    const topic = new sns.Topic(stack, 'Ops');
    new DurationAlarm(stack, 'D', { function: fn, timeout: Duration.seconds(30), topic });
    const { properties } = onlyResource(Template.fromStack(stack), 'AWS::CloudWatch::Alarm');
    expect(properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Ops/) }]);
  });

  test('custom options reach the alarm', () => {
    const { template, alarm } = synth({
      threshold: 50,
      period: Duration.minutes(1),
      evaluationPeriods: 15,
      datapointsToAlarm: 10,
      minimumInvocations: 20,
      alarmName: 'orders-duration',
      alarmDescription: 'Orders are slow',
    });
    const { properties } = onlyResource(template, 'AWS::CloudWatch::Alarm');
    expect(properties).toMatchObject({
      Threshold: 15000,
      EvaluationPeriods: 15,
      DatapointsToAlarm: 10,
      AlarmName: 'orders-duration',
      AlarmDescription: 'Orders are slow',
    });
    expect(properties.Metrics[0].Expression).toBe('IF(invocations >= 20, duration, 0)');
    expect(properties.Metrics[1].MetricStat.Period).toBe(60);
    expect(alarm.thresholdMillis).toBe(15000);
    expect(alarm.duration.expression).toBe('IF(invocations >= 20, duration, 0)');
  });

  test('the default description says how few invocations count as 0', () => {
    const { properties } = onlyResource(synth({ minimumInvocations: 5 }).template, 'AWS::CloudWatch::Alarm');
    expect(properties.AlarmDescription).toContain('(periods with fewer than 5 invocations count as 0)');
  });
});

describe('DurationAlarm: takes the timeout from the function, or from timeout when it cannot know it', () => {
  test("a lambda.Function's own timeout, named by its path relative to the stack", () => {
    const { stack, fn } = functionStack(Duration.seconds(10));
    new DurationAlarm(fn, 'DurationAlarm', { function: fn });
    const { properties } = onlyResource(Template.fromStack(stack), 'AWS::CloudWatch::Alarm');
    expect(properties).toMatchObject({ Threshold: 8000, AlarmName: 'Svc-Api-Duration' });
  });

  test("Lambda's 3 seconds for a function that sets no timeout", () => {
    const { stack, fn } = functionStack();
    new DurationAlarm(stack, 'D', { function: fn });
    expect(onlyResource(Template.fromStack(stack), 'AWS::CloudWatch::Alarm').properties.Threshold).toBe(2400);
  });

  test("an alias's function's timeout, with the alias's metrics", () => {
    const { stack, fn } = functionStack(Duration.seconds(20));
    const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion });
    new DurationAlarm(stack, 'D', { function: alias });
    const { properties } = onlyResource(Template.fromStack(stack), 'AWS::CloudWatch::Alarm');
    expect(properties.Threshold).toBe(16000);
    expect(properties.Metrics[1].MetricStat.Metric.Dimensions).toContainEqual(expect.objectContaining({ Name: 'Resource' }));
  });

  test('timeout wins over the function’s own', () => {
    const { stack, fn } = functionStack(Duration.seconds(10));
    new DurationAlarm(stack, 'D', { function: fn, timeout: Duration.seconds(100) });
    expect(onlyResource(Template.fromStack(stack), 'AWS::CloudWatch::Alarm').properties.Threshold).toBe(80000);
  });

  test('an imported function without timeout is refused, saying to pass it', () => {
    const { stack, fn } = importedFunctionStack();
    expectCdkRustError(
      () => new DurationAlarm(stack, 'D', { function: fn }),
      'INVALID_PROP',
      'AlarmStack/D: the timeout of function AlarmStack/Orders is unknown (an imported function, or an alias or version of one), ' +
        "and the duration alarm's threshold is a percentage of it.",
      "Fix: Pass the function's timeout as timeout, e.g. timeout: Duration.seconds(30).",
    );
  });

  test('a timeout that is a token is refused', () => {
    const seconds = Lazy.number({ produce: () => 30 });
    expectCdkRustError(
      () => synth({ timeout: Duration.seconds(seconds) }),
      'INVALID_PROP',
      "AlarmStack/OrdersDuration: timeout must be a concrete duration, not a token: the duration alarm's threshold is a percentage of it.",
      'Fix: Pass a literal such as Duration.seconds(30).',
    );
  });
});

describeFunctionAlarmRefusals(DURATION_ALARM);

describe('DurationAlarmOptions: the edges of every range are accepted', () => {
  test('100% of the timeout, and one day of 1-minute periods, are accepted', () => {
    expect(() => synth({ threshold: 100 })).not.toThrow();
    expect(() => synth({ period: Duration.minutes(1), evaluationPeriods: 1440 })).not.toThrow();
  });
});

describe('DurationAlarm: leaves no cdk-nag finding (AwsSolutions + Serverless) unacknowledged', () => {
  test('an imported function with an email-subscribed alarm has no unacknowledged finding', () => {
    const findings = nagFindingsOf((stack, fn) => {
      new DurationAlarm(stack, 'D', { function: fn, timeout: Duration.seconds(30), emailSubscriptions: ['oncall@example.com'] });
    });
    expect(findings).toEqual([]);
  });
});
