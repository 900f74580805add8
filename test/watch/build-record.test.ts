import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RustFunction } from '../../lib';
import { Bundling } from '../../lib/bundling/bundling';
import { findAssemblyFunction } from '../../lib/invoke/assembly';
import { BUILD_RECORD_TYPE, readBuildRecord } from '../../lib/watch/build-record';
import { bundlingPropsOf } from '../../lib/watch/build-runner';
import { expectCdkRustError, FIXTURES, tempDir } from '../support';

function synth(build: (stack: Stack) => void): string {
  const outdir = tempDir('build-record');
  const app = new App({ outdir, analyticsReporting: false, context: { 'aws:cdk:bundling-stacks': [] } });
  build(new Stack(app, 'S'));
  app.synth();
  return outdir;
}

describe('build record: RustFunction records how its code is built, in the manifest, for cdk-rust watch', () => {
  test('the record round-trips through the cloud assembly to the props Bundling.prepare takes, without the SSH agent socket', () => {
    const bundling = {
      features: ['fast'],
      profile: 'dev',
      cargoArgs: ['--verbose'],
      buildEnvironment: { RUSTFLAGS: '-Ctarget-cpu=neoverse-n1' },
      forceDockerBundling: true,
      sshAgentSocket: '/run/user/1000/agent.sock',
      knownHosts: ['git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl'],
    };
    const outdir = synth((stack) => {
      new RustFunction(stack, 'Api', {
        manifestPath: path.relative(process.cwd(), path.join(FIXTURES, 'multi-bin', 'Cargo.toml')),
        binaryName: 'beta',
        architecture: lambda.Architecture.ARM_64,
        bundling,
      });
    });
    const record = readBuildRecord(outdir, findAssemblyFunction(outdir, 'S/Api'));
    const { sshAgentSocket: _left, ...kept } = bundling;
    expect(record).toEqual({
      manifestPath: path.join(FIXTURES, 'multi-bin', 'Cargo.toml'),
      binaryName: 'beta',
      architecture: 'arm64',
      bundling: kept,
      assetHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const props = bundlingPropsOf(record);
    // The recorded hash is the one Bundling.prepare gives the same props again (this stack was not bundled,
    // so neither asks Docker for the image's identity).
    expect(Bundling.prepare(props, { resolveImage: false }).assetHash).toBe(record.assetHash);
    expect(props.architecture?.name).toBe('arm64');
    expect(props).toMatchObject({ ...kept, manifestPath: record.manifestPath, binaryName: 'beta' });
  });

  test('the record stays out of the template', () => {
    const outdir = synth((stack) => new RustFunction(stack, 'Api', { manifestPath: path.join(FIXTURES, 'hello', 'Cargo.toml') }));
    const template = fs.readFileSync(path.join(outdir, 'S.template.json'), 'utf-8');
    expect(template).not.toContain(BUILD_RECORD_TYPE);
    expect(template).not.toContain(path.join(FIXTURES, 'hello'));
    expect(readBuildRecord(outdir, findAssemblyFunction(outdir, 'S/Api')).architecture).toBe('x86_64');
  });

  test('a function that is not a RustFunction has no record: FUNCTION_NOT_FOUND says to watch a RustFunction', () => {
    const outdir = synth(
      (stack) =>
        new lambda.Function(stack, 'Plain', {
          runtime: lambda.Runtime.NODEJS_24_X,
          handler: 'index.handler',
          code: lambda.Code.fromInline('x'),
        }),
    );
    expectCdkRustError(
      () => readBuildRecord(outdir, findAssemblyFunction(outdir, 'S/Plain')),
      'FUNCTION_NOT_FOUND',
      'S/Plain has no cdk-rust build record',
    );
  });
});
