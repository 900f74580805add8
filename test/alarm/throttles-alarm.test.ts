/**
 * ThrottlesAlarm (lib/alarm/throttles-alarm.ts, throttles-alarm-options.ts): the throttle rate in percent of the
 * function's requests, its guard, its actions and name, and every refusal.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ENV, expectActionsOnTheOnlyTopic, importedFunctionMetric, importedFunctionStack, nagFindingsOf, onlyResource } from './fixtures';
import { THROTTLES_ALARM, describeFunctionAlarmRefusals } from './function-alarm-refusals';
import { AlarmTopic, ThrottlesAlarm, ThrottlesAlarmProps } from '../../lib/alarm';

/** A ThrottlesAlarm `OrdersThrottles` on the imported function. */
function synth(props: Partial<ThrottlesAlarmProps> = {}): { template: Template; stack: Stack; alarm: ThrottlesAlarm } {
  const { stack, fn } = importedFunctionStack();
  const alarm = new ThrottlesAlarm(stack, 'OrdersThrottles', { function: fn, ...props });
  return { template: Template.fromStack(stack), stack, alarm };
}

const DEFAULT_EXPRESSION =
  'IF((FILL(invocations, 0) + FILL(throttles, 0)) >= 1, 100 * FILL(throttles, 0) / (FILL(invocations, 0) + FILL(throttles, 0)), 0)';

describe('ThrottlesAlarm: alarms on the throttle rate of the function, in percent of invocations plus throttles', () => {
  test("it evaluates the guarded rate over the function's Throttles and Invocations, Sum per 5 minutes, filled with 0", () => {
    const { properties } = onlyResource(synth().template, 'AWS::CloudWatch::Alarm');
    expect(properties.Metrics).toEqual([
      { Id: expect.any(String), Expression: DEFAULT_EXPRESSION, Label: 'Throttle rate (%)', ReturnData: true },
      importedFunctionMetric('throttles', 'Throttles', 'Sum'),
      importedFunctionMetric('invocations', 'Invocations', 'Sum'),
    ]);
  });

  test('by default it fires above 1% in one 5-minute window, and missing data is not breaching', () => {
    const { properties } = onlyResource(synth().template, 'AWS::CloudWatch::Alarm');
    expect(properties).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      AlarmName: 'AlarmStack-Orders-Throttles',
    });
    expect(properties.AlarmDescription).toMatch(/^Throttle rate of AlarmStack\/Orders above 1% over 5 minutes: /);
  });

  test('its ALARM and OK actions both go to the topic, and nothing else', () => {
    const { template, stack, alarm } = synth();
    expectActionsOnTheOnlyTopic(template);
    expect(alarm.topic).toBe(AlarmTopic.of(stack).topic);
  });

  test('custom options reach the alarm', () => {
    const { template, alarm } = synth({
      threshold: 0,
      period: Duration.minutes(1),
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      minimumRequests: 10,
      alarmName: 'orders-throttles',
    });
    const { properties } = onlyResource(template, 'AWS::CloudWatch::Alarm');
    expect(properties).toMatchObject({ Threshold: 0, EvaluationPeriods: 5, DatapointsToAlarm: 5, AlarmName: 'orders-throttles' });
    expect(properties.AlarmDescription).toMatch(
      /^Throttle rate of AlarmStack\/Orders above 0% in each of 5 consecutive periods of 1 minute \(periods with fewer than 10 requests count as 0%\): /,
    );
    expect(properties.Metrics[0].Expression).toBe(DEFAULT_EXPRESSION.replace('>= 1,', '>= 10,'));
    expect(properties.Metrics[1].MetricStat.Period).toBe(60);
    expect(alarm.throttleRate.expression).toBe(properties.Metrics[0].Expression);
  });

  test('a function defined in the stack is named by its path relative to the stack', () => {
    const stack = new Stack(new App({ analyticsReporting: false }), 'Svc', { env: ENV });
    const fn = new lambda.Function(stack, 'Api', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
    });
    new ThrottlesAlarm(fn, 'ThrottlesAlarm', { function: fn });
    expect(onlyResource(Template.fromStack(stack), 'AWS::CloudWatch::Alarm').properties.AlarmName).toBe('Svc-Api-Throttles');
  });

  test('two ThrottlesAlarms on one function get distinct names, each followed by its own path', () => {
    const { stack, fn } = importedFunctionStack();
    new ThrottlesAlarm(stack, 'A', { function: fn });
    new ThrottlesAlarm(stack, 'B', { function: fn });
    const names = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).map((r) => r.Properties.AlarmName);
    expect(names.sort()).toEqual(['AlarmStack-Orders-Throttles-A', 'AlarmStack-Orders-Throttles-B']);
  });
});

describeFunctionAlarmRefusals(THROTTLES_ALARM);

describe('ThrottlesAlarm: leaves no cdk-nag finding (AwsSolutions + Serverless) unacknowledged', () => {
  test('an imported function with an email-subscribed alarm has no unacknowledged finding', () => {
    const findings = nagFindingsOf((stack, fn) => {
      new ThrottlesAlarm(stack, 'T', { function: fn, emailSubscriptions: ['oncall@example.com'] });
    });
    expect(findings).toEqual([]);
  });
});
