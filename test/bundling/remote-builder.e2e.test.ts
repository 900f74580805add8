/**
 * Builds on a remote BuildKit builder, end to end: the buildkitd that scripts/dev-env.sh builds from the Go
 * module proxy and starts on a unix socket, used through buildx's `remote` driver (builder `cdk-rust-remote`),
 * with the builder image pulled by the builder from the loopback registry (digest-pinned). The hostile fixture
 * (test/fixtures/hostile-build) fetches a private git dependency through the forwarded agent and reports what
 * its build script could reach; a second client whose own Docker daemon is empty builds the same project and
 * finds the builder's cache mounts warm.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Bundling, BundlingProps } from '../../lib/bundling/bundling';
import { FreshDaemon, startFreshDaemon } from '../fresh-daemon';
import { captureStderr, clientEnv, copyFixture, devEnv, runBinary, tempDir, useEnvironment } from '../support';
import { ISOLATED_BUILD_REPORT } from './hostile-report';

const REMOTE_BUILDER = process.env.CDK_RUST_TEST_REMOTE_BUILDER;
const REMOTE_IMAGE = process.env.CDK_RUST_TEST_REMOTE_IMAGE;
/** The git server's address: reachable from the host network, so a build script on it could reach it too. */
const PROBE_ADDR = '127.0.0.1:22222';

if (!REMOTE_BUILDER || !REMOTE_IMAGE) {
  // eslint-disable-next-line no-console
  console.warn(
    'remote-builder.e2e: skipped: CDK_RUST_TEST_REMOTE_BUILDER / CDK_RUST_TEST_REMOTE_IMAGE are not set ' +
      '(run `scripts/dev-env.sh up`, which starts buildkitd and creates the builder).',
  );
}
const describeRemote = REMOTE_BUILDER && REMOTE_IMAGE ? describe : describe.skip;

/** Synthesizes an app with one function built from `props` into `outdir`; returns its asset directory and cdk-rust's lines. */
function synthFunction(outdir: string, props: BundlingProps): { assetDir: string; stderr: string; seconds: number } {
  const started = Date.now();
  const { stderr } = captureStderr(() => {
    const app = new cdk.App({ outdir });
    const stack = new cdk.Stack(app, 'Stack');
    new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.PROVIDED_AL2023, handler: 'bootstrap', code: Bundling.bundle(props) });
    app.synth();
  });
  const assets = fs.readdirSync(outdir).filter((f) => /^asset\.[0-9a-f]{64}$/.test(f));
  expect(assets).toHaveLength(1);
  return { assetDir: path.join(outdir, assets[0]), stderr, seconds: (Date.now() - started) / 1000 };
}

/** What the hostile fixture's build script reported, as name → verdict. */
function reportOf(bootstrap: string): Record<string, string> {
  return Object.fromEntries(
    runBinary(bootstrap)
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );
}

/** The build's log: the file named on cdk-rust's "built" line. */
function buildLogOf(stderr: string): string {
  const logFile = /full output: ([^)]+)\)/.exec(stderr)?.[1];
  expect(logFile).toBeDefined();
  return fs.readFileSync(logFile as string, 'utf-8');
}

/** The crates cargo compiled, from a build's log. */
function compiledIn(log: string): string[] {
  return [...log.matchAll(/Compiling (\S+) v/g)].map((m) => m[1]);
}

/** What buildx prints first in each run of a build on the remote builder. */
const ON_REMOTE = `building with "${REMOTE_BUILDER}" instance using remote driver`;

/** The remote builder's endpoint (unix://...sock), from `docker buildx inspect` in the dev environment's config. */
function remoteEndpoint(): string {
  const env = clientEnv('buildx');
  const inspect = spawnSync(env.CDK_DOCKER as string, ['buildx', 'inspect', REMOTE_BUILDER as string], {
    encoding: 'utf-8',
    env: { ...process.env, DOCKER_CONFIG: env.DOCKER_CONFIG },
  });
  const endpoint = /^Endpoint:\s+(\S+)/m.exec(inspect.stdout)?.[1];
  if (inspect.status !== 0 || !endpoint) throw new Error(`docker buildx inspect ${REMOTE_BUILDER} failed:\n${inspect.stderr}`);
  return endpoint;
}

describeRemote('a remote BuildKit builder (buildx remote driver): the build runs there, the binary comes back', () => {
  useEnvironment(() => ({ ...clientEnv('buildx'), BUILDX_BUILDER: undefined }));
  const crate = copyFixture('hostile-build');
  const props = (): BundlingProps => ({
    manifestPath: path.join(crate, 'Cargo.toml'),
    builderImage: REMOTE_IMAGE,
    builder: REMOTE_BUILDER,
    knownHosts: devEnv().knownHosts,
    forceDockerBundling: true,
    buildEnvironment: { PROBE_ADDR },
  });
  afterAll(() => fs.rmSync(crate, { recursive: true, force: true }));

  test('bundling.builder: the private dependency comes through the forwarded agent, the build script reaches nothing, and an unchanged re-synth builds nothing', () => {
    const outdir = tempDir('remote-out');
    const first = synthFunction(outdir, props());
    expect(first.stderr).toContain(
      '[cdk-rust] building hostile-build/hostile-build for x86_64-unknown-linux-musl (profile release) in Docker (buildx)',
    );
    expect(first.stderr).toContain('SSH agent forwarded');
    // The binary came back to this machine (--output), and its build script saw what the local daemon's would.
    expect(fs.readdirSync(first.assetDir)).toEqual(['bootstrap']);
    const log = buildLogOf(first.stderr);
    expect(log).toContain(ON_REMOTE);
    expect(log).not.toMatch(/building with "[^"]*" instance using docker driver/);
    expect(compiledIn(log)).toEqual(expect.arrayContaining(['private-greeting', 'hostile-build']));
    expect(reportOf(path.join(first.assetDir, 'bootstrap'))).toEqual(ISOLATED_BUILD_REPORT);
    // eslint-disable-next-line no-console
    console.log(`remote-builder.e2e: first synth through ${REMOTE_BUILDER}: ${first.seconds.toFixed(1)} s`);

    const before = fs.statSync(path.join(first.assetDir, 'bootstrap')).mtimeMs;
    const second = synthFunction(outdir, props());
    expect(second.assetDir).toBe(first.assetDir);
    expect(second.stderr).not.toContain('[cdk-rust] building');
    expect(fs.statSync(path.join(first.assetDir, 'bootstrap')).mtimeMs).toBe(before);
  });

  describe('a second client, whose own Docker daemon is empty, selecting the builder with BUILDX_BUILDER', () => {
    let daemon: FreshDaemon | undefined;
    let config: string;
    beforeAll(() => {
      daemon = startFreshDaemon();
      // A DOCKER_CONFIG of its own: the buildx plugin of the dev environment, and the remote builder created anew.
      config = tempDir('second-client-config');
      fs.symlinkSync(path.join(clientEnv('buildx').DOCKER_CONFIG as string, 'cli-plugins'), path.join(config, 'cli-plugins'));
      const create = spawnSync(
        clientEnv('buildx').CDK_DOCKER as string,
        ['buildx', 'create', '--name', REMOTE_BUILDER as string, '--driver', 'remote', remoteEndpoint()],
        { encoding: 'utf-8', env: daemon.env({ DOCKER_CONFIG: config }) },
      );
      if (create.status !== 0) throw new Error(`docker buildx create failed:\n${create.stderr}`);
    });
    afterAll(() => {
      daemon?.stop();
      if (config) fs.rmSync(config, { recursive: true, force: true });
    });

    test('builds the same project into a fresh cdk.out and compiles nothing: the cache mounts live on the builder', () => {
      const saved = { ...process.env };
      Object.assign(process.env, (daemon as FreshDaemon).env({ DOCKER_CONFIG: config, BUILDX_BUILDER: REMOTE_BUILDER }));
      try {
        const images = spawnSync(clientEnv('buildx').CDK_DOCKER as string, ['image', 'ls', '-q'], { encoding: 'utf-8', env: process.env });
        expect(images.stdout.trim()).toBe('');
        const { builder: _, ...viaEnvironment } = props();
        const outdir = tempDir('second-client-out');
        const built = synthFunction(outdir, viaEnvironment);
        expect(built.stderr).toContain('[cdk-rust] building hostile-build/hostile-build');
        // cargo ran on the builder (its target cache mount warm from the first client) and compiled nothing.
        const log = buildLogOf(built.stderr);
        expect(log).toContain(ON_REMOTE);
        expect(log).toMatch(/Finished `release` profile/);
        expect(compiledIn(log)).toEqual([]);
        expect(reportOf(path.join(built.assetDir, 'bootstrap')).greeting).toBe('hello probe, from a private git dependency');
        // eslint-disable-next-line no-console
        console.log(`remote-builder.e2e: second client, empty local daemon: ${built.seconds.toFixed(1)} s`);
      } finally {
        for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
        Object.assign(process.env, saved);
      }
    });
  });
});
