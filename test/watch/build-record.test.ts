import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RustFunction } from '../../lib';
import { Bundling, BundlingProps } from '../../lib/bundling/bundling';
import { findAssemblyFunction } from '../../lib/invoke/assembly';
import { BUILD_RECORD_TYPE, environmentDigest, readBuildRecord, recordedBundlingOptions } from '../../lib/watch/build-record';
import { bundlingPropsOf } from '../../lib/watch/build-runner';
import { copyFixture, expectCdkRustError, FIXTURES, listFiles, tempDir } from '../support';

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
    const { sshAgentSocket: _left, buildEnvironment, ...kept } = bundling;
    const manifestPath = path.join(FIXTURES, 'multi-bin', 'Cargo.toml');
    expect(record).toEqual({
      manifestPath,
      binaryName: 'beta',
      architecture: 'arm64',
      bundling: {
        ...kept,
        buildEnvironmentDigests: { RUSTFLAGS: environmentDigest(manifestPath, 'RUSTFLAGS', buildEnvironment.RUSTFLAGS) },
      },
      assetHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // Watch runs in the shell that synthesized: the value comes from there, checked against the digest.
    const saved = process.env.RUSTFLAGS;
    process.env.RUSTFLAGS = buildEnvironment.RUSTFLAGS;
    let props: BundlingProps;
    try {
      props = bundlingPropsOf(record);
    } finally {
      if (saved === undefined) delete process.env.RUSTFLAGS;
      else process.env.RUSTFLAGS = saved;
    }
    // The recorded hash is the one Bundling.prepare gives the same props again (this stack was not bundled,
    // so neither asks Docker for the image's identity).
    expect(Bundling.prepare(props, { resolveImage: false }).assetHash).toBe(record.assetHash);
    expect(props.architecture?.name).toBe('arm64');
    expect(props).toMatchObject({ ...kept, buildEnvironment, manifestPath: record.manifestPath, binaryName: 'beta' });
  });

  test('files are recorded with absolute sources, so a rebuild ships the same files and gets the same hash', () => {
    const project = copyFixture('hello');
    fs.mkdirSync(path.join(project, 'configuration'));
    fs.writeFileSync(path.join(project, 'configuration', 'base.yaml'), 'greeting: hello\n');
    const manifestPath = path.join(project, 'Cargo.toml');
    const outdir = synth((stack) => {
      new RustFunction(stack, 'Api', {
        manifestPath,
        files: [{ source: 'configuration', destination: 'config' }],
        bundling: { builderImage: `builder@sha256:${'a'.repeat(64)}` },
      });
    });
    const record = readBuildRecord(outdir, findAssemblyFunction(outdir, 'S/Api'));
    expect(record.files).toEqual([{ source: path.join(project, 'configuration'), destination: 'config' }]);
    const prepared = Bundling.prepare(bundlingPropsOf(record), { resolveImage: false });
    expect(prepared.assetHash).toBe(record.assetHash);
    expect(prepared.files.map((f) => f.destination)).toEqual(['config', 'config/base.yaml']);
  });

  test('no value of buildEnvironment or buildSecrets reaches the assembly (issue 19, finding 10)', () => {
    const token = 'tok-9c1e7d5b2a-value';
    const secretFile = path.join(tempDir('record-secret'), 'token');
    fs.writeFileSync(secretFile, `${token}-from-file`);
    process.env.CDK_RUST_TEST_RECORD_TOKEN = `${token}-from-env`;
    try {
      const outdir = synth((stack) => {
        new RustFunction(stack, 'Api', {
          manifestPath: path.join(FIXTURES, 'hello', 'Cargo.toml'),
          bundling: {
            buildEnvironment: { CARGO_REGISTRIES_MINE_TOKEN: token },
            buildSecrets: { A_TOKEN: 'env:CDK_RUST_TEST_RECORD_TOKEN', B_TOKEN: `file:${secretFile}` },
          },
        });
      });
      for (const file of listFiles(outdir)) expect(fs.readFileSync(file, 'utf-8')).not.toContain(token);
      const record = readBuildRecord(outdir, findAssemblyFunction(outdir, 'S/Api'));
      expect(record.bundling.buildSecrets).toEqual({ A_TOKEN: 'env:CDK_RUST_TEST_RECORD_TOKEN', B_TOKEN: `file:${secretFile}` });
      expect(Object.keys(record.bundling.buildEnvironmentDigests ?? {})).toEqual(['CARGO_REGISTRIES_MINE_TOKEN']);
    } finally {
      delete process.env.CDK_RUST_TEST_RECORD_TOKEN;
      fs.rmSync(path.dirname(secretFile), { recursive: true, force: true });
    }
  });

  test('watch builds only with the values synth used: a missing or different value is CLI_USAGE naming the variable', () => {
    const outdir = synth(
      (stack) =>
        new RustFunction(stack, 'Api', {
          manifestPath: path.join(FIXTURES, 'hello', 'Cargo.toml'),
          bundling: { buildEnvironment: { LEVEL: '3' } },
        }),
    );
    const record = readBuildRecord(outdir, findAssemblyFunction(outdir, 'S/Api'));
    expect(recordedBundlingOptions(record, { LEVEL: '3' }).buildEnvironment).toEqual({ LEVEL: '3' });
    expectCdkRustError(
      () => recordedBundlingOptions(record, {}),
      'CLI_USAGE',
      'bundling.buildEnvironment.LEVEL',
      'is not set',
      'export LEVEL',
    );
    expectCdkRustError(() => recordedBundlingOptions(record, { LEVEL: '4' }), 'CLI_USAGE', 'has another value');
  });

  test('a relative secret file is recorded as the absolute path synth read', () => {
    const dir = tempDir('record-relative');
    fs.writeFileSync(path.join(dir, 'token'), 'x');
    const relative = path.relative(process.cwd(), path.join(dir, 'token'));
    const outdir = synth(
      (stack) =>
        new RustFunction(stack, 'Api', {
          manifestPath: path.join(FIXTURES, 'hello', 'Cargo.toml'),
          bundling: { buildSecrets: { T: `file:${relative}` } },
        }),
    );
    expect(readBuildRecord(outdir, findAssemblyFunction(outdir, 'S/Api')).bundling.buildSecrets).toEqual({
      T: `file:${path.join(dir, 'token')}`,
    });
    fs.rmSync(dir, { recursive: true, force: true });
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
