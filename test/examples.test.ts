/**
 * Snapshots of every example's template (builds skipped), with sharp assertions on the wiring each
 * example exists to show. Asset hashes are masked (see maskAssetHashes in support.ts).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Arm64FunctionStack } from '../examples/arm64-function';
import { ExistingServiceStack } from '../examples/existing-stack';
import { PlainFunctionStack } from '../examples/plain-function';
import { PrivateDependencyStack } from '../examples/private-dependency';
import { maskAssetHashes } from './support';

const KNOWN_HOSTS = ['[127.0.0.1]:22222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBUEG8+F+xFfIyDYJWb43+PLqtA6kUu2BORCOGHhWhhx'];

function template(make: (app: App) => Stack): Template {
  const app = new App({ analyticsReporting: false, context: { 'aws:cdk:bundling-stacks': [] } });
  return Template.fromStack(make(app));
}

function masked(t: Template): unknown {
  return maskAssetHashes(t.toJSON());
}

describe('examples', () => {
  test('plain function', () => {
    const t = template((app) => new PlainFunctionStack(app, 'Plain'));
    expect(masked(t)).toMatchSnapshot();
    t.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'provided.al2023', Architectures: ['x86_64'] });
    t.resourceCountIs('AWS::CloudWatch::Alarm', 1);
  });

  test('private dependency', () => {
    const t = template((app) => new PrivateDependencyStack(app, 'Private', { knownHosts: KNOWN_HOSTS }));
    expect(masked(t)).toMatchSnapshot();
    // Nothing about SSH reaches the template.
    expect(JSON.stringify(t.toJSON())).not.toMatch(/ssh-ed25519|known_hosts|SSH_AUTH_SOCK|22222/);
  });

  test('existing stack: an alarm on a function it already has, and a RustFunction next to it, one topic', () => {
    const t = template((app) => new ExistingServiceStack(app, 'Existing'));
    expect(masked(t)).toMatchSnapshot();
    t.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    t.resourceCountIs('AWS::SNS::Topic', 1);
    const alarms = t.findResources('AWS::CloudWatch::Alarm', { Properties: { Threshold: 2 } });
    const ordersAlarm = Object.values(alarms)[0].Properties;
    // The imported function's name, taken from its ARN (account and region are the stack's).
    expect(JSON.stringify(ordersAlarm.Metrics)).toContain(':function:legacy-orders');
    expect(ordersAlarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^CdkRustAlarmTopic/) }]);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'Existing-Greeter-ErrorRate',
      AlarmActions: ordersAlarm.AlarmActions,
    });
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  test('arm64 function', () => {
    const t = template((app) => new Arm64FunctionStack(app, 'Arm'));
    expect(masked(t)).toMatchSnapshot();
    t.hasResourceProperties('AWS::Lambda::Function', { Architectures: ['arm64'], MemorySize: 128 });
  });
});
