/** ErrorRateAlarm (lib/alarm/error-rate-alarm.ts): the alarm, its metric math, its actions, its environment. */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ENV, FUNCTION_ARN, expectActionsOnTheOnlyTopic, importedFunctionStack, nagFindingsOf, onlyResource, synth } from './fixtures';
import { ERROR_RATE_ALARM, testDisabledIsRefused } from './function-alarm-refusals';
import { AlarmTopic, ErrorRateAlarm } from '../../lib/alarm';
import { CdkRustError } from '../../lib/errors';
import { expectCdkRustError, thrownBy } from '../support';

/** Non-default alarm options, shared by the snapshot and the assertions on them. */
const CUSTOM_OPTIONS = {
  threshold: 2.5,
  period: Duration.minutes(1),
  evaluationPeriods: 5,
  datapointsToAlarm: 3,
  minimumInvocations: 20,
};

describe('ErrorRateAlarm: synthesizes the same templates', () => {
  test('for an imported function, with a new shared topic', () => {
    expect(synth().template.toJSON()).toMatchSnapshot();
  });

  test('for an existing topic passed in', () => {
    const { stack, fn } = importedFunctionStack();
    const topic = new sns.Topic(stack, 'OpsTopic');
    new ErrorRateAlarm(stack, 'OrdersErrorRate', { function: fn, topic });
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });

  test('for a custom threshold, period, evaluation and minimum invocations', () => {
    const { template } = synth({ ...CUSTOM_OPTIONS, alarmName: 'orders-error-rate' });
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('for email and https subscriptions', () => {
    const { template } = synth({
      emailSubscriptions: ['oncall@example.com'],
      httpsSubscriptions: ['https://hooks.example.com/alarms'],
    });
    expect(template.toJSON()).toMatchSnapshot();
  });
});

describe('ErrorRateAlarm: alarms on the error rate of the function, in percent of its invocations', () => {
  test("it evaluates metric math over the function's Errors and Invocations, Sum per 5-minute period", () => {
    const { template } = synth();
    const dimension = [{ Name: 'FunctionName', Value: 'orders' }];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [
        {
          Id: Match.anyValue(),
          Expression: 'IF(invocations >= 1, 100 * errors / invocations, 0)',
          Label: 'Error rate (%)',
          ReturnData: true,
        },
        {
          Id: 'errors',
          ReturnData: false,
          MetricStat: {
            Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: dimension },
            Period: 300,
            Stat: 'Sum',
          },
        },
        {
          Id: 'invocations',
          ReturnData: false,
          MetricStat: {
            Metric: { Namespace: 'AWS/Lambda', MetricName: 'Invocations', Dimensions: dimension },
            Period: 300,
            Stat: 'Sum',
          },
        },
      ],
    });
  });

  test('by default it fires above 5% in one 5-minute window, and missing data is not breaching', () => {
    const { template } = synth();
    const { properties } = onlyResource(template, 'AWS::CloudWatch::Alarm');
    expect(properties).toMatchObject({
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      AlarmName: 'AlarmStack-Orders-ErrorRate',
      AlarmDescription: 'Error rate of AlarmStack/Orders above 5% over 5 minutes',
    });
    // No top-level metric fields next to Metrics.
    expect(properties.MetricName).toBeUndefined();
    expect(properties.Period).toBeUndefined();
  });

  test('its ALARM and OK actions both go to the topic, and nothing else', () => {
    expectActionsOnTheOnlyTopic(synth().template);
  });

  test('custom options reach the alarm', () => {
    const { template } = synth(CUSTOM_OPTIONS);
    const { properties } = onlyResource(template, 'AWS::CloudWatch::Alarm');
    expect(properties).toMatchObject({
      Threshold: 2.5,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      AlarmDescription:
        'Error rate of AlarmStack/Orders above 2.5% in 3 of 5 consecutive periods of 1 minute ' +
        '(periods with fewer than 20 invocations count as 0%)',
    });
    expect(properties.Metrics[0].Expression).toBe('IF(invocations >= 20, 100 * errors / invocations, 0)');
    expect(properties.Metrics[1].MetricStat.Period).toBe(60);
    expect(properties.Metrics[2].MetricStat.Period).toBe(60);
  });

  test('it works on a function defined in the stack, named by its path relative to the stack', () => {
    const app = new App({ analyticsReporting: false });
    const stack = new Stack(app, 'Svc', { env: ENV });
    const fn = new lambda.Function(stack, 'Api', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
    });
    new ErrorRateAlarm(fn, 'ErrorRateAlarm', { function: fn });
    const template = Template.fromStack(stack);
    const fnId = Object.keys(template.findResources('AWS::Lambda::Function'))[0];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'Svc-Api-ErrorRate',
      Metrics: Match.arrayWith([
        Match.objectLike({
          Id: 'errors',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }] }),
          }),
        }),
      ]),
    });
  });

  test('it exposes the alarm, the topic and the error-rate expression', () => {
    const { alarm, stack } = synth();
    expect(alarm.topic).toBe(AlarmTopic.of(stack).topic);
    expect(alarm.errorRate.expression).toBe('IF(invocations >= 1, 100 * errors / invocations, 0)');
    expect(alarm.alarm.node.scope).toBe(alarm);
  });
});

describe('ErrorRateAlarm: watches only functions of its own account and region', () => {
  test("a function in another region is refused, naming the alarm's path, both regions and the fix", () => {
    const app = new App({ analyticsReporting: false });
    const stack = new Stack(app, 'EuStack', { env: { account: '123456789012', region: 'eu-west-1' } });
    const fn = lambda.Function.fromFunctionArn(stack, 'Orders', FUNCTION_ARN);
    const error = thrownBy(() => new ErrorRateAlarm(stack, 'A', { function: fn }));
    expect(error).toBeInstanceOf(CdkRustError);
    expectCdkRustError(
      () => {
        throw error;
      },
      'INVALID_PROP',
      "EuStack/A: function EuStack/Orders is not in the alarm's environment: region us-east-1 (function) vs eu-west-1 (stack).",
      "Fix: Create the alarm in a stack deployed to the function's account and region.",
    );
  });

  test('a function in another account is refused', () => {
    const app = new App({ analyticsReporting: false });
    const stack = new Stack(app, 'OtherAccount', { env: { account: '210987654321', region: 'us-east-1' } });
    const fn = lambda.Function.fromFunctionArn(stack, 'Orders', FUNCTION_ARN);
    expectCdkRustError(
      () => new ErrorRateAlarm(stack, 'A', { function: fn }),
      'INVALID_PROP',
      "OtherAccount/A: function OtherAccount/Orders is not in the alarm's environment: account 123456789012 (function) vs 210987654321 (stack).",
      "Fix: Create the alarm in a stack deployed to the function's account and region.",
    );
  });
});

describe('ErrorRateAlarm: is the alarm itself, so enabled: false is refused rather than ignored', () => {
  testDisabledIsRefused(ERROR_RATE_ALARM);

  test('enabled: true is the default: the alarm is created', () => {
    const { template } = synth({ enabled: true });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
  });
});

describe('ErrorRateAlarm: leaves no cdk-nag finding (AwsSolutions + Serverless) unacknowledged', () => {
  function withAlarm(stack: Stack, fn: lambda.IFunction): void {
    new ErrorRateAlarm(stack, 'OrdersErrorRate', {
      function: fn,
      emailSubscriptions: ['oncall@example.com'],
      httpsSubscriptions: ['https://hooks.example.com/alarms'],
    });
  }

  test('an imported function with an email- and https-subscribed alarm has no unacknowledged finding', () => {
    const findings = nagFindingsOf(withAlarm);
    if (findings.length > 0) {
      throw new Error(`cdk-nag reported unacknowledged findings:\n${JSON.stringify(findings, null, 2)}`);
    }
  });

  test('control: the same packs flag a queue that is not acknowledged, and only that queue', () => {
    const findings = nagFindingsOf((stack, fn) => {
      withAlarm(stack, fn);
      new sqs.Queue(stack, 'Bare', { enforceSSL: true });
    });
    expect(findings.map((f) => `${f.rule} ${f.path}`).sort()).toEqual([
      'AwsSolutions-SQS3 AlarmStack/Bare/Resource',
      'Serverless-SQSRedrivePolicy AlarmStack/Bare/Resource',
    ]);
  });
});
