/**
 * RustFunction on Lambda Managed Instances: the template wiring to the capacity provider, and what is refused or
 * warned about at synth time, before anything is built. Builds are skipped (bundling-stacks is empty); the crates
 * are fixtures whose lambda_runtime is a local stand-in, so `cargo metadata` needs no network.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { FunctionPackaging, RustFunction, RustFunctionProps } from '../../lib';
import { ManagedInstancesOptions } from '../../lib/managed-instances/managed-instances-options';
import { FIXTURES, expectCdkRustError, nagFindingsFor, withoutUnscopableXrayFindings } from '../support';

const crate = (name: string) => path.join(FIXTURES, 'managed-instances', name, 'Cargo.toml');
const BUNDLING = { builderImage: 'snapshot-builder:1', forceDockerBundling: true };

interface Built {
  readonly stack: Stack;
  readonly fn: RustFunction;
  readonly provider: lambda.CapacityProvider;
}

function providerIn(stack: Stack, architectures?: lambda.Architecture[]): lambda.CapacityProvider {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'fn', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const securityGroup = new ec2.SecurityGroup(stack, 'Sg', { vpc, allowAllOutbound: false });
  return new lambda.CapacityProvider(stack, 'Capacity', { subnets: vpc.isolatedSubnets, securityGroups: [securityGroup], architectures });
}

function build(
  props: Partial<RustFunctionProps> = {},
  managed: Partial<ManagedInstancesOptions> = {},
  options: { crateName?: string; architectures?: lambda.Architecture[] } = {},
): Built {
  const app = new App({ analyticsReporting: false, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Lmi', { env: { account: '123456789012', region: 'eu-west-1' } });
  const provider = providerIn(stack, options.architectures);
  const fn = new RustFunction(stack, 'Api', {
    manifestPath: crate(options.crateName ?? 'concurrent'),
    bundling: BUNDLING,
    ...props,
    managedInstances: { capacityProvider: provider, ...managed },
  });
  return { stack, fn, provider };
}

describe('managedInstances: the function is wired to its capacity provider', () => {
  test('the function names the provider, with the concurrency and memory per vCPU given, and is published', () => {
    const { stack } = build({}, { perExecutionEnvironmentMaxConcurrency: 64, executionEnvironmentMemoryGiBPerVCpu: 4 }, {});
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      CapacityProviderConfig: {
        LambdaManagedInstancesCapacityProviderConfig: {
          CapacityProviderArn: Match.anyValue(),
          PerExecutionEnvironmentMaxConcurrency: 64,
          ExecutionEnvironmentMemoryGiBPerVCpu: 4,
        },
      },
      MemorySize: 4096,
      Runtime: 'provided.al2023',
      Handler: 'bootstrap',
    });
    template.resourceCountIs('AWS::Lambda::CapacityProvider', 1);
  });

  test('memory defaults to 2048 MiB (2 GiB, 1 vCPU), the smallest Managed Instances take, not the zip default of 256', () => {
    const { stack } = build();
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { MemorySize: 2048 });
  });

  test('the minimum and maximum execution environments of $LATEST.PUBLISHED are passed on', () => {
    const { stack } = build({}, { latestPublishedScalingConfig: { minExecutionEnvironments: 3, maxExecutionEnvironments: 12 } });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      FunctionScalingConfig: { MinExecutionEnvironments: 3, MaxExecutionEnvironments: 12 },
    });
  });

  test('an imported provider is wired the same way, by its ARN', () => {
    const app = new App({ analyticsReporting: false, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Lmi', { env: { account: '123456789012', region: 'eu-west-1' } });
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:capacity-provider:shared';
    const provider = lambda.CapacityProvider.fromCapacityProviderArn(stack, 'Shared', arn);
    new RustFunction(stack, 'Api', {
      manifestPath: crate('concurrent'),
      bundling: BUNDLING,
      architecture: lambda.Architecture.ARM_64,
      managedInstances: { capacityProvider: provider, perExecutionEnvironmentMaxConcurrency: 16, publishToLatestPublished: true },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      CapacityProviderConfig: {
        LambdaManagedInstancesCapacityProviderConfig: { CapacityProviderArn: arn, PerExecutionEnvironmentMaxConcurrency: 16 },
      },
      PublishToLatestPublished: true,
      Architectures: ['arm64'],
    });
  });

  test('the role, the log group and the alarms stay as for any RustFunction', () => {
    const template = Template.fromStack(build().stack);
    // Error rate, duration and throttles.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] }),
    });
  });

  test('a container-image function goes on the provider the same way', () => {
    const { stack } = build({ packaging: FunctionPackaging.IMAGE }, { perExecutionEnvironmentMaxConcurrency: 8 });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      PackageType: 'Image',
      CapacityProviderConfig: { LambdaManagedInstancesCapacityProviderConfig: { PerExecutionEnvironmentMaxConcurrency: 8 } },
      MemorySize: 2048,
    });
  });

  test('an arm64 function fits an arm64 provider', () => {
    const { stack } = build({ architecture: lambda.Architecture.ARM_64 }, {}, { architectures: [lambda.Architecture.ARM_64] });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Architectures: ['arm64'] });
  });

  test('cdk-nag (AwsSolutions, Serverless) finds nothing on the function, its role or its alarm', () => {
    const findings = nagFindingsFor(
      (app) => {
        const stack = new Stack(app, 'Lmi', { env: { account: '123456789012', region: 'eu-west-1' } });
        new RustFunction(stack, 'Api', {
          manifestPath: crate('concurrent'),
          bundling: BUNDLING,
          managedInstances: { capacityProvider: providerIn(stack), perExecutionEnvironmentMaxConcurrency: 32 },
        });
      },
      { 'aws:cdk:bundling-stacks': [] },
    );
    // The VPC of this test (no flow logs) and the provider (its default operator role has the AWS-managed policy
    // Lambda documents for it; docs/functions.md says how to pass your own) are the test's, not the function's.
    const own = withoutUnscopableXrayFindings(findings).filter((f) => !/^Lmi\/(Vpc|Capacity)\//.test(f.path));
    expect(own).toEqual([]);
  });
});

describe('managedInstances: what does not fit is refused before anything is built', () => {
  test.each<[string, Partial<RustFunctionProps>, Partial<ManagedInstancesOptions>, string[]]>([
    ['memory below 2 GiB', { memorySize: 1024 }, {}, ['memorySize is 1024 MiB', 'from 2048 MiB', 'set memorySize between 2048 and 32768']],
    ['memory above 32 GiB', { memorySize: 65536 }, {}, ['memorySize is 65536 MiB']],
    ['memory that is not a whole number of vCPUs', { memorySize: 3072 }, {}, ['makes 1.5 vCPUs', 'a multiple of 2048 MiB']],
    [
      'less than one vCPU at the ratio',
      { memorySize: 2048 },
      { executionEnvironmentMemoryGiBPerVCpu: 4 },
      ['makes 0.5 vCPUs', 'a multiple of 4096 MiB'],
    ],
    [
      'a ratio outside 2 to 8',
      {},
      { executionEnvironmentMemoryGiBPerVCpu: 16 },
      ['managedInstances.executionEnvironmentMemoryGiBPerVCpu is 16', 'from 2 to 8'],
    ],
    [
      'a concurrency of 0',
      {},
      { perExecutionEnvironmentMaxConcurrency: 0 },
      ['managedInstances.perExecutionEnvironmentMaxConcurrency is 0', 'a whole number from 1 to 1600'],
    ],
    ['a fractional concurrency', {}, { perExecutionEnvironmentMaxConcurrency: 2.5 }, ['is 2.5']],
    ['snapStart', { snapStart: lambda.SnapStartConf.ON_PUBLISHED_VERSIONS }, {}, ['snapStart is set', 'drop snapStart']],
    [
      'provisioned concurrency',
      { currentVersionOptions: { provisionedConcurrentExecutions: 2 } },
      {},
      ['currentVersionOptions.provisionedConcurrentExecutions is set', 'minExecutionEnvironments'],
    ],
  ])('%s', (_name, props, managed, fragments) => {
    expectCdkRustError(() => build(props, managed), 'INVALID_PROP', 'Lmi/Api', ...fragments);
  });

  test("a vpc on the function: it runs in the provider's VPC", () => {
    const app = new App({ analyticsReporting: false, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Lmi');
    const provider = providerIn(stack);
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Other', { vpcId: 'vpc-1', availabilityZones: ['a'], privateSubnetIds: ['s-1'] });
    expectCdkRustError(
      () =>
        new RustFunction(stack, 'Api', {
          manifestPath: crate('concurrent'),
          bundling: BUNDLING,
          vpc,
          managedInstances: { capacityProvider: provider },
        }),
      'INVALID_PROP',
      'vpc is set',
      "capacity provider's VPC",
    );
  });

  test("an architecture the provider's instances do not have", () => {
    expectCdkRustError(
      () => build({ architecture: lambda.Architecture.ARM_64 }),
      'ARCHITECTURE_MISMATCH',
      'architecture is arm64',
      'runs x86_64 instances',
      'set architecture to lambda.Architecture.X86_64',
    );
    expectCdkRustError(
      () => build({}, {}, { architectures: [lambda.Architecture.ARM_64] }),
      'ARCHITECTURE_MISMATCH',
      'architecture is x86_64',
      'runs arm64',
    );
  });
});

describe("managedInstances: the crate's runtime must take concurrent invocations", () => {
  test('lambda_runtime without concurrency-tokio is refused, naming the feature, run_concurrent and the way out', () => {
    expectCdkRustError(
      () => build({}, {}, { crateName: 'sequential' }),
      'RUNTIME_NOT_CONCURRENT',
      'lambda_runtime 1.5.0 is built without its `concurrency-tokio` feature',
      "Lambda's default (8 per vCPU for Rust)",
      'run_concurrent',
      'perExecutionEnvironmentMaxConcurrency to 1',
    );
  });

  test('the same crate with a concurrency of 1 is fine: one invocation at a time is what it asks for', () => {
    const { stack } = build({}, { perExecutionEnvironmentMaxConcurrency: 1 }, { crateName: 'sequential' });
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('a crate without lambda_runtime is warned about (cdk-rust cannot tell), with the local check to run', () => {
    const { stack } = build({}, {}, { crateName: 'no-runtime' });
    const warnings = Annotations.fromStack(stack).findWarning('/Lmi/Api', Match.stringLikeRegexp('does not use lambda_runtime'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].entry.data)).toContain('cdk-rust invoke <function> --invocations 8');
  });

  test('a crate with concurrency-tokio gets no warning', () => {
    const { stack } = build();
    expect(Annotations.fromStack(stack).findWarning('/Lmi/Api', Match.stringLikeRegexp('lambda_runtime'))).toHaveLength(0);
  });
});
