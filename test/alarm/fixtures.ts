/** Stacks and template helpers shared by the alarm unit tests (test/alarm/*.test.ts). */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ErrorRateAlarm, ErrorRateAlarmProps } from '../../lib/alarm';
import { NagFinding, nagFindingsFor } from '../support';

export const ENV = { account: '123456789012', region: 'us-east-1' };
export const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:orders';

/** A stack holding an imported function, as in an existing project not built with cdk-rust. */
export function importedFunctionStack(app = new App({ analyticsReporting: false })): {
  app: App;
  stack: Stack;
  fn: lambda.IFunction;
} {
  const stack = new Stack(app, 'AlarmStack', { env: ENV });
  const fn = lambda.Function.fromFunctionArn(stack, 'Orders', FUNCTION_ARN);
  return { app, stack, fn };
}

/** An ErrorRateAlarm `OrdersErrorRate` on the imported function, and its stack's template. */
export function synth(props: Partial<ErrorRateAlarmProps> = {}): { template: Template; stack: Stack; alarm: ErrorRateAlarm } {
  const { stack, fn } = importedFunctionStack();
  const alarm = new ErrorRateAlarm(stack, 'OrdersErrorRate', { function: fn, ...props });
  return { template: Template.fromStack(stack), stack, alarm };
}

/** The template's only resource of `type` (fails the test when there are none or several). */
export function onlyResource(template: Template, type: string): { logicalId: string; properties: any } {
  const resources = template.findResources(type);
  const ids = Object.keys(resources);
  expect(ids).toHaveLength(1);
  return { logicalId: ids[0], properties: resources[ids[0]].Properties };
}

/**
 * The metric-math input `id` of an alarm on the imported function: its metric `metricName` with statistic `stat`
 * per 5 minutes, unless `period` (in seconds) says otherwise.
 */
export function importedFunctionMetric(id: string, metricName: string, stat: string, period = 300): Record<string, unknown> {
  const metric = { Namespace: 'AWS/Lambda', MetricName: metricName, Dimensions: [{ Name: 'FunctionName', Value: 'orders' }] };
  return { Id: id, ReturnData: false, MetricStat: { Metric: metric, Period: period, Stat: stat } };
}

/** Expects the only alarm of `template` to notify its only topic on ALARM and OK, and on nothing else. */
export function expectActionsOnTheOnlyTopic(template: Template): void {
  const topic = onlyResource(template, 'AWS::SNS::Topic');
  const { properties } = onlyResource(template, 'AWS::CloudWatch::Alarm');
  expect(properties.AlarmActions).toEqual([{ Ref: topic.logicalId }]);
  expect(properties.OKActions).toEqual([{ Ref: topic.logicalId }]);
  expect(properties.InsufficientDataActions).toBeUndefined();
}

/** The cdk-nag findings (AwsSolutions and Serverless) not acknowledged in the stack of the imported function, after `build`. */
export function nagFindingsOf(build: (stack: Stack, fn: lambda.IFunction) => void): NagFinding[] {
  return nagFindingsFor((app) => {
    const { stack, fn } = importedFunctionStack(app);
    build(stack, fn);
  });
}
