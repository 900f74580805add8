/**
 * Snapshots of every example's template (builds skipped), with sharp assertions on the wiring each
 * example exists to show. Asset hashes are masked (see maskAssetHashes in support.ts).
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { Arm64FunctionStack } from '../examples/arm64-function';
import { ExistingServiceStack } from '../examples/existing-stack';
import { ExtensionFunctionStack } from '../examples/extension-function';
import { GoAndRustStack } from '../examples/go-and-rust';
import { ManagedInstancesStack } from '../examples/managed-instances';
import { PlainFunctionStack } from '../examples/plain-function';
import { PrivateDependencyStack } from '../examples/private-dependency';
import { RustServiceStack } from '../examples/rust-service';
import { StreamingFunctionStack } from '../examples/streaming-function';
import { maskAssetHashes, nagFindings, tempDir, withoutUnscopableXrayFindings } from './support';

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
    // Error rate, duration and throttles.
    t.resourceCountIs('AWS::CloudWatch::Alarm', 3);
  });

  test('streaming: a RustFunction behind an AWS_IAM function URL in RESPONSE_STREAM mode', () => {
    const t = template((app) => new StreamingFunctionStack(app, 'Streaming'));
    expect(masked(t)).toMatchSnapshot();
    t.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', InvokeMode: 'RESPONSE_STREAM' });
    t.resourceCountIs('AWS::Lambda::Permission', 0);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    t.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: { 'Fn::Join': ['', ['Streaming-cdk-rust-', { Ref: 'AWS::Region' }]] },
    });
  });

  test('private dependency', () => {
    const t = template((app) => new PrivateDependencyStack(app, 'Private', { knownHosts: KNOWN_HOSTS }));
    expect(masked(t)).toMatchSnapshot();
    // Nothing about SSH reaches the template.
    expect(JSON.stringify(t.toJSON())).not.toMatch(/ssh-ed25519|known_hosts|SSH_AUTH_SOCK|22222/);
  });

  test('extension: a RustExtension layer for x86_64, used by a RustFunction of the same architecture', () => {
    const t = template((app) => new ExtensionFunctionStack(app, 'Extension'));
    expect(masked(t)).toMatchSnapshot();
    t.hasResourceProperties('AWS::Lambda::LayerVersion', { CompatibleArchitectures: ['x86_64'] });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['x86_64'],
      Layers: [{ Ref: Match.stringLikeRegexp('^Telemetry') }],
    });
  });

  test('existing stack: an alarm on a function it already has, and a RustFunction next to it, one topic', () => {
    const t = template((app) => new ExistingServiceStack(app, 'Existing'));
    expect(masked(t)).toMatchSnapshot();
    // The imported function's ErrorRateAlarm, and the RustFunction's error-rate, duration and throttles alarms.
    t.resourceCountIs('AWS::CloudWatch::Alarm', 4);
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

  test('rust service: a Fargate service whose container checks itself with its own binary', () => {
    const t = template((app) => new RustServiceStack(app, 'Service'));
    expect(masked(t)).toMatchSnapshot();
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Image: Match.stringLikeRegexp('^cdk-rust/service:[0-9a-f]{16}$'),
          HealthCheck: { Command: ['CMD', '/app/service', 'healthcheck'], Interval: 10, StartPeriod: 5, Retries: 3, Timeout: 5 },
        }),
      ],
    });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 4 });
    t.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    t.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: { 'Fn::Join': ['', ['Service-cdk-rust-', { Ref: 'AWS::Region' }]] },
    });
  });

  test('managed instances: a run_concurrent function on an arm64 capacity provider in its own isolated VPC', () => {
    const t = template((app) => new ManagedInstancesStack(app, 'Managed'));
    expect(masked(t)).toMatchSnapshot();
    t.hasResourceProperties('AWS::Lambda::CapacityProvider', { InstanceRequirements: { Architectures: ['arm64'] } });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      MemorySize: 4096,
      CapacityProviderConfig: {
        LambdaManagedInstancesCapacityProviderConfig: {
          CapacityProviderArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Capacity'), 'Arn'] },
          PerExecutionEnvironmentMaxConcurrency: 64,
        },
      },
    });
    t.resourceCountIs('AWS::CloudWatch::Alarm', 3);
  });

  test('arm64 function', () => {
    const t = template((app) => new Arm64FunctionStack(app, 'Arm'));
    expect(masked(t)).toMatchSnapshot();
    t.hasResourceProperties('AWS::Lambda::Function', { Architectures: ['arm64'], MemorySize: 128 });
  });

  describe('go and rust side by side', () => {
    let t: Template;
    let functions: Record<string, any>;
    let goId: string;
    let rustId: string;

    beforeAll(() => {
      t = template((app) => new GoAndRustStack(app, 'GoAndRust'));
      functions = t.findResources('AWS::Lambda::Function');
      goId = Object.keys(functions).find((id) => id.startsWith('GoGreeter'))!;
      rustId = Object.keys(functions).find((id) => id.startsWith('Greeter'))!;
    });

    test('snapshot', () => {
      expect(masked(t)).toMatchSnapshot();
    });

    test('two functions, both provided.al2023 on x86_64 with handler bootstrap', () => {
      expect(Object.keys(functions).sort()).toEqual([goId, rustId].sort());
      for (const id of [goId, rustId]) {
        expect(functions[id].Properties).toMatchObject({ Runtime: 'provided.al2023', Handler: 'bootstrap', Architectures: ['x86_64'] });
      }
    });

    test('the GoFunction: explicit memory and timeout, JSON logs to its own log group, active tracing', () => {
      const go = functions[goId].Properties;
      expect(go).toMatchObject({
        MemorySize: 128,
        Timeout: 10,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.stringMatching(/^GoGreeterLogGroup/) } },
      });
      // Nothing Rust-specific leaks onto the Go function.
      expect(go.Environment).toBeUndefined();
      t.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Retain' });
    });

    test("the GoFunction's role: no AWS-managed policy, writes to its own log group only, X-Ray in a policy of its own", () => {
      const roleRef = functions[goId].Properties.Role['Fn::GetAtt'][0];
      expect(roleRef).toMatch(/^GoGreeterServiceRole/);
      expect(t.toJSON().Resources[roleRef].Properties.ManagedPolicyArns).toBeUndefined();
      const policies = Object.values(t.findResources('AWS::IAM::Policy')).filter((p) =>
        JSON.stringify(p.Properties.Roles).includes(roleRef),
      );
      const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
      expect(statements).toEqual(
        expect.arrayContaining([
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': [expect.stringMatching(/^GoGreeterLogGroup/), 'Arn'] },
          },
          { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
        ]),
      );
      expect(statements).toHaveLength(2);
      // The traced function is created after its X-Ray policy.
      const tracingPolicy = Object.keys(t.findResources('AWS::IAM::Policy')).find((id) => id.startsWith('GoGreeterTracingPolicy'));
      expect(functions[goId].DependsOn).toContain(tracingPolicy);
    });

    test('two error-rate alarms, one per function, notifying the one shared alarm topic', () => {
      // The Go function's ErrorRateAlarm, and the RustFunction's error-rate, duration and throttles alarms.
      t.resourceCountIs('AWS::CloudWatch::Alarm', 4);
      t.resourceCountIs('AWS::SNS::Topic', 1);
      const topic = { Ref: expect.stringMatching(/^CdkRustAlarmTopic/) };
      for (const [id, name] of [
        [goId, 'GoAndRust-GoGreeter-ErrorRate'],
        [rustId, 'GoAndRust-Greeter-ErrorRate'],
      ]) {
        const [alarm] = Object.values(t.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name } }));
        expect(alarm.Properties).toMatchObject({ Threshold: 5, AlarmActions: [topic], OKActions: [topic] });
        // The alarm watches its own function's metrics.
        expect(alarm.Properties.Metrics).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              Id: 'errors',
              MetricStat: expect.objectContaining({
                Metric: expect.objectContaining({ Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }] }),
              }),
            }),
          ]),
        );
      }
    });

    test('cdk-nag AwsSolutions and Serverless: no unacknowledged finding', () => {
      const app = new App({
        outdir: tempDir('nag'),
        analyticsReporting: false,
        context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:failSynthOnValidationErrors': false },
      });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
      new GoAndRustStack(app, 'GoAndRust');
      new RustServiceStack(app, 'Service');
      new ExtensionFunctionStack(app, 'Extension');
      new StreamingFunctionStack(app, 'Streaming');
      new ManagedInstancesStack(app, 'Managed');
      expect(withoutUnscopableXrayFindings(nagFindings(app))).toEqual([]);
    });
  });
});
