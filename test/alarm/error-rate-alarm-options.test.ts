/**
 * ErrorRateAlarmOptions (lib/alarm/error-rate-alarm-options.ts): defaults, and every invalid value refused with
 * the construct's path, the prop as the user wrote it (on ErrorRateAlarm or on RustFunction) and a fix.
 */
import * as path from 'path';
import { App, Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { importedFunctionStack, onlyResource, synth } from './fixtures';
import { ErrorRateAlarm, ErrorRateAlarmProps } from '../../lib/alarm';
import { CdkRustError } from '../../lib/errors';
import { RustFunction, RustFunctionProps } from '../../lib/function';
import { FIXTURES, expectCdkRustError, thrownBy } from '../support';

describe('ErrorRateAlarmOptions: defaults and accepted edges', () => {
  test('datapointsToAlarm defaults to evaluationPeriods (the "5 consecutive minutes" reading)', () => {
    const { template } = synth({ period: Duration.minutes(1), evaluationPeriods: 5 });
    const { properties } = onlyResource(template, 'AWS::CloudWatch::Alarm');
    expect(properties).toMatchObject({ EvaluationPeriods: 5, DatapointsToAlarm: 5 });
    expect(properties.AlarmDescription).toBe('Error rate of AlarmStack/Orders above 5% in each of 5 consecutive periods of 1 minute');
  });

  test('threshold 0 and 100, one day of 1-minute periods and 7 days of hourly periods are accepted', () => {
    expect(() => synth({ threshold: 0 })).not.toThrow();
    expect(() => synth({ threshold: 100 })).not.toThrow();
    expect(() => synth({ period: Duration.minutes(1), evaluationPeriods: 1440 })).not.toThrow();
    expect(() => synth({ period: Duration.hours(1), evaluationPeriods: 168 })).not.toThrow();
  });

  test('tokens are accepted unchecked where the value is not needed at synth time: names and endpoints', () => {
    const { stack, fn } = importedFunctionStack();
    const token = Lazy.string({ produce: () => 'x' });
    expect(
      () =>
        new ErrorRateAlarm(stack, 'A', {
          function: fn,
          alarmName: token,
          alarmDescription: token,
          emailSubscriptions: [token],
          httpsSubscriptions: [token],
        }),
    ).not.toThrow();
  });
});

const PERCENT_FIX = 'Pass the error rate in percent, e.g. threshold: 5 for 5% (not 0.05).';
const DATAPOINTS_FIX =
  'Lower datapointsToAlarm or raise evaluationPeriods: the alarm fires when datapointsToAlarm of the last ' +
  'evaluationPeriods periods breach.';
const EVALUATION_PERIODS_FIX = 'Pass the number of periods the alarm looks at, e.g. evaluationPeriods: 1.';
const MINUTES_FIX = 'CloudWatch evaluates Lambda metrics in multiples of 60 seconds: pass e.g. Duration.minutes(1) or Duration.minutes(5).';
const RANGE_FIX = 'Lower evaluationPeriods or the period.';
const MINIMUM_INVOCATIONS_FIX = 'Pass 1 to count every period with traffic, or more to ignore periods with few invocations.';
const EMAIL_FIX = 'Pass an address such as oncall@example.com, without spaces or display names.';
const HTTPS_FIX =
  'Pass the full endpoint, e.g. https://hooks.example.com/alarms. SNS delivers only to https:// (or http://) ' +
  'endpoints, and cdk-rust accepts only https://.';
const ALARM_NAME_FIX = 'Pass a shorter name, or leave alarmName out to get a name derived from the stack and the construct path.';

describe("ErrorRateAlarmOptions: every invalid value is refused with the alarm's path, the prop and a fix", () => {
  test.each([
    ['threshold -1', { threshold: -1 }, 'threshold must be a percentage from 0 to 100, got -1', PERCENT_FIX],
    ['threshold 101', { threshold: 101 }, 'threshold must be a percentage from 0 to 100, got 101', PERCENT_FIX],
    [
      'threshold NaN',
      { threshold: NaN },
      'threshold must be a concrete number',
      "Pass a literal number for threshold: it is validated and written into the alarm's description at synth time.",
    ],
    [
      'a threshold token',
      { threshold: Lazy.number({ produce: () => 5 }) },
      'threshold must be a concrete number, got a token.',
      'Pass a literal number for threshold',
    ],
    [
      'datapointsToAlarm above evaluationPeriods',
      { evaluationPeriods: 2, datapointsToAlarm: 3 },
      'datapointsToAlarm must be an integer from 1 to evaluationPeriods (2), got 3',
      DATAPOINTS_FIX,
    ],
    ['datapointsToAlarm 0', { datapointsToAlarm: 0 }, 'datapointsToAlarm must be an integer from 1 to evaluationPeriods', DATAPOINTS_FIX],
    [
      'datapointsToAlarm NaN',
      { datapointsToAlarm: NaN },
      'datapointsToAlarm must be a concrete number, got NaN.',
      'Pass a literal number for datapointsToAlarm',
    ],
    ['evaluationPeriods 0', { evaluationPeriods: 0 }, 'evaluationPeriods must be a positive integer, got 0', EVALUATION_PERIODS_FIX],
    ['evaluationPeriods 1.5', { evaluationPeriods: 1.5 }, 'evaluationPeriods must be a positive integer', EVALUATION_PERIODS_FIX],
    [
      'period of 90 seconds',
      { period: Duration.seconds(90) },
      'period must be a whole number of minutes (at least 1), got 1 minute 30 seconds',
      MINUTES_FIX,
    ],
    ['period of 30 seconds', { period: Duration.seconds(30) }, 'period must be a whole number of minutes', MINUTES_FIX],
    [
      'a period token',
      { period: Duration.minutes(Lazy.number({ produce: () => 5 })) },
      'period must be a concrete duration, not a token.',
      'Pass a literal such as Duration.minutes(5).',
    ],
    [
      'more than one day of 5-minute periods',
      { period: Duration.minutes(5), evaluationPeriods: 289 },
      'period (5 minutes) times evaluationPeriods (289) is longer than CloudWatch allows (one day for periods under an hour).',
      RANGE_FIX,
    ],
    [
      'more than seven days of hourly periods',
      { period: Duration.hours(1), evaluationPeriods: 169 },
      'period (1 hour) times evaluationPeriods (169) is longer than CloudWatch allows (seven days).',
      RANGE_FIX,
    ],
    ['minimumInvocations 0', { minimumInvocations: 0 }, 'minimumInvocations must be a positive integer, got 0', MINIMUM_INVOCATIONS_FIX],
    ['minimumInvocations 2.5', { minimumInvocations: 2.5 }, 'minimumInvocations must be a positive integer', MINIMUM_INVOCATIONS_FIX],
    ['a bad email', { emailSubscriptions: ['not-an-email'] }, 'emailSubscriptions[0] is not an email address: "not-an-email"', EMAIL_FIX],
    [
      'an email with a display name',
      { emailSubscriptions: ['ok@example.com', 'Ops <ops@example.com>'] },
      'emailSubscriptions[1] is not an email address',
      EMAIL_FIX,
    ],
    [
      'an http:// endpoint',
      { httpsSubscriptions: ['http://hooks.example.com'] },
      'httpsSubscriptions[0] is not an https:// URL',
      HTTPS_FIX,
    ],
    ['an https:// URL without host', { httpsSubscriptions: ['https://'] }, 'httpsSubscriptions[0] is not an https:// URL', HTTPS_FIX],
    ['an alarmName of 256 characters', { alarmName: 'x'.repeat(256) }, 'alarmName must be 1 to 255 characters', ALARM_NAME_FIX],
    ['an empty alarmName', { alarmName: '' }, 'alarmName must be 1 to 255 characters', ALARM_NAME_FIX],
    [
      'an alarmName with a newline',
      { alarmName: 'line\nbreak' },
      'alarmName must be 1 to 255 characters without control characters',
      ALARM_NAME_FIX,
    ],
    [
      'an alarmDescription of 1025 characters',
      { alarmDescription: 'x'.repeat(1025) },
      'alarmDescription must be at most 1024 characters',
      'Shorten the description.',
    ],
  ] as Array<[string, Partial<ErrorRateAlarmProps>, string, string]>)('%s is refused', (_label, props, problem, fix) => {
    const { stack, fn } = importedFunctionStack();
    const error = thrownBy(() => new ErrorRateAlarm(stack, 'Bad', { function: fn, ...props }));
    expect(error).toBeInstanceOf(CdkRustError);
    // The message starts with the alarm's path, then names the prop as written on ErrorRateAlarm.
    expectCdkRustError(
      () => {
        throw error;
      },
      'INVALID_PROP',
      `AlarmStack/Bad: ${problem}`,
      `\nFix: ${fix}`,
    );
    expect((error as CdkRustError).constructPath).toBe('AlarmStack/Bad');
    expect((error as CdkRustError).message).not.toContain('errorRateAlarm.');
  });

  test('subscriptions on a FIFO topic are refused, naming the topic prop', () => {
    const { stack, fn } = importedFunctionStack();
    const topic = sns.Topic.fromTopicArn(stack, 'Fifo', 'arn:aws:sns:us-east-1:123456789012:ops.fifo');
    expectCdkRustError(
      () => new ErrorRateAlarm(stack, 'A', { function: fn, topic, httpsSubscriptions: ['https://hooks.example.com/alarms'] }),
      'INVALID_PROP',
      'AlarmStack/A: topic AlarmStack/Fifo is a FIFO topic, which accepts only SQS subscriptions, so ' +
        'emailSubscriptions and httpsSubscriptions cannot be added to it.',
      '\nFix: Pass a standard topic, or leave out topic to use the shared alarm topic.',
    );
  });

  test('a FIFO topic without subscriptions is accepted', () => {
    const { stack, fn } = importedFunctionStack();
    const topic = sns.Topic.fromTopicArn(stack, 'Fifo', 'arn:aws:sns:us-east-1:123456789012:ops.fifo');
    expect(() => new ErrorRateAlarm(stack, 'A', { function: fn, topic })).not.toThrow();
  });
});

describe('ErrorRateAlarmOptions: through RustFunction, errors name the props as written there', () => {
  const HELLO = path.join(FIXTURES, 'hello', 'Cargo.toml');
  const BUNDLING = { builderImage: 'snapshot-builder:1', forceDockerBundling: true };

  /** Creates a RustFunction `Svc/Api` (without building) and returns what it throws. */
  function rustFunctionError(props: Partial<RustFunctionProps>, extra?: (stack: Stack) => Partial<RustFunctionProps>): unknown {
    const app = new App({ analyticsReporting: false, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Svc', { env: { account: '123456789012', region: 'eu-west-1' } });
    return thrownBy(() => new RustFunction(stack, 'Api', { manifestPath: HELLO, bundling: BUNDLING, ...props, ...extra?.(stack) }));
  }

  test("a bad threshold is errorRateAlarm.threshold, reported for the function's path", () => {
    const error = rustFunctionError({ errorRateAlarm: { threshold: 120 } });
    expectCdkRustError(
      () => {
        throw error;
      },
      'INVALID_PROP',
      'Svc/Api: errorRateAlarm.threshold must be a percentage from 0 to 100, got 120.',
      `\nFix: ${PERCENT_FIX}`,
    );
    expect((error as CdkRustError).constructPath).toBe('Svc/Api');
  });

  test.each([
    [
      'datapointsToAlarm above evaluationPeriods',
      { evaluationPeriods: 2, datapointsToAlarm: 3 },
      'Svc/Api: errorRateAlarm.datapointsToAlarm must be an integer from 1 to errorRateAlarm.evaluationPeriods (2), got 3.',
      'Fix: Lower errorRateAlarm.datapointsToAlarm or raise errorRateAlarm.evaluationPeriods',
    ],
    [
      'a NaN minimumInvocations',
      { minimumInvocations: NaN },
      'Svc/Api: errorRateAlarm.minimumInvocations must be a concrete number, got NaN.',
      'Fix: Pass a literal number for errorRateAlarm.minimumInvocations',
    ],
    [
      'a period too long',
      { period: Duration.minutes(5), evaluationPeriods: 289 },
      'Svc/Api: errorRateAlarm.period (5 minutes) times errorRateAlarm.evaluationPeriods (289) is longer',
      'Fix: Lower errorRateAlarm.evaluationPeriods or the errorRateAlarm.period.',
    ],
    [
      'a bad email',
      { emailSubscriptions: ['ops@example.com', 'nope'] },
      'Svc/Api: errorRateAlarm.emailSubscriptions[1] is not an email address: "nope".',
      `Fix: ${EMAIL_FIX}`,
    ],
    [
      'a bad https endpoint',
      { httpsSubscriptions: ['http://hooks.example.com'] },
      'Svc/Api: errorRateAlarm.httpsSubscriptions[0] is not an https:// URL',
      'Fix: Pass the full endpoint',
    ],
    [
      'a bad alarmName',
      { alarmName: 'x'.repeat(256) },
      'Svc/Api: errorRateAlarm.alarmName must be 1 to 255 characters',
      'Fix: Pass a shorter name, or leave errorRateAlarm.alarmName out',
    ],
    [
      'a bad alarmDescription',
      { alarmDescription: 'x'.repeat(1025) },
      'Svc/Api: errorRateAlarm.alarmDescription must be at most 1024 characters, got 1025.',
      'Fix: Shorten the description.',
    ],
  ] as Array<[string, RustFunctionProps['errorRateAlarm'], string, string]>)(
    '%s is named errorRateAlarm.<prop>',
    (_label, errorRateAlarm, problem, fix) => {
      expectCdkRustError(
        () => {
          throw rustFunctionError({ errorRateAlarm });
        },
        'INVALID_PROP',
        problem,
        fix,
      );
    },
  );

  test('a FIFO alarmTopic with subscriptions names alarmTopic and errorRateAlarm.emailSubscriptions', () => {
    const error = rustFunctionError({ errorRateAlarm: { emailSubscriptions: ['ops@example.com'] } }, (stack) => ({
      alarmTopic: sns.Topic.fromTopicArn(stack, 'Fifo', 'arn:aws:sns:eu-west-1:123456789012:ops.fifo'),
    }));
    expectCdkRustError(
      () => {
        throw error;
      },
      'INVALID_PROP',
      'Svc/Api: alarmTopic Svc/Fifo is a FIFO topic, which accepts only SQS subscriptions, so ' +
        'errorRateAlarm.emailSubscriptions and errorRateAlarm.httpsSubscriptions cannot be added to it.',
      '\nFix: Pass a standard topic, or leave out alarmTopic to use the shared alarm topic.',
    );
  });

  test('the options are checked before the build: a bad threshold is reported even for a missing manifest', () => {
    const error = rustFunctionError({
      manifestPath: path.join(FIXTURES, 'does-not-exist', 'Cargo.toml'),
      errorRateAlarm: { threshold: -1 },
    });
    expectCdkRustError(
      () => {
        throw error;
      },
      'INVALID_PROP',
      'Svc/Api: errorRateAlarm.threshold must be a percentage',
    );
  });
});
