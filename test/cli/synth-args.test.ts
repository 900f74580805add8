/**
 * `cdk-rust synth` without a CDK app takes what a project like a sqlx service needs: the runtime environment, the
 * build environment and build secrets, checked by the flags' own rules here and by the constructs' rules at synth.
 */
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { HELP } from '../../lib/cli/parse-command';
import { synthArguments, synthOptionsOf } from '../../lib/cli/synth-args';
import { RustFunction } from '../../lib';
import { functionProps, oneConstructStack, serviceProps, synthFunctionApp } from '../../lib/cli/synth';
import { expectCdkRustError, fixture, tempDir } from '../support';

const MANIFEST = fixture('hello');

describe('synth-args: the runtime environment, build environment and build secrets reach the construct', () => {
  test('--env, --build-env and --build-secret become environment, bundling.buildEnvironment and bundling.buildSecrets', () => {
    const { service, options } = synthOptionsOf({
      manifest: MANIFEST,
      env: ['DATABASE_URL=postgres://db/app', 'APP_ENVIRONMENT=production'],
      'build-env': ['SQLX_OFFLINE=true'],
      'build-secret': ['NPM_TOKEN=env:NPM_TOKEN', 'CA=file:ca.pem'],
    });
    expect(service).toBe(false);
    expect(functionProps(options)).toMatchObject({
      environment: { DATABASE_URL: 'postgres://db/app', APP_ENVIRONMENT: 'production' },
      bundling: { buildEnvironment: { SQLX_OFFLINE: 'true' }, buildSecrets: { NPM_TOKEN: 'env:NPM_TOKEN', CA: 'file:ca.pem' } },
    });
    expect(serviceProps(synthOptionsOf({ manifest: MANIFEST, service: true, env: ['A=1'], 'build-env': ['B=2'] }).options)).toMatchObject({
      environment: { A: '1' },
      bundling: { buildEnvironment: { B: '2' } },
    });
  });

  test('a pair without "=" is CLI_USAGE naming the flag and the form it takes', () => {
    expectCdkRustError(
      () => synthOptionsOf({ manifest: MANIFEST, env: ['DATABASE_URL'] }),
      'CLI_USAGE',
      '--env DATABASE_URL',
      'NAME=VALUE',
    );
    expectCdkRustError(() => synthOptionsOf({ manifest: MANIFEST, 'build-env': ['=x'] }), 'CLI_USAGE', '--build-env =x');
    expectCdkRustError(
      () => synthOptionsOf({ manifest: MANIFEST, 'build-secret': ['TOKEN'] }),
      'CLI_USAGE',
      '--build-secret',
      'ID=env:NAME',
    );
  });

  test('service flags need --service, --force-docker is for functions, and --manifest is required', () => {
    expectCdkRustError(() => synthOptionsOf({ manifest: MANIFEST, port: '9090' }), 'CLI_USAGE', '--port is a service option');
    expectCdkRustError(() => synthOptionsOf({ manifest: MANIFEST, service: true, 'force-docker': true }), 'CLI_USAGE', '--force-docker');
    expectCdkRustError(() => synthOptionsOf({}), 'CLI_USAGE', 'synth needs --manifest');
    expectCdkRustError(() => synthOptionsOf({ manifest: MANIFEST, service: true, port: 'http' }), 'CLI_USAGE', '--port http');
  });

  test("the constructs' own rules apply before any build: a reserved build variable, an unreadable secret", () => {
    const outdir = tempDir('synth-args');
    const base = { manifestPath: MANIFEST, outdir, builderImage: `b@sha256:${'a'.repeat(64)}` };
    expectCdkRustError(
      () => synthFunctionApp({ ...base, buildEnvironment: { CARGO_TARGET_DIR: '/x' } }),
      'INVALID_PROP',
      'CARGO_TARGET_DIR',
    );
    expectCdkRustError(
      () => synthFunctionApp({ ...base, buildSecrets: { TOKEN: `file:${path.join(outdir, 'missing')}` } }),
      'INVALID_PROP',
      'bundling.buildSecrets',
    );
  });
});

describe('synth-args: the command line, parsed into typed options', () => {
  test('every flag reaches its option with its type: strings, lists, a number, booleans', () => {
    const parsed = synthArguments([
      ...['--manifest', MANIFEST, '--service', '--binary', 'api', '--alarm-email', 'a@example.com', '--alarm-email', 'b@example.com'],
      ...['--out', 'out-dir', '--stack-name', 'Api', '--features', 'tls, metrics,', '--builder-image', 'b:1'],
      ...['--port', '9090', '--health-check-path', '/ready', '--container-health-check', 'healthcheck  --quick', '--dashboard'],
    ]);
    expect(parsed).toEqual({
      service: true,
      options: expect.objectContaining({
        manifestPath: MANIFEST,
        binaryName: 'api',
        alarmEmails: ['a@example.com', 'b@example.com'],
        outdir: path.resolve('out-dir'),
        stackName: 'Api',
        features: ['tls', 'metrics'],
        builderImage: 'b:1',
        port: 9090,
        healthCheckPath: '/ready',
        containerHealthCheckArgs: ['healthcheck', '--quick'],
        dashboard: true,
      }),
    });
  });

  test('--help (or -h) asks for the usage, whatever else is given', () => {
    expect(synthArguments(['--help'])).toBe(HELP);
    expect(synthArguments(['-h', '--port', 'x'])).toBe(HELP);
  });

  test('--arch takes x86_64, amd64, arm64 or aarch64, as a lambda.Architecture for a function and an ecs.CpuArchitecture for a service', () => {
    expect(functionProps(synthOptionsOf({ manifest: MANIFEST }).options).architecture).toBe(lambda.Architecture.X86_64);
    expect(functionProps(synthOptionsOf({ manifest: MANIFEST, arch: 'aarch64' }).options).architecture).toBe(lambda.Architecture.ARM_64);
    expect(serviceProps(synthOptionsOf({ manifest: MANIFEST, service: true }).options).architecture).toBeUndefined();
    expect(serviceProps(synthOptionsOf({ manifest: MANIFEST, service: true, arch: 'arm64' }).options).architecture).toBe(
      ecs.CpuArchitecture.ARM64,
    );
    expect(serviceProps(synthOptionsOf({ manifest: MANIFEST, service: true, arch: 'amd64' }).options).architecture).toBe(
      ecs.CpuArchitecture.X86_64,
    );
  });

  test('an --arch neither runs is CLI_USAGE when the command line is read, naming Lambda or Fargate', () => {
    expectCdkRustError(
      () => synthOptionsOf({ manifest: MANIFEST, arch: 'sparc' }),
      'CLI_USAGE',
      '--arch: "sparc" is not an architecture Lambda runs.',
    );
    expectCdkRustError(
      () => synthOptionsOf({ manifest: MANIFEST, service: true, arch: 'x86' }),
      'CLI_USAGE',
      '--arch: "x86" is not an architecture Fargate runs.',
      'use --arch x86_64 or --arch arm64.',
    );
  });

  test("an unknown flag, or a value where none is taken, is CLI_USAGE in Node's words", () => {
    expectCdkRustError(() => synthArguments(['--manifest', MANIFEST, '--bogus']), 'CLI_USAGE', "Unknown option '--bogus'");
    expectCdkRustError(() => synthArguments(['--manifest', MANIFEST, 'extra']), 'CLI_USAGE', "Unexpected argument 'extra'");
  });
});

describe('synth-args: --dashboard adds the stack its OperationsDashboard', () => {
  function dashboards(dashboard: boolean | undefined): Record<string, any> {
    const app = new App({ outdir: tempDir('synth-dashboard'), context: { 'aws:cdk:bundling-stacks': [] } });
    const options = { ...synthOptionsOf({ manifest: MANIFEST, dashboard }).options, builderImage: 'b:1', forceDockerBundling: true };
    const stack = oneConstructStack(app, options);
    new RustFunction(stack, 'Function', functionProps(options));
    return Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard');
  }

  test("with --dashboard, the stack has one dashboard named after the stack and the deployment's region", () => {
    const found = Object.values(dashboards(true));
    expect(found).toHaveLength(1);
    expect(found[0].Properties.DashboardName).toEqual({ 'Fn::Join': ['', ['cdk-rust-hello-cdk-rust-', { Ref: 'AWS::Region' }]] });
    expect(JSON.stringify(found[0].Properties.DashboardBody)).toContain('### Function Function');
  });

  test('without it, there is none', () => {
    expect(dashboards(undefined)).toEqual({});
  });
});
