/**
 * The refusals of the alarms on a Lambda function (ErrorRateAlarm, DurationAlarm, ThrottlesAlarm), as one table per
 * alarm: its own invalid values (threshold, low-traffic guard) and those of the options every such alarm has
 * (evaluation window, name, description, subscriptions), each with the prop as the user wrote it, on the construct
 * or on RustFunction (`durationAlarm.period`). Shared by test/alarm/*-alarm.test.ts and test/function-alarms.test.ts.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { importedFunctionStack } from './fixtures';
import {
  DurationAlarm,
  DurationAlarmProps,
  ErrorRateAlarm,
  ErrorRateAlarmProps,
  ThrottlesAlarm,
  ThrottlesAlarmProps,
} from '../../lib/alarm';
import { expectCdkRustError } from '../support';

/** One invalid value: the case in words, the props, and fragments of the problem and of the fix the error states. */
export type RefusalCase = [label: string, props: Record<string, unknown>, problem: string, fix: string];

/** An alarm on a function, as the tests create it on the imported function of `importedFunctionStack`. */
export interface FunctionAlarmUnderTest {
  /** Its class, e.g. `DurationAlarm`, and the article before it. */
  readonly construct: string;
  readonly article: 'a' | 'an';
  /** What it watches, in words, e.g. `duration`. */
  readonly words: string;
  /** The prop of RustFunction that holds its options, e.g. `durationAlarm`. */
  readonly functionProp: string;
  /** Its id in the tests: errors start with `AlarmStack/<id>`. */
  readonly id: string;
  /** Creates it in `stack`, with `props` (which name the function) and whatever else it needs (a timeout). */
  readonly create: (stack: Stack, id: string, props: Record<string, unknown>) => Construct;
}

/** An alarm on a function and its own invalid values. */
export interface RefusingFunctionAlarm extends FunctionAlarmUnderTest {
  /** Its `evaluationPeriods` when the user sets none. */
  readonly defaultEvaluationPeriods: number;
  /** Its own invalid values, with `prefix` before each prop (`''` on the construct, `durationAlarm.` on RustFunction). */
  readonly ownRefusals: (prefix: string) => RefusalCase[];
}

/** `construct` (e.g. `DurationAlarm`), with id `OrdersDuration` and its options on RustFunction as `durationAlarm`. */
function underTest(
  article: 'a' | 'an',
  construct: string,
  words: string,
  create: FunctionAlarmUnderTest['create'],
): FunctionAlarmUnderTest {
  const name = construct.replace(/Alarm$/, '');
  return { construct, article, words, functionProp: `${name[0].toLowerCase()}${name.slice(1)}Alarm`, id: `Orders${name}`, create };
}

export const ERROR_RATE_ALARM = underTest('an', 'ErrorRateAlarm', 'error-rate', (stack, id, props) => {
  return new ErrorRateAlarm(stack, id, props as unknown as ErrorRateAlarmProps);
});

export const DURATION_ALARM: RefusingFunctionAlarm = {
  ...underTest('a', 'DurationAlarm', 'duration', (stack, id, props) => {
    return new DurationAlarm(stack, id, { timeout: Duration.seconds(30), ...(props as unknown as DurationAlarmProps) });
  }),
  defaultEvaluationPeriods: 3,
  ownRefusals: (p) => [
    ...[0, 101].map((threshold): RefusalCase => [
      `threshold ${threshold}`,
      { threshold },
      `${p}threshold must be a percentage of the timeout above 0 and at most 100, got ${threshold}.`,
      `e.g. ${p}threshold: 80 for 80% (not 0.8).`,
    ]),
    ['threshold NaN', { threshold: NaN }, `${p}threshold must be a concrete number, got NaN.`, `Pass a literal number for ${p}threshold`],
    ['minimumInvocations 0', { minimumInvocations: 0 }, `${p}minimumInvocations must be a positive integer, got 0.`, 'few invocations'],
  ],
};

export const THROTTLES_ALARM: RefusingFunctionAlarm = {
  ...underTest('a', 'ThrottlesAlarm', 'throttles', (stack, id, props) => {
    return new ThrottlesAlarm(stack, id, props as unknown as ThrottlesAlarmProps);
  }),
  defaultEvaluationPeriods: 1,
  ownRefusals: (p) => [
    ...[-1, 101, 120].map((threshold): RefusalCase => [
      `threshold ${threshold}`,
      { threshold },
      `${p}threshold must be a percentage from 0 to 100, got ${threshold}.`,
      `e.g. ${p}threshold: 1 for 1% (not 0.01).`,
    ]),
    ...[0, 1.5].map((minimumRequests): RefusalCase => [
      `minimumRequests ${minimumRequests}`,
      { minimumRequests },
      `${p}minimumRequests must be a positive integer, got ${minimumRequests}.`,
      'few requests',
    ]),
  ],
};

/**
 * The invalid values of the options every alarm on a function has, with `prefix` before each prop; `evaluationPeriods`
 * is the alarm's default, which the messages name.
 */
function sharedRefusals(evaluationPeriods: number, prefix: string): RefusalCase[] {
  const p = prefix;
  const datapoints = (evaluation: number, given: number) =>
    `${p}datapointsToAlarm must be an integer from 1 to ${p}evaluationPeriods (${evaluation}), got ${given}.`;
  return [
    [
      'a period of 90 seconds',
      { period: Duration.seconds(90) },
      `${p}period must be a whole number of minutes (at least 1), got 1 minute 30 seconds.`,
      'Lambda metrics',
    ],
    [
      'a period of 30 seconds',
      { period: Duration.seconds(30) },
      `${p}period must be a whole number of minutes (at least 1), got 30 seconds.`,
      'Lambda metrics',
    ],
    ...[0, 1.5].map((given): RefusalCase => [
      `evaluationPeriods ${given}`,
      { evaluationPeriods: given },
      `${p}evaluationPeriods must be a positive integer, got ${given}.`,
      `e.g. ${p}evaluationPeriods: ${evaluationPeriods}.`,
    ]),
    [
      'datapointsToAlarm above the default evaluationPeriods',
      { datapointsToAlarm: evaluationPeriods + 1 },
      datapoints(evaluationPeriods, evaluationPeriods + 1),
      `Lower ${p}datapointsToAlarm or raise ${p}evaluationPeriods`,
    ],
    [
      'datapointsToAlarm above evaluationPeriods',
      { evaluationPeriods: 2, datapointsToAlarm: 3 },
      datapoints(2, 3),
      `Lower ${p}datapointsToAlarm`,
    ],
    [
      'more than one day of 5-minute periods',
      { evaluationPeriods: 289 },
      `${p}period (5 minutes) times ${p}evaluationPeriods (289) is longer than CloudWatch allows`,
      `Lower ${p}evaluationPeriods`,
    ],
    [
      'an empty alarmName',
      { alarmName: '' },
      `${p}alarmName must be 1 to 255 characters without control characters, got "".`,
      `leave ${p}alarmName out`,
    ],
    [
      'an alarmName with a newline',
      { alarmName: 'a\nb' },
      `${p}alarmName must be 1 to 255 characters without control characters`,
      `leave ${p}alarmName out`,
    ],
    [
      'an alarmDescription of 1025 characters',
      { alarmDescription: 'x'.repeat(1025) },
      `${p}alarmDescription must be at most 1024 characters, got 1025.`,
      'Shorten',
    ],
    ...['not an address', 'Ops <ops@example.com>'].map((address): RefusalCase => [
      `the email ${JSON.stringify(address)}`,
      { emailSubscriptions: [address] },
      `${p}emailSubscriptions[0] is not an email address`,
      'oncall@example.com',
    ]),
    [
      'an http:// endpoint',
      { httpsSubscriptions: ['http://hooks.example.com'] },
      `${p}httpsSubscriptions[0] is not an https:// URL`,
      'https://',
    ],
  ];
}

/** Every invalid value of `alarm`: its own, then those of the options it shares, with `prefix` before each prop. */
export function refusalCases(alarm: RefusingFunctionAlarm, prefix = ''): RefusalCase[] {
  return [...alarm.ownRefusals(prefix), ...sharedRefusals(alarm.defaultEvaluationPeriods, prefix)];
}

/** Declares the test that `enabled: false` is refused by the standalone construct, which is the alarm itself. */
export function testDisabledIsRefused(alarm: FunctionAlarmUnderTest): void {
  test('enabled: false is refused, saying not to create the construct: it is the alarm itself', () => {
    const { stack, fn } = importedFunctionStack();
    expectCdkRustError(
      () => alarm.create(stack, alarm.id, { function: fn, enabled: false }),
      'INVALID_PROP',
      `AlarmStack/${alarm.id}: enabled is false, but ${alarm.article} ${alarm.construct} is the alarm itself: there would be ` +
        'nothing to create.',
      `Fix: To have no ${alarm.words} alarm, do not create the ${alarm.construct} (on a RustFunction: ${alarm.functionProp}: ` +
        '{ enabled: false })',
    );
  });
}

/**
 * Declares the tests that the standalone construct refuses every invalid value of `alarm` with its path, the prop
 * and a fix; `enabled: false`; and subscriptions on a FIFO topic.
 */
export function describeFunctionAlarmRefusals(alarm: RefusingFunctionAlarm): void {
  describe(`${alarm.construct}Options: every invalid value is refused with the alarm path, the prop and a fix`, () => {
    test.each(refusalCases(alarm))('%s is refused', (_label, props, problem, fix) => {
      const { stack, fn } = importedFunctionStack();
      expectCdkRustError(
        () => alarm.create(stack, alarm.id, { function: fn, ...props }),
        'INVALID_PROP',
        `AlarmStack/${alarm.id}: ${problem}`,
        fix,
      );
    });

    testDisabledIsRefused(alarm);

    test.each([
      ['emailSubscriptions', 'a@example.com'],
      ['httpsSubscriptions', 'https://hooks.example.com/a'],
    ])('%s on a FIFO topic are refused, naming topic', (prop, endpoint) => {
      const { stack, fn } = importedFunctionStack();
      const topic = new sns.Topic(stack, 'Fifo', { fifo: true, topicName: 'alarms.fifo' });
      expectCdkRustError(
        () => alarm.create(stack, alarm.id, { function: fn, topic, [prop]: [endpoint] }),
        'INVALID_PROP',
        'topic AlarmStack/Fifo is a FIFO topic',
      );
    });
  });
}
