import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CargoWorkspace, parseSshUrl, readCargoWorkspace } from '../../lib/bundling/cargo';
import { cargoBuildArgs, cargoFetchArgs, makeBuildPlan } from '../../lib/bundling/plan';
import { copyFixture, expectCdkRustError, fixture, planOf } from '../support';

const KNOWN_HOST = '[127.0.0.1]:22222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBUEG8+F+xFfIyDYJWb43+PLqtA6kUu2BORCOGHhWhhx';

describe('plan: the binary to build is chosen, or the error lists the candidates', () => {
  test('a single bin needs no binaryName', () => {
    const plan = makeBuildPlan(readCargoWorkspace(fixture('hello')), {});
    expect([plan.packageName, plan.binaryName]).toEqual(['hello', 'hello']);
  });

  test('a binaryName that is not a bin of the package lists the bins', () => {
    expectCdkRustError(
      () => makeBuildPlan(readCargoWorkspace(fixture('multi-bin')), { binaryName: 'gamma' }),
      'BINARY_NOT_FOUND',
      'binaryName',
      '"gamma"',
      '"alpha"',
      '"beta"',
    );
  });

  test('several bins and no binaryName asks for one', () => {
    expectCdkRustError(
      () => makeBuildPlan(readCargoWorkspace(fixture('multi-bin')), {}),
      'BINARY_AMBIGUOUS',
      'binaryName is required',
      '"alpha"',
      '"beta"',
    );
  });

  test("a workspace root with no binaryName asks for one, listing every member's bins", () => {
    expectCdkRustError(
      () => makeBuildPlan(readCargoWorkspace(fixture('workspace')), {}),
      'BINARY_AMBIGUOUS',
      'binaryName is required',
      '"alpha" (package alpha)',
      '"gamma" (package gamma)',
    );
  });

  test('a workspace root with a binaryName finds its package', () => {
    const plan = makeBuildPlan(readCargoWorkspace(fixture('workspace')), { binaryName: 'gamma' });
    expect([plan.packageName, plan.binaryName]).toEqual(['gamma', 'gamma']);
  });

  test('a manifest with no binary at all says so', () => {
    expectCdkRustError(
      () => makeBuildPlan(readCargoWorkspace(fixture('workspace', 'crates/shared/Cargo.toml')), {}),
      'BINARY_NOT_FOUND',
      'package "shared" has no bin target',
    );
  });

  test('a [[bin]] whose path does not exist is reported at synth time, naming the file and the [[bin]] table', () => {
    expectCdkRustError(
      () => planOf('missing-bin-path', { binaryName: 'ghost' }),
      'BINARY_NOT_FOUND',
      'binaryName: the bin "ghost" of package "missing-bin-path" has its source at src/bin/ghost.rs, which does not exist',
      fixture('missing-bin-path', 'src/bin/ghost.rs'),
      'Fix: create src/bin/ghost.rs, or correct `path` in the [[bin]] table named "ghost" of ' + fixture('missing-bin-path'),
    );
    // The other bin of the package builds: cargo does not need the missing file for it.
    expect(planOf('missing-bin-path', { binaryName: 'present' }).binaryName).toBe('present');
  });
});

describe('plan: the target follows the architecture, and contradictions are errors', () => {
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
    expectCdkRustError(
      () => makeBuildPlan(ws(), { architecture: 'riscv64' }),
      'INVALID_PROP',
      'architecture',
      'riscv64',
      'Fix: use lambda.Architecture.X86_64',
    );
  });

  test('an unknown target is rejected with the supported list', () => {
    expectCdkRustError(
      () => makeBuildPlan(ws(), { target: 'wasm32-wasi' }),
      'UNKNOWN_TARGET',
      'bundling.target',
      'x86_64-unknown-linux-musl',
    );
  });

  test('a target that contradicts the architecture is rejected', () => {
    expectCdkRustError(
      () => makeBuildPlan(ws(), { architecture: 'arm64', target: 'x86_64-unknown-linux-musl' }),
      'ARCHITECTURE_MISMATCH',
      'x86_64',
      'arm64',
      'lambda.Architecture.X86_64',
    );
  });
});

describe('plan: every build option reaches cargo, and what cdk-rust owns is refused', () => {
  const ws = () => readCargoWorkspace(fixture('hello'));

  test('the cargo command carries every build option', () => {
    const plan = makeBuildPlan(ws(), {
      profile: 'dev',
      features: ['json', 'serde/std'],
      noDefaultFeatures: true,
      cargoArgs: ['--verbose'],
    });
    expect(cargoBuildArgs(plan, '/t')).toEqual([
      'build',
      '--locked',
      '--profile',
      'dev',
      '--target',
      'x86_64-unknown-linux-musl',
      '--package',
      'hello',
      '--bin',
      'hello',
      '--target-dir',
      '/t',
      '--no-default-features',
      '--features',
      'json,serde/std',
      '--verbose',
    ]);
    expect(plan.profileDir).toBe('debug');
    expect(cargoFetchArgs(plan)).toEqual(['fetch', '--locked']);
  });

  test('a -gnu target links glibc statically', () => {
    const plan = makeBuildPlan(ws(), { target: 'x86_64-unknown-linux-gnu' });
    expect(cargoBuildArgs(plan, '/t')).toContain('target.x86_64-unknown-linux-gnu.rustflags=["-C","target-feature=+crt-static"]');
  });

  test.each([
    ['--target=x', 'bundling.target'],
    ['--release', 'bundling.profile'],
    ['-p', 'manifestPath'],
    ['-F', 'bundling.features'],
  ])('cargoArgs may not carry %s: the fix names the option to set instead', (arg, option) => {
    expectCdkRustError(
      () => makeBuildPlan(ws(), { cargoArgs: [arg] }),
      'INVALID_PROP',
      `bundling.cargoArgs: "${arg}" is set by cdk-rust from ${option}`,
      `Fix: remove it from bundling.cargoArgs and set ${option} instead.`,
    );
  });

  test.each(['--offline', '--frozen'])('cargoArgs may not carry %s: the compile step is always offline', (arg) => {
    expectCdkRustError(
      () => makeBuildPlan(ws(), { cargoArgs: [arg] }),
      'INVALID_PROP',
      'always offline',
      'Fix: remove it from bundling.cargoArgs.',
    );
  });

  test.each([
    [['--target-dir', 'elsewhere']],
    [['--config', 'build.target-dir="elsewhere"']],
    [['--config=build.target-dir="elsewhere"']],
    [['--artifact-dir', 'out']],
  ])('cargoArgs may not move where the binary is written: %j', (cargoArgs) => {
    expectCdkRustError(
      () => makeBuildPlan(ws(), { cargoArgs }),
      'INVALID_PROP',
      'bundling.cargoArgs',
      'owned by cdk-rust',
      'picks the target directory',
      'Fix: remove it from bundling.cargoArgs.',
    );
  });

  test.each(['CARGO_TARGET_DIR', 'CARGO_BUILD_TARGET_DIR', 'SSH_AUTH_SOCK', 'GIT_SSH_COMMAND'])(
    'buildEnvironment may not set %s',
    (name) => {
      expectCdkRustError(
        () => makeBuildPlan(ws(), { buildEnvironment: { [name]: '/x' } }),
        'INVALID_PROP',
        `bundling.buildEnvironment.${name}`,
        'Fix: remove it',
      );
    },
  );

  test('a line break in a cargo argument is rejected before it can reach a Dockerfile', () => {
    expectCdkRustError(
      () => makeBuildPlan(ws(), { cargoArgs: ['--verbose', 'x\nRUN curl evil'] }),
      'INVALID_PROP',
      'bundling.cargoArgs[1]',
      'line break',
    );
  });

  test('the builder image must be an image reference, whether from the prop or CDK_RUST_BUILDER_IMAGE', () => {
    expectCdkRustError(
      () => makeBuildPlan(ws(), { env: { CDK_RUST_BUILDER_IMAGE: 'img:1\nRUN curl evil' } }),
      'INVALID_PROP',
      'CDK_RUST_BUILDER_IMAGE',
    );
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

describe('plan: private git dependencies need pinned host keys', () => {
  test('SSH forwarding turns on by itself when the lock file fetches over ssh://', () => {
    const plan = makeBuildPlan(readCargoWorkspace(fixture('private-dep')), { knownHosts: [KNOWN_HOST] });
    expect(plan.ssh.forward).toBe(true);
    expect(plan.ssh.sources.map((s) => [s.host, s.port])).toEqual([['127.0.0.1', 22222]]);
  });

  test('a crate without git dependencies does not forward the agent', () => {
    expect(makeBuildPlan(readCargoWorkspace(fixture('hello')), {}).ssh.forward).toBe(false);
  });

  test('no known_hosts entry for the ssh host is an error naming the host and the prop', () => {
    expectCdkRustError(
      () => makeBuildPlan(readCargoWorkspace(fixture('private-dep')), {}),
      'KNOWN_HOSTS_MISSING',
      'bundling.knownHosts',
      '[127.0.0.1]:22222',
      'Cargo.lock',
    );
  });

  test('a known_hosts line for another port does not count', () => {
    expectCdkRustError(
      () => makeBuildPlan(readCargoWorkspace(fixture('private-dep')), { knownHosts: [KNOWN_HOST.replace(':22222', ':2222')] }),
      'KNOWN_HOSTS_MISSING',
      '[127.0.0.1]:22222',
    );
  });

  test('a malformed known_hosts line is rejected', () => {
    expectCdkRustError(
      () => makeBuildPlan(readCargoWorkspace(fixture('hello')), { knownHosts: ['github.com'] }),
      'INVALID_PROP',
      'knownHosts[0]',
    );
  });

  test('scp-like git URLs are rejected with the ssh:// spelling (by cargo when reading the project, and by the plan)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-scp-'));
    fs.cpSync(path.dirname(fixture('hello')), dir, { recursive: true });
    fs.appendFileSync(path.join(dir, 'Cargo.toml'), '\n[dependencies]\nlib = { git = "git@github.com:org/lib.git" }\n');
    expectCdkRustError(() => readCargoWorkspace(path.join(dir, 'Cargo.toml')), 'CARGO_METADATA_FAILED', 'ssh://git@github.com/org/lib.git');
    // The plan is made from plain data: a workspace value naming such a source is refused too.
    const ws: CargoWorkspace = {
      ...readCargoWorkspace(fixture('hello')),
      sshGitSources: [parseSshUrl('git@github.com:org/lib.git', 'Cargo.toml')!],
    };
    expectCdkRustError(() => makeBuildPlan(ws, {}), 'INVALID_PROP', 'scp-like', 'ssh://git@github.com/org/lib.git');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('plan: a service image is built in Docker from a static binary, with the builder image CA bundle', () => {
  test('a service plan is a Docker build that exports the CA bundle; a Lambda plan is as it was', () => {
    const workspace = readCargoWorkspace(fixture('hello'));
    const service = makeBuildPlan(workspace, { containerImage: {} });
    expect(service).toMatchObject({ forceDocker: true, caBundle: true, target: 'x86_64-unknown-linux-musl' });
    const lambdaPlan = makeBuildPlan(workspace, {});
    expect('caBundle' in lambdaPlan).toBe(false);
    expect(lambdaPlan.forceDocker).toBe(false);
  });

  test('a glibc target for a service is refused: nothing in the image could load it', () => {
    expectCdkRustError(
      () => makeBuildPlan(readCargoWorkspace(fixture('hello')), { containerImage: {}, target: 'x86_64-unknown-linux-gnu' }),
      'INVALID_PROP',
      'bundling.target "x86_64-unknown-linux-gnu" links against glibc dynamically',
      'no dynamic loader',
      'use "x86_64-unknown-linux-musl"',
    );
  });
});

describe('plan: bundling.exclude is checked at synth time', () => {
  test('patterns are kept in the plan; none leaves the plan as it was', () => {
    expect(planOf('hello', { exclude: ['*.pem', 'testdata/'] }).exclude).toEqual(['*.pem', 'testdata/']);
    expect('exclude' in planOf('hello')).toBe(false);
  });

  test.each([[''], ['/abs/path'], ['../up'], ['a/../../up']])('%j is INVALID_PROP naming bundling.exclude[1]', (pattern) => {
    expectCdkRustError(() => planOf('hello', { exclude: ['*.pem', pattern] }), 'INVALID_PROP', 'bundling.exclude[1]', 'Fix:');
  });
});

describe('plan: bundling.buildSecrets names where a value comes from, checked at synth time, before Docker', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-plan-secrets-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the plan keeps the sources, sorted by id, never the values', () => {
    fs.writeFileSync(path.join(dir, 'token'), 'file-secret-value');
    const plan = planOf('hello', {
      buildSecrets: { REGISTRY_TOKEN: `file:${path.join(dir, 'token')}`, A_TOKEN: 'env:MY_TOKEN' },
      env: { MY_TOKEN: 'env-secret-value' },
    });
    expect(plan.buildSecrets).toEqual([
      { id: 'A_TOKEN', env: 'MY_TOKEN' },
      { id: 'REGISTRY_TOKEN', file: path.join(dir, 'token') },
    ]);
    expect(JSON.stringify(plan)).not.toMatch(/secret-value/);
    expect('buildSecrets' in planOf('hello')).toBe(false);
  });

  test('a relative file is read from the current directory', () => {
    fs.writeFileSync(path.join(dir, 'token'), 'x');
    const relative = path.relative(process.cwd(), path.join(dir, 'token'));
    expect(planOf('hello', { buildSecrets: { T: `file:${relative}` } }).buildSecrets).toEqual([{ id: 'T', file: path.join(dir, 'token') }]);
  });

  test.each<[string, Record<string, string>, Record<string, string>, string[]]>([
    ['an unset variable', { TOKEN: 'env:NOT_SET' }, {}, ['bundling.buildSecrets.TOKEN', 'NOT_SET is not set']],
    ['an empty variable', { TOKEN: 'env:EMPTY' }, { EMPTY: '' }, ['bundling.buildSecrets.TOKEN', 'EMPTY is empty']],
    [
      'a missing file',
      { TOKEN: 'file:/nonexistent/token' },
      {},
      ['bundling.buildSecrets.TOKEN', 'cannot read the file /nonexistent/token'],
    ],
    ['a source of another shape', { TOKEN: 'hunter2' }, {}, ['bundling.buildSecrets.TOKEN', 'is not a secret source', 'env:NAME']],
    ['a bad variable name in the source', { TOKEN: 'env:1X' }, {}, ['bundling.buildSecrets.TOKEN', '"1X"']],
    ['an id that is no variable name', { 'MY-TOKEN': 'env:X' }, { X: '1' }, ['bundling.buildSecrets', '"MY-TOKEN"']],
    ['an id cdk-rust owns', { SSH_AUTH_SOCK: 'env:X' }, { X: '1' }, ['bundling.buildSecrets.SSH_AUTH_SOCK', 'managed by cdk-rust']],
  ])('%s is INVALID_PROP naming the secret', (_what, buildSecrets, env, fragments) => {
    expectCdkRustError(() => planOf('hello', { buildSecrets, env }), 'INVALID_PROP', ...fragments);
  });

  test('an empty file, and an id that buildEnvironment sets too, are refused', () => {
    fs.writeFileSync(path.join(dir, 'empty'), '');
    expectCdkRustError(() => planOf('hello', { buildSecrets: { T: `file:${path.join(dir, 'empty')}` } }), 'INVALID_PROP', 'is empty');
    expectCdkRustError(
      () => planOf('hello', { buildSecrets: { T: 'env:X' }, buildEnvironment: { T: 'plain' }, env: { X: '1' } }),
      'INVALID_PROP',
      'bundling.buildSecrets.T',
      'bundling.buildEnvironment sets T too',
    );
  });
});

describe('plan: a --config file of cargoArgs must be a file of the workspace', () => {
  let dir: string;
  beforeEach(() => (dir = copyFixture('hello')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const plan = (cargoArgs: string[]) => makeBuildPlan(readCargoWorkspace(path.join(dir, 'Cargo.toml')), { env: {}, cargoArgs });

  test('a file relative to the workspace root becomes a build input; inline TOML stays an argument', () => {
    fs.mkdirSync(path.join(dir, 'ci'));
    fs.writeFileSync(path.join(dir, 'ci/cargo.toml'), '[build]\njobs = 1\n');
    const p = plan(['--config', 'ci/cargo.toml', '--config', 'build.jobs=2', '--config=profile.release.lto=true']);
    expect(p.cargoConfigFiles).toEqual([{ absolute: path.join(fs.realpathSync(dir), 'ci/cargo.toml'), prop: 'bundling.cargoArgs[1]' }]);
    expect(p.inputFiles).toContain(path.join(fs.realpathSync(dir), 'ci/cargo.toml'));
    expect('cargoConfigFiles' in plan(['--config', 'build.jobs=2'])).toBe(false);
  });

  test('an absolute path is refused: it does not exist inside the Docker build', () => {
    fs.writeFileSync(path.join(dir, 'ci.toml'), '[build]\n');
    expectCdkRustError(() => plan([`--config=${path.join(dir, 'ci.toml')}`]), 'INVALID_PROP', 'bundling.cargoArgs[0]', 'absolute path');
  });

  test('a file outside the workspace is refused: it cannot be in the build context', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-outside-config-'));
    fs.writeFileSync(path.join(outside, 'ci.toml'), '[build]\n');
    try {
      expectCdkRustError(
        () => plan(['--config', path.relative(dir, path.join(outside, 'ci.toml'))]),
        'INVALID_PROP',
        'bundling.cargoArgs[1]',
        'outside the workspace',
      );
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  test('a missing file is refused', () => {
    expectCdkRustError(() => plan(['--config', 'ci/missing.toml']), 'INVALID_PROP', 'bundling.cargoArgs[1]', 'does not exist');
  });
});
