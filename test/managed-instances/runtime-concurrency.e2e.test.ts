/**
 * runtime-concurrency against the real lambda_runtime from the crates registry: the examples' greeter (plain `run`,
 * no feature) and concurrent-greeter (`concurrency-tokio`, `run_concurrent`), resolved by `cargo metadata` with
 * their dependencies (downloaded when the host's cache lacks them). No Docker: nothing is built.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RustFunction } from '../../lib';
import { runtimeConcurrency } from '../../lib/managed-instances/runtime-concurrency';
import { expectCdkRustError } from '../support';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

describe('runtime-concurrency: the real lambda_runtime, as Cargo resolves it', () => {
  test('concurrent-greeter enables concurrency-tokio on lambda_runtime 1.5', () => {
    const result = runtimeConcurrency(
      path.join(EXAMPLES, 'concurrent-greeter', 'Cargo.toml'),
      'concurrent-greeter',
      'aarch64-unknown-linux-musl',
    );
    expect(result).toEqual({ kind: 'concurrent', version: expect.stringMatching(/^1\./) });
  });

  test('greeter does not, so a RustFunction of it on a capacity provider is refused before any build', () => {
    const manifest = path.join(EXAMPLES, 'greeter', 'Cargo.toml');
    expect(runtimeConcurrency(manifest, 'greeter', 'x86_64-unknown-linux-musl')).toEqual({
      kind: 'sequential',
      version: expect.stringMatching(/^1\./),
    });
    const app = new App({ analyticsReporting: false });
    const stack = new Stack(app, 'Lmi');
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      natGateways: 0,
      subnetConfiguration: [{ name: 'f', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    const capacityProvider = new lambda.CapacityProvider(stack, 'Capacity', {
      subnets: vpc.isolatedSubnets,
      securityGroups: [new ec2.SecurityGroup(stack, 'Sg', { vpc })],
    });
    // The error comes from the constructor: bundling (a Docker build) would only start at synth.
    expectCdkRustError(
      () => new RustFunction(stack, 'Greeter', { manifestPath: manifest, managedInstances: { capacityProvider } }),
      'RUNTIME_NOT_CONCURRENT',
      'Lmi/Greeter',
      'without its `concurrency-tokio` feature',
    );
  });
});
