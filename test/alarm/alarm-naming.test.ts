/** Alarm naming (lib/alarm/alarm-naming.ts): the default alarm names, descriptions and topic display names. */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ENV, FUNCTION_ARN, onlyResource, synth } from './fixtures';
import { RustFunction } from '../../lib';
import { AlarmTopic, DurationAlarm, ErrorRateAlarm } from '../../lib/alarm';
import { fixture } from '../support';

/** The alarm name a stack `Stack` gives an alarm on an imported function with construct id `fnId`. */
function defaultNameFor(fnId: string): string {
  const app = new App({ analyticsReporting: false });
  const stack = new Stack(app, 'Stack', { env: ENV });
  const fn = lambda.Function.fromFunctionArn(stack, fnId, FUNCTION_ARN);
  new ErrorRateAlarm(stack, 'Alarm', { function: fn });
  return onlyResource(Template.fromStack(stack), 'AWS::CloudWatch::Alarm').properties.AlarmName;
}

describe('alarm naming: default alarm names are valid, stable and unique per stack', () => {
  test('the default name is sanitized and at most 255 characters, with a stable hash suffix', () => {
    const longId = 'Very Long:Function Name!'.repeat(15);
    const name = defaultNameFor(longId);
    expect(name.length).toBeLessThanOrEqual(255);
    expect(name).toMatch(/^Stack-Very-Long-Function-Name-Very-Long/);
    expect(name).toMatch(/^[A-Za-z0-9._-]+-[0-9a-f]{8}$/);

    // Same input, same name.
    expect(defaultNameFor(longId)).toBe(name);
  });

  test('the hash suffix is the one every earlier version generated (8 characters of SHA-256)', () => {
    const name = defaultNameFor('Very Long:Function Name!'.repeat(15));
    expect(name).toHaveLength(254);
    expect(name.endsWith('-Very-Long-Function-Name-0c50521c')).toBe(true);
  });

  test('a short default name is `<stack name>-<function path>-ErrorRate`, without a hash', () => {
    expect(defaultNameFor('Orders')).toBe('Stack-Orders-ErrorRate');
  });

  test('several alarms on one function get distinct names, whatever order they were made in (cfn-lint E3019)', () => {
    const names = (order: readonly string[]) => {
      const app = new App({ analyticsReporting: false });
      const stack = new Stack(app, 'Stack', { env: ENV });
      const fn = lambda.Function.fromFunctionArn(stack, 'Orders', FUNCTION_ARN);
      for (const id of order) new ErrorRateAlarm(stack, id, { function: fn, threshold: id === 'Strict' ? 1 : 5 });
      new ErrorRateAlarm(stack, 'Named', { function: fn, alarmName: 'orders-named' });
      const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
      return Object.values(alarms)
        .map((a: any) => a.Properties.AlarmName)
        .sort();
    };
    const expected = ['Stack-Orders-ErrorRate-Loose', 'Stack-Orders-ErrorRate-Strict', 'orders-named'];
    expect(names(['Strict', 'Loose'])).toEqual(expected);
    expect(names(['Loose', 'Strict'])).toEqual(expected);
  });

  test("RustFunction's own alarm and another one on the same function get distinct names", () => {
    const app = new App({ analyticsReporting: false, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Stack', { env: ENV });
    const fn = new RustFunction(stack, 'Orders', {
      manifestPath: fixture('hello'),
      bundling: { builderImage: 'builder@sha256:' + 'a'.repeat(64) },
    });
    new ErrorRateAlarm(stack, 'Strict', { function: fn, threshold: 1 });
    new DurationAlarm(stack, 'Slow', { function: fn, threshold: 50 });
    const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
    // Alarms of different kinds on one function never share a name; two of one kind get their paths.
    expect(
      Object.values(alarms)
        .map((a: any) => a.Properties.AlarmName)
        .sort(),
    ).toEqual([
      'Stack-Orders-Duration-DurationAlarm',
      'Stack-Orders-Duration-Slow',
      'Stack-Orders-ErrorRate-ErrorRateAlarm',
      'Stack-Orders-ErrorRate-Strict',
      'Stack-Orders-Throttles',
    ]);
  });

  test('a given alarmName and alarmDescription are used as they are', () => {
    const { template } = synth({ alarmName: 'orders-errors', alarmDescription: 'Orders are failing' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'orders-errors',
      AlarmDescription: 'Orders are failing',
    });
  });
});

describe('alarm naming: default descriptions say what the alarm evaluates, within 1024 characters', () => {
  test('one period: "above <threshold>% over <period>"', () => {
    const { properties } = onlyResource(synth().template, 'AWS::CloudWatch::Alarm');
    expect(properties.AlarmDescription).toBe('Error rate of AlarmStack/Orders above 5% over 5 minutes');
  });

  test('a description longer than 1024 characters is cut, ending with "..."', () => {
    const app = new App({ analyticsReporting: false });
    const stack = new Stack(app, 'Stack', { env: ENV });
    const fn = lambda.Function.fromFunctionArn(stack, 'F'.repeat(1100), FUNCTION_ARN);
    new ErrorRateAlarm(stack, 'Alarm', { function: fn });
    const description: string = onlyResource(Template.fromStack(stack), 'AWS::CloudWatch::Alarm').properties.AlarmDescription;
    expect(description).toHaveLength(1024);
    expect(description).toMatch(/^Error rate of Stack\/FFFF.*\.\.\.$/);
  });
});

describe('alarm naming: the default topic display name is "<stack name> alarms", at most 100 characters', () => {
  test('a long stack name is shortened so that the display name stays at 100 characters', () => {
    const app = new App({ analyticsReporting: false });
    const stack = new Stack(app, 'S'.repeat(120), { env: ENV });
    new AlarmTopic(stack, 'Topic');
    const { properties } = onlyResource(Template.fromStack(stack), 'AWS::SNS::Topic');
    expect(properties.DisplayName).toBe(`${'S'.repeat(93)} alarms`);
  });
});
