import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Bundling } from '../lib';
import { CargoWorkspace, parseSshUrl, readCargoWorkspace } from '../lib/bundling/cargo';
import { cacheIdsFor } from '../lib/bundling/dockerfile';
import { PlanProps, cargoBuildArgs, cargoFetchArgs, makeBuildPlan } from '../lib/bundling/plan';
import { expectCdkRustError, thrownBy } from './support';

const fixture = (name: string, file = 'Cargo.toml') => path.join(__dirname, 'fixtures', name, file);
/** A builder image pinned by digest: its identity needs no Docker (and it exists nowhere, so a build fails). */
const PINNED_IMAGE = `cdk-rust-test-builder@sha256:${'0'.repeat(64)}`;
const KNOWN_HOST = '[127.0.0.1]:22222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBUEG8+F+xFfIyDYJWb43+PLqtA6kUu2BORCOGHhWhhx';


describe('reading the Cargo project', () => {
  test('a package: its root, bins and lock file', () => {
    const ws = readCargoWorkspace(fixture('hello'));
    expect(ws.root).toBe(path.dirname(fixture('hello')));
    expect(ws.selectedPackage?.name).toBe('hello');
    expect(ws.selectedPackage?.bins.map((b) => b.name)).toEqual(['hello']);
    expect(ws.lockFile).toBe(fixture('hello', 'Cargo.lock'));
  });

  test('a virtual workspace: every member, no selected package', () => {
    const ws = readCargoWorkspace(fixture('workspace'));
    expect(ws.selectedPackage).toBeUndefined();
    expect(ws.members.map((m) => m.name).sort()).toEqual(['alpha', 'beta', 'gamma', 'shared']);
  });

  test('a member of a workspace: the workspace root is the build root', () => {
    const ws = readCargoWorkspace(fixture('workspace', 'functions/beta/Cargo.toml'));
    expect(ws.root).toBe(path.dirname(fixture('workspace')));
    expect(ws.selectedPackage?.name).toBe('beta');
  });

  test('no Cargo.toml at the path names the path and the fix', () => {
    expectCdkRustError(() => readCargoWorkspace('/nonexistent/Cargo.toml'), 'MANIFEST_NOT_FOUND', 'manifestPath', '/nonexistent/Cargo.toml');
  });

  test('a directory instead of a manifest says which file to use', () => {
    expectCdkRustError(() => readCargoWorkspace(path.dirname(fixture('hello'))), 'MANIFEST_NOT_FOUND', fixture('hello'));
  });

  test('a broken manifest shows cargo\'s own complaint', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-bad-'));
    fs.writeFileSync(path.join(dir, 'Cargo.toml'), '[package]\nname = "x"\nversion = \n');
    expectCdkRustError(() => readCargoWorkspace(path.join(dir, 'Cargo.toml')), 'CARGO_METADATA_FAILED', 'cargo metadata', 'Cargo.toml');
  });
});

describe('choosing the binary', () => {
  test('a single bin needs no binaryName', () => {
    const plan = makeBuildPlan(readCargoWorkspace(fixture('hello')), {});
    expect([plan.packageName, plan.binaryName]).toEqual(['hello', 'hello']);
  });

  test('a binaryName that is not a bin of the package lists the bins', () => {
    expectCdkRustError(() => makeBuildPlan(readCargoWorkspace(fixture('multi-bin')), { binaryName: 'gamma' }),
      'BINARY_NOT_FOUND', 'binaryName', '"gamma"', '"alpha"', '"beta"');
  });

  test('several bins and no binaryName asks for one', () => {
    expectCdkRustError(() => makeBuildPlan(readCargoWorkspace(fixture('multi-bin')), {}),
      'BINARY_AMBIGUOUS', 'binaryName is required', '"alpha"', '"beta"');
  });

  test('a workspace root with no binaryName asks for one, listing every member\'s bins', () => {
    expectCdkRustError(() => makeBuildPlan(readCargoWorkspace(fixture('workspace')), {}),
      'BINARY_AMBIGUOUS', 'binaryName is required', '"alpha" (package alpha)', '"gamma" (package gamma)');
  });

  test('a workspace root with a binaryName finds its package', () => {
    const plan = makeBuildPlan(readCargoWorkspace(fixture('workspace')), { binaryName: 'gamma' });
    expect([plan.packageName, plan.binaryName]).toEqual(['gamma', 'gamma']);
  });

  test('a manifest with no binary at all says so', () => {
    expectCdkRustError(() => makeBuildPlan(readCargoWorkspace(fixture('workspace', 'crates/shared/Cargo.toml')), {}),
      'BINARY_NOT_FOUND', 'package "shared" has no bin target');
  });
});

describe('targets and architectures', () => {
  const ws = () => readCargoWorkspace(fixture('hello'));

  test.each([
    [undefined, undefined, 'x86_64-unknown-linux-musl'],
    ['x86_64', undefined, 'x86_64-unknown-linux-musl'],
    ['arm64', undefined, 'aarch64-unknown-linux-musl'],
    ['x86_64', 'x86_64-unknown-linux-gnu', 'x86_64-unknown-linux-gnu'],
    ['arm64', 'aarch64-unknown-linux-gnu', 'aarch64-unknown-linux-gnu'],
  ])('architecture %s with target %s builds %s', (architecture, target, expected) => {
    expect(makeBuildPlan(ws(), { architecture, target }).target).toBe(expected);
  });

  test('an unknown architecture is rejected', () => {
    expectCdkRustError(() => makeBuildPlan(ws(), { architecture: 'riscv64' }), 'UNKNOWN_TARGET', 'architecture', 'riscv64');
  });

  test('an unknown target is rejected with the supported list', () => {
    expectCdkRustError(() => makeBuildPlan(ws(), { target: 'wasm32-wasi' }), 'UNKNOWN_TARGET', 'bundling.target', 'x86_64-unknown-linux-musl');
  });

  test('a target that contradicts the architecture is rejected', () => {
    expectCdkRustError(() => makeBuildPlan(ws(), { architecture: 'arm64', target: 'x86_64-unknown-linux-musl' }),
      'ARCHITECTURE_MISMATCH', 'x86_64', 'arm64', 'lambda.Architecture.X86_64');
  });
});

describe('options', () => {
  const ws = () => readCargoWorkspace(fixture('hello'));

  test('the cargo command carries every build option', () => {
    const plan = makeBuildPlan(ws(), {
      profile: 'dev',
      features: ['json', 'serde/std'],
      noDefaultFeatures: true,
      cargoArgs: ['--verbose'],
    });
    expect(cargoBuildArgs(plan, '/t')).toEqual([
      'build', '--locked', '--profile', 'dev', '--target', 'x86_64-unknown-linux-musl', '--package', 'hello', '--bin', 'hello',
      '--target-dir', '/t', '--no-default-features', '--features', 'json,serde/std', '--verbose',
    ]);
    expect(plan.profileDir).toBe('debug');
    expect(cargoFetchArgs(plan)).toEqual(['fetch', '--locked']);
  });

  test('a -gnu target links glibc statically', () => {
    const plan = makeBuildPlan(ws(), { target: 'x86_64-unknown-linux-gnu' });
    expect(cargoBuildArgs(plan, '/t')).toContain('target.x86_64-unknown-linux-gnu.rustflags=["-C","target-feature=+crt-static"]');
  });

  test.each([['--target=x', 'target'], ['--release', 'profile'], ['-p', 'manifestPath'], ['--offline', 'always offline']])(
    'cargoArgs may not carry %s', (arg, option) => {
      expectCdkRustError(() => makeBuildPlan(ws(), { cargoArgs: [arg] }), 'INVALID_PROP', 'bundling.cargoArgs', arg, option);
    });

  test.each([
    [['--target-dir', 'elsewhere']],
    [['--config', 'build.target-dir="elsewhere"']],
    [['--config=build.target-dir="elsewhere"']],
    [['--artifact-dir', 'out']],
  ])('cargoArgs may not move where the binary is written: %j', (cargoArgs) => {
    expectCdkRustError(() => makeBuildPlan(ws(), { cargoArgs }), 'INVALID_PROP', 'bundling.cargoArgs', 'cdk-rust owns', 'Fix: remove it');
  });

  test.each(['CARGO_TARGET_DIR', 'CARGO_BUILD_TARGET_DIR', 'SSH_AUTH_SOCK', 'GIT_SSH_COMMAND'])(
    'buildEnvironment may not set %s', (name) => {
      expectCdkRustError(() => makeBuildPlan(ws(), { buildEnvironment: { [name]: '/x' } }), 'INVALID_PROP', `bundling.buildEnvironment.${name}`, 'Fix: remove it');
    });

  test('a line break in a cargo argument is rejected before it can reach a Dockerfile', () => {
    expectCdkRustError(() => makeBuildPlan(ws(), { cargoArgs: ['--verbose', 'x\nRUN curl evil'] }), 'INVALID_PROP', 'bundling.cargoArgs[1]', 'line break');
  });

  test('the builder image must be an image reference, whether from the prop or CDK_RUST_BUILDER_IMAGE', () => {
    expectCdkRustError(() => makeBuildPlan(ws(), { env: { CDK_RUST_BUILDER_IMAGE: 'img:1\nRUN curl evil' } }), 'INVALID_PROP', 'CDK_RUST_BUILDER_IMAGE');
    expectCdkRustError(() => makeBuildPlan(ws(), { builderImage: 'img 1' }), 'INVALID_PROP', 'bundling.builderImage', 'Fix:');
    for (const ok of ['img:1', 'registry.example.com:5000/team/rust-builder:1.95.0', `builder@sha256:${'a'.repeat(64)}`]) {
      expect(makeBuildPlan(ws(), { builderImage: ok }).builderImage).toBe(ok);
    }
  });

  test('bad profile, feature and environment names are rejected', () => {
    expectCdkRustError(() => makeBuildPlan(ws(), { profile: 'rel ease' }), 'INVALID_PROP', 'bundling.profile');
    expectCdkRustError(() => makeBuildPlan(ws(), { features: ['a b'] }), 'INVALID_PROP', 'bundling.features');
    expectCdkRustError(() => makeBuildPlan(ws(), { buildEnvironment: { '1X': 'y' } }), 'INVALID_PROP', 'bundling.buildEnvironment');
    expectCdkRustError(() => makeBuildPlan(ws(), { buildEnvironment: { X: 'a\nb' } }), 'INVALID_PROP', 'bundling.buildEnvironment.X');
  });

  test('the builder image comes from the prop, then CDK_RUST_BUILDER_IMAGE, then the default', () => {
    expect(makeBuildPlan(ws(), { builderImage: 'mine:1', env: { CDK_RUST_BUILDER_IMAGE: 'env:1' } }).builderImage).toBe('mine:1');
    expect(makeBuildPlan(ws(), { env: { CDK_RUST_BUILDER_IMAGE: 'env:1' } }).builderImage).toBe('env:1');
    expect(makeBuildPlan(ws(), { env: {} }).builderImage).toBeUndefined();
  });
});

describe('private git dependencies over SSH', () => {
  test('SSH forwarding turns on by itself when the lock file fetches over ssh://', () => {
    const plan = makeBuildPlan(readCargoWorkspace(fixture('private-dep')), { knownHosts: [KNOWN_HOST] });
    expect(plan.ssh.forward).toBe(true);
    expect(plan.ssh.sources.map((s) => [s.host, s.port])).toEqual([['127.0.0.1', 22222]]);
  });

  test('a crate without git dependencies does not forward the agent', () => {
    expect(makeBuildPlan(readCargoWorkspace(fixture('hello')), {}).ssh.forward).toBe(false);
  });

  test('no known_hosts entry for the ssh host is an error naming the host and the prop', () => {
    expectCdkRustError(() => makeBuildPlan(readCargoWorkspace(fixture('private-dep')), {}),
      'KNOWN_HOSTS_MISSING', 'bundling.knownHosts', '[127.0.0.1]:22222', 'Cargo.lock');
  });

  test('a known_hosts line for another port does not count', () => {
    expectCdkRustError(() => makeBuildPlan(readCargoWorkspace(fixture('private-dep')), { knownHosts: [KNOWN_HOST.replace(':22222', ':2222')] }),
      'KNOWN_HOSTS_MISSING', '[127.0.0.1]:22222');
  });

  test('a malformed known_hosts line is rejected', () => {
    expectCdkRustError(() => makeBuildPlan(readCargoWorkspace(fixture('hello')), { knownHosts: ['github.com'] }),
      'INVALID_PROP', 'knownHosts[0]');
  });

  test('scp-like git URLs are rejected with the ssh:// spelling', () => {
    const ws: CargoWorkspace = { ...readCargoWorkspace(fixture('hello')), lockFile: undefined };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-scp-'));
    const manifest = path.join(dir, 'Cargo.toml');
    fs.writeFileSync(manifest, '[dependencies]\nlib = { git = "git@github.com:org/lib.git" }\n');
    const members = [{ ...ws.members[0], manifestPath: manifest }];
    expectCdkRustError(() => makeBuildPlan({ ...ws, members, selectedPackage: members[0] }, {}),
      'INVALID_PROP', 'scp-like', 'ssh://git@github.com/org/lib.git');
  });

  test.each([
    ['ssh://git@github.com/org/repo.git', 'github.com', undefined],
    ['ssh://git@example.com:2200/org/repo.git', 'example.com', 2200],
    ['ssh://example.com:22/x.git', 'example.com', undefined],
    ['ssh://git@[::1]:2222/x.git', '::1', 2222],
    ['git@gitlab.com:org/repo.git', 'gitlab.com', undefined],
  ])('parses %s', (url, host, port) => {
    expect(parseSshUrl(url, 'Cargo.toml')).toMatchObject({ host, port });
  });

  test('https URLs are not SSH', () => {
    expect(parseSshUrl('https://github.com/org/repo.git', 'Cargo.toml')).toBeUndefined();
  });
});

describe('workspace builds', () => {
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

  test('each function builds only its own package and bin, so its binary does not depend on the others', () => {
    for (const bin of BINS) {
      const args = cargoBuildArgs(makeBuildPlan(readCargoWorkspace(WORKSPACE), { binaryName: bin, env: {} }), '/t');
      expect(args).toEqual(expect.arrayContaining(['--package', bin, '--bin', bin]));
      expect(args).not.toContain('--workspace');
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
        code: Bundling.bundle({ manifestPath: WORKSPACE, binaryName: bin, builderImage: PINNED_IMAGE, forceDockerBundling: true }, stack, 'Fn'),
      });
      hashes[bin] = ((fn.node.defaultChild as lambda.CfnFunction).code as lambda.CfnFunction.CodeProperty).s3Key as string;
    }
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
