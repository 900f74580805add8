import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Bundling, BundlingProps } from '../../lib/bundling/bundling';
import { readCargoWorkspace } from '../../lib/bundling/cargo';
import { cacheIdsFor } from '../../lib/bundling/dockerfile';
import { PlanProps, cargoBuildArgs, makeBuildPlan } from '../../lib/bundling/plan';
import { RustExtension, RustFunction, RustServiceImage } from '../../lib';
import { copyFixture, expectCdkRustError, fixture, thrownBy } from '../support';

/** A builder image pinned by digest: its identity needs no Docker (and it exists nowhere, so a build fails). */
const PINNED_IMAGE = `cdk-rust-test-builder@sha256:${'0'.repeat(64)}`;

describe('bundling: functions of one workspace share caches, never binaries', () => {
  const WORKSPACE = fixture('workspace');
  const BINS = ['alpha', 'beta', 'gamma'];

  test('functions of one workspace with the same settings share the caches; other settings get their own', () => {
    const ids = (props: PlanProps) => cacheIdsFor(makeBuildPlan(readCargoWorkspace(WORKSPACE), { env: {}, ...props }), 'img:1');
    const [a, b, c] = BINS.map((binaryName) => ids({ binaryName }));
    expect(new Set([a.target, b.target, c.target]).size).toBe(1);
    expect(ids({ binaryName: 'alpha', architecture: 'arm64' }).target).not.toBe(a.target);
    expect(ids({ binaryName: 'alpha', target: 'x86_64-unknown-linux-gnu' }).target).not.toBe(a.target);
    expect(cacheIdsFor(makeBuildPlan(readCargoWorkspace(WORKSPACE), { binaryName: 'alpha', env: {} }), 'img:2').target).not.toBe(a.target);
    expect(ids({ binaryName: 'alpha', features: ['x'] }).registry).toBe(a.registry);
  });

  test('each function builds only its own bin, with dependency features resolved for the whole workspace (as `cargo build --workspace`), so its binary does not depend on which bins are built with it', () => {
    for (const bin of BINS) {
      const args = cargoBuildArgs(makeBuildPlan(readCargoWorkspace(WORKSPACE), { binaryName: bin, env: {} }), '/t');
      expect(args).toEqual(expect.arrayContaining(['--workspace', '--bin', bin]));
      expect(args.filter((a) => a === '--bin')).toHaveLength(1);
      expect(args).not.toContain('--package');
    }
  });

  /** The asset hash of every function of an app whose functions are constructed in `order`, keyed by bin. */
  function appHashes(order: string[], selected?: string[]): Record<string, string> {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': selected ?? [] } });
    const hashes: Record<string, string> = {};
    for (const bin of order) {
      const stack = new Stack(app, `Stack-${bin}`);
      const fn = new lambda.Function(stack, 'Fn', {
        runtime: lambda.Runtime.PROVIDED_AL2023,
        handler: 'bootstrap',
        code: Bundling.bundle(
          { manifestPath: WORKSPACE, binaryName: bin, builderImage: PINNED_IMAGE, forceDockerBundling: true },
          stack,
          'Fn',
        ),
      });
      hashes[bin] = stack.resolve(((fn.node.defaultChild as lambda.CfnFunction).code as lambda.CfnFunction.CodeProperty).s3Key);
    }
    // Builds run once the app is complete, when it is synthesized.
    app.synth();
    return hashes;
  }

  test('asset hashes do not depend on construct order or on which other functions exist', () => {
    const forward = appHashes(['alpha', 'beta', 'gamma']);
    expect(appHashes(['gamma', 'beta', 'alpha'])).toEqual(forward);
    expect(appHashes(['beta'])).toEqual({ beta: forward.beta });
    expect(new Set(Object.values(forward)).size).toBe(3);
  });

  test('stacks that are not selected start no build (Stack.bundlingRequired)', () => {
    // No stack selected: nothing is built, even with an image that does not exist.
    expect(() => appHashes(['alpha', 'beta'], [])).not.toThrow();
    // Only Stack-beta selected: its build is attempted (and fails: no such image, or no Docker here);
    // Stack-alpha, constructed first, is skipped.
    const error = thrownBy(() => appHashes(['alpha', 'beta'], ['Stack-beta'])) as Error;
    expect(error.message).toContain('Stack-beta/Fn');
    expect(error.message).not.toContain('Stack-alpha');
  });
});

describe('bundling: every artifact gets the same notices (function, extension, service image)', () => {
  /** A copy of the hello crate with no Cargo.lock and a dotenv file beside its sources. */
  function unlockedProject(): string {
    const dir = copyFixture('hello');
    fs.rmSync(path.join(dir, 'Cargo.lock'));
    fs.writeFileSync(path.join(dir, '.env'), 'DATABASE_URL=postgres://user:pass@db/app\n');
    return path.join(dir, 'Cargo.toml');
  }

  const artifacts: Array<[string, (stack: Stack, manifestPath: string) => void]> = [
    ['RustFunction', (stack, manifestPath) => new RustFunction(stack, 'Art', { manifestPath, bundling: { builderImage: PINNED_IMAGE } })],
    ['RustExtension', (stack, manifestPath) => new RustExtension(stack, 'Art', { manifestPath, bundling: { builderImage: PINNED_IMAGE } })],
    [
      'RustServiceImage',
      (stack, manifestPath) => new RustServiceImage(stack, 'Art', { manifestPath, bundling: { builderImage: PINNED_IMAGE } }),
    ],
  ];

  test.each(artifacts)(
    '%s: a missing Cargo.lock is a warning naming the construct, and a file left out of the build is named',
    (_name, make) => {
      const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Notices');
      const written: string[] = [];
      const spy = jest.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array) => {
        written.push(chunk.toString());
        return true;
      }) as typeof process.stderr.write);
      try {
        make(stack, unlockedProject());
      } finally {
        spy.mockRestore();
      }
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('no Cargo.lock'));
      // On the construct, or (a function, whose code is bundled before it exists) its scope, naming its path.
      expect(warnings).toHaveLength(1);
      expect(JSON.stringify(warnings[0].entry.data)).toContain('Notices/Art: the workspace has no Cargo.lock');
      expect(written.join('')).toContain('[cdk-rust] left out of the build of hello: .env (credentials or a private key)');
    },
  );
});

describe('bundling: a toolchain file pinning what the default builder image lacks fails at synth time, not inside Docker', () => {
  /** A copy of hello pinned to the nightly channel (which the host has, so `cargo metadata` still runs here). */
  function pinnedToNightly(): string {
    const dir = copyFixture('hello');
    fs.writeFileSync(path.join(dir, 'rust-toolchain.toml'), '[toolchain]\nchannel = "nightly"\n');
    return path.join(dir, 'Cargo.toml');
  }

  /** Bundling.prepare of a Docker build, with no CDK_RUST_BUILDER_IMAGE in the environment (the default image). */
  function prepare(props: BundlingProps) {
    const saved = process.env.CDK_RUST_BUILDER_IMAGE;
    delete process.env.CDK_RUST_BUILDER_IMAGE;
    try {
      return Bundling.prepare({ forceDockerBundling: true, ...props }, { resolveImage: false });
    } finally {
      if (saved !== undefined) process.env.CDK_RUST_BUILDER_IMAGE = saved;
    }
  }

  test('a Docker build in the default image names the file, both toolchains and the fixes', () => {
    expectCdkRustError(
      () => prepare({ manifestPath: pinnedToNightly() }),
      'INVALID_PROP',
      'rust-toolchain.toml',
      '"nightly"',
      'Rust 1.95.0',
      'RUSTUP_TOOLCHAIN',
    );
  });

  test("RUSTUP_TOOLCHAIN set to the image's version, or another builder image, builds as asked", () => {
    const manifestPath = pinnedToNightly();
    expect(prepare({ manifestPath, buildEnvironment: { RUSTUP_TOOLCHAIN: '1.95.0' } }).plan.buildEnvironment.RUSTUP_TOOLCHAIN).toBe(
      '1.95.0',
    );
    expect(prepare({ manifestPath, builderImage: PINNED_IMAGE }).plan.builderImage).toBe(PINNED_IMAGE);
  });
});
