/**
 * ThrottlesAlarm (lib/alarm/throttles-alarm.ts, throttles-alarm-options.ts): the throttle rate in percent of the
 * function's requests, its guard, its actions and name, and every refusal.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ENV, importedFunctionStack, onlyResource } from './fixtures';
import { AlarmTopic, ThrottlesAlarm, ThrottlesAlarmProps } from '../../lib/alarm';
import { expectCdkRustError, nagFindingsFor } from '../support';

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
    const dimension = [{ Name: 'FunctionName', Value: 'orders' }];
    expect(properties.Metrics).toEqual([
      { Id: expect.any(String), Expression: DEFAULT_EXPRESSION, Label: 'Throttle rate (%)', ReturnData: true },
      {
        Id: 'throttles',
        ReturnData: false,
        MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Throttles', Dimensions: dimension }, Period: 300, Stat: 'Sum' },
      },
      {
        Id: 'invocations',
        ReturnData: false,
        MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Invocations', Dimensions: dimension }, Period: 300, Stat: 'Sum' },
      },
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
    const topic = onlyResource(template, 'AWS::SNS::Topic');
    const { properties } = onlyResource(template, 'AWS::CloudWatch::Alarm');
    expect(properties.AlarmActions).toEqual([{ Ref: topic.logicalId }]);
    expect(properties.OKActions).toEqual([{ Ref: topic.logicalId }]);
    expect(properties.InsufficientDataActions).toBeUndefined();
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

describe('ThrottlesAlarmOptions: every invalid value is refused with the alarm path, the prop and a fix', () => {
  test.each([
    [{ threshold: -1 }, 'threshold must be a percentage from 0 to 100, got -1.', 'threshold: 1 for 1% (not 0.01)'],
    [{ threshold: 101 }, 'threshold must be a percentage from 0 to 100, got 101.', 'threshold: 1'],
    [{ period: Duration.seconds(30) }, 'period must be a whole number of minutes (at least 1), got 30 seconds.', 'Lambda metrics'],
    [{ evaluationPeriods: 1.5 }, 'evaluationPeriods must be a positive integer, got 1.5.', 'e.g. evaluationPeriods: 1.'],
    [
      { evaluationPeriods: 2, datapointsToAlarm: 3 },
      'datapointsToAlarm must be an integer from 1 to evaluationPeriods (2), got 3.',
      'Lower',
    ],
    [{ minimumRequests: 0 }, 'minimumRequests must be a positive integer, got 0.', 'few requests'],
    [{ alarmName: 'a\nb' }, 'alarmName must be 1 to 255 characters without control characters', 'leave alarmName out'],
    [{ alarmDescription: 'x'.repeat(1025) }, 'alarmDescription must be at most 1024 characters, got 1025.', 'Shorten'],
    [{ emailSubscriptions: ['not an address'] }, 'emailSubscriptions[0]', 'oncall@example.com'],
  ])('%j is refused', (props, problem, fix) => {
    expectCdkRustError(() => synth(props as Partial<ThrottlesAlarmProps>), 'INVALID_PROP', `AlarmStack/OrdersThrottles: ${problem}`, fix);
  });

  test('enabled: false is refused: the construct is the alarm itself', () => {
    expectCdkRustError(
      () => synth({ enabled: false }),
      'INVALID_PROP',
      'AlarmStack/OrdersThrottles: enabled is false, but a ThrottlesAlarm is the alarm itself: there would be nothing to create.',
      'Fix: To have no throttles alarm, do not create the ThrottlesAlarm (on a RustFunction: throttlesAlarm: { enabled: false })',
    );
  });

  test('subscriptions on a FIFO topic are refused, naming topic', () => {
    const { stack, fn } = importedFunctionStack();
    const topic = new sns.Topic(stack, 'Fifo', { fifo: true, topicName: 'alarms.fifo' });
    expectCdkRustError(
      () => new ThrottlesAlarm(stack, 'T', { function: fn, topic, httpsSubscriptions: ['https://hooks.example.com/a'] }),
      'INVALID_PROP',
      'topic AlarmStack/Fifo is a FIFO topic',
    );
  });
});

describe('ThrottlesAlarm: leaves no cdk-nag finding (AwsSolutions + Serverless) unacknowledged', () => {
  test('an imported function with an email-subscribed alarm has no unacknowledged finding', () => {
    const findings = nagFindingsFor((app) => {
      const { stack, fn } = importedFunctionStack(app);
      new ThrottlesAlarm(stack, 'T', { function: fn, emailSubscriptions: ['oncall@example.com'] });
    });
    expect(findings).toEqual([]);
  });
});
