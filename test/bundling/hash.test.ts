import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Bundling, BundlingProps } from '../../lib/bundling/bundling';
import { collectInputs } from '../../lib/bundling/hash';
import { BuildPlan } from '../../lib/bundling/plan';
import { copyFixture, expectCdkRustError, FIXTURES } from '../support';

/** Builder images pinned by digest: their identity needs no Docker. */
const IMAGE_1 = `builder@sha256:${'1'.repeat(64)}`;
const IMAGE_2 = `builder@sha256:${'2'.repeat(64)}`;

function hashOf(dir: string, props: Partial<BundlingProps> = {}): string {
  return Bundling.prepare({ manifestPath: path.join(dir, 'Cargo.toml'), builderImage: IMAGE_1, forceDockerBundling: true, ...props })
    .assetHash;
}

describe('the asset hash', () => {
  let dir: string;
  let base: string;
  beforeEach(() => {
    dir = copyFixture('workspace');
    base = hashOf(dir, { binaryName: 'alpha' });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('does not depend on where the project lives', () => {
    const other = copyFixture('workspace');
    try {
      expect(hashOf(other, { binaryName: 'alpha' })).toBe(base);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  test('ignores target/, node_modules/ and cdk.out/ of packages, .git/, tagged caches and modification times', () => {
    for (const d of ['target/release', '.git', 'node_modules/x', 'cdk.out', 'functions/alpha/target', 'functions/alpha/.git/objects']) {
      fs.mkdirSync(path.join(dir, d), { recursive: true });
      fs.writeFileSync(path.join(dir, d, 'junk'), String(Math.random()));
    }
    // A target directory moved anywhere else is still a cache: Cargo tags it.
    fs.mkdirSync(path.join(dir, 'functions/alpha/build-cache/release'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'functions/alpha/build-cache/CACHEDIR.TAG'), 'Signature: 8a477f597d28d172789f06886806bc55\n');
    fs.writeFileSync(path.join(dir, 'functions/alpha/build-cache/release/junk'), String(Math.random()));
    const future = new Date(Date.now() + 3600_000);
    fs.utimesSync(path.join(dir, 'functions/alpha/src/main.rs'), future, future);
    expect(hashOf(dir, { binaryName: 'alpha' })).toBe(base);
  });

  test.each([
    ['a source file of the built crate', 'functions/alpha/src/main.rs'],
    ['a source file of a crate it depends on', 'crates/shared/src/lib.rs'],
    ['Cargo.lock', 'Cargo.lock'],
    ['the workspace manifest', 'Cargo.toml'],
  ])('changes with %s', (_what, file) => {
    fs.appendFileSync(path.join(dir, file), '\n# edit\n'.replace('#', file.endsWith('.rs') ? '//' : '#'));
    expect(hashOf(dir, { binaryName: 'alpha' })).not.toBe(base);
  });

  test.each([
    ['.cargo/config.toml', '[build]\nrustflags = ["-Copt-level=2"]\n'],
    ['rust-toolchain.toml', '[toolchain]\nchannel = "stable"\n'],
    ['functions/alpha/build.rs', 'fn main() {}\n'],
  ])('changes when %s appears', (file, content) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
    expect(hashOf(dir, { binaryName: 'alpha' })).not.toBe(base);
  });

  test.each<[string, Partial<BundlingProps>]>([
    ['another bin', { binaryName: 'beta' }],
    ['features', { binaryName: 'alpha', features: ['x'] }],
    ['no default features', { binaryName: 'alpha', noDefaultFeatures: true }],
    ['profile', { binaryName: 'alpha', profile: 'dev' }],
    ['cargo args', { binaryName: 'alpha', cargoArgs: ['--verbose'] }],
    ['build environment', { binaryName: 'alpha', buildEnvironment: { A: '1' } }],
    ['target', { binaryName: 'alpha', target: 'x86_64-unknown-linux-gnu' }],
    ['builder image', { binaryName: 'alpha', builderImage: IMAGE_2 }],
  ])('changes with %s', (_what, props) => {
    expect(hashOf(dir, props)).not.toBe(base);
  });

  test('feature order and environment key order do not matter', () => {
    expect(hashOf(dir, { binaryName: 'alpha', features: ['a', 'b'], buildEnvironment: { A: '1', B: '2' } })).toBe(
      hashOf(dir, { binaryName: 'alpha', features: ['b', 'a'], buildEnvironment: { B: '2', A: '1' } }),
    );
  });

  test('pinned host keys and the network do not change the binary, so not the hash', () => {
    expect(hashOf(dir, { binaryName: 'alpha', knownHosts: ['h ssh-ed25519 AAAA'], network: 'none' })).toBe(base);
  });

  test('the buildx builder that runs the build does not change the binary, so not the hash', () => {
    expect(hashOf(dir, { binaryName: 'alpha', builder: 'ci-remote' })).toBe(base);
  });

  test("the inputs are the members' files and the workspace files, never target/", () => {
    fs.mkdirSync(path.join(dir, 'target'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'target', 'x'), '');
    fs.writeFileSync(path.join(dir, 'README.md'), 'not an input of a virtual workspace');
    const inputs = Bundling.prepare({
      manifestPath: path.join(dir, 'Cargo.toml'),
      binaryName: 'alpha',
      builderImage: IMAGE_1,
      forceDockerBundling: true,
    }).inputs;
    expect(inputs.map((i) => i.relative)).toEqual([
      'Cargo.lock',
      'Cargo.toml',
      'crates/shared/Cargo.toml',
      'crates/shared/src/lib.rs',
      'functions/alpha/Cargo.toml',
      'functions/alpha/src/main.rs',
      'functions/beta/Cargo.toml',
      'functions/beta/src/main.rs',
      'functions/gamma/Cargo.toml',
      'functions/gamma/src/main.rs',
    ]);
  });

  test('path dependencies outside the workspace are inputs too, and the context grows to reach them', () => {
    const outer = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-outer-'));
    fs.cpSync(path.join(FIXTURES, 'hello'), path.join(outer, 'app'), { recursive: true });
    fs.cpSync(path.join(dir, 'crates/shared'), path.join(outer, 'libs/shared'), { recursive: true });
    fs.appendFileSync(path.join(outer, 'app/Cargo.toml'), '\n[dependencies]\nshared = { path = "../libs/shared" }\n');
    fs.rmSync(path.join(outer, 'app/Cargo.lock'));
    const prepared = Bundling.prepare({
      manifestPath: path.join(outer, 'app/Cargo.toml'),
      builderImage: IMAGE_1,
      forceDockerBundling: true,
    });
    expect(prepared.plan.contextRoot).toBe(fs.realpathSync(outer));
    expect(prepared.plan.workdir).toBe('app');
    expect(collectInputs(prepared.plan).inputs.map((i) => i.relative)).toContain('libs/shared/src/lib.rs');
    fs.rmSync(outer, { recursive: true, force: true });
  });

  test.each([
    ['a directory named target below src', 'functions/alpha/src/target/mod.rs'],
    ['a directory named node_modules below src', 'crates/shared/src/node_modules/x.rs'],
  ])('changes with a source file in %s', (_what, file) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), 'pub fn v() -> u32 { 1 }\n');
    const before = hashOf(dir, { binaryName: 'alpha' });
    fs.writeFileSync(path.join(dir, file), 'pub fn v() -> u32 { 2 }\n');
    expect(hashOf(dir, { binaryName: 'alpha' })).not.toBe(before);
  });
});

describe('the build context: only what the build needs', () => {
  let dir: string;
  beforeEach(() => {
    dir = copyFixture('workspace');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const collect = () =>
    collectInputs(
      Bundling.prepare({
        manifestPath: path.join(dir, 'Cargo.toml'),
        binaryName: 'alpha',
        builderImage: IMAGE_1,
        forceDockerBundling: true,
      }).plan,
    );

  test('credentials and private keys are left out of the hash and the context, and reported', () => {
    const alpha = path.join(dir, 'functions/alpha');
    fs.writeFileSync(path.join(alpha, '.env'), 'AWS_SECRET_ACCESS_KEY=abc\n');
    fs.writeFileSync(path.join(alpha, '.env.production'), 'TOKEN=abc\n');
    fs.writeFileSync(path.join(alpha, 'id_ed25519'), 'whatever');
    fs.writeFileSync(path.join(alpha, 'deploy.key'), '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----\n');
    fs.writeFileSync(path.join(alpha, 'src/tls.pem'), '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n');
    fs.mkdirSync(path.join(alpha, '.aws'));
    fs.writeFileSync(path.join(alpha, '.aws/credentials'), '[default]\n');
    // A certificate is public: it stays an input.
    fs.writeFileSync(path.join(alpha, 'src/ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const base = hashOf(dir, { binaryName: 'alpha' });
    const { inputs, excluded } = collect();
    const relative = inputs.map((i) => i.relative);
    expect(relative).toContain('functions/alpha/src/ca.pem');
    expect(relative.filter((r) => /\.env|id_ed25519|deploy\.key|tls\.pem|\.aws/.test(r))).toEqual([]);
    expect(excluded).toEqual([
      { relative: 'functions/alpha/.env', reason: 'secret' },
      { relative: 'functions/alpha/.env.production', reason: 'secret' },
      { relative: 'functions/alpha/deploy.key', reason: 'secret' },
      { relative: 'functions/alpha/id_ed25519', reason: 'secret' },
      { relative: 'functions/alpha/src/tls.pem', reason: 'secret' },
    ]);
    fs.writeFileSync(path.join(alpha, '.env'), 'AWS_SECRET_ACCESS_KEY=changed\n');
    expect(hashOf(dir, { binaryName: 'alpha' })).toBe(base);
  });

  test('a link to a file outside the project is left out; a link inside it is an input', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-outside-'));
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'not yours');
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'functions/alpha/src/stolen.txt'));
    fs.symlinkSync('../../../crates/shared/src/lib.rs', path.join(dir, 'functions/alpha/src/shared.rs'));
    const { inputs, excluded } = collect();
    expect(excluded).toEqual([{ relative: 'functions/alpha/src/stolen.txt', reason: 'outside-link' }]);
    expect(inputs.map((i) => i.relative)).toContain('functions/alpha/src/shared.rs');
    fs.rmSync(outside, { recursive: true, force: true });
  });

  test('a workspace member outside the workspace root is reached by the context, never written outside it', () => {
    const outer = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-members-'));
    fs.mkdirSync(path.join(outer, 'ws'));
    fs.writeFileSync(path.join(outer, 'ws/Cargo.toml'), '[workspace]\nmembers = ["../far/member"]\nresolver = "2"\n');
    fs.mkdirSync(path.join(outer, 'far/member/src'), { recursive: true });
    fs.writeFileSync(
      path.join(outer, 'far/member/Cargo.toml'),
      '[package]\nname = "member"\nversion = "0.1.0"\nedition = "2021"\nworkspace = "../../ws"\n',
    );
    fs.writeFileSync(path.join(outer, 'far/member/src/main.rs'), 'fn main() {}\n');
    const prepared = Bundling.prepare({
      manifestPath: path.join(outer, 'ws/Cargo.toml'),
      binaryName: 'member',
      builderImage: IMAGE_1,
      forceDockerBundling: true,
    });
    expect(prepared.plan.contextRoot).toBe(fs.realpathSync(outer));
    expect(prepared.plan.workdir).toBe('ws');
    expect(prepared.inputs.map((i) => i.relative)).toEqual(['far/member/Cargo.toml', 'far/member/src/main.rs', 'ws/Cargo.toml']);
    fs.rmSync(outer, { recursive: true, force: true });
  });
});

describe('Bundling.bundle: a workspace without Cargo.lock', () => {
  test('synthesizes with a warning on the construct that names the fix', () => {
    const dir = copyFixture('hello');
    fs.rmSync(path.join(dir, 'Cargo.lock'));
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Stack');
    new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.PROVIDED_AL2023,
      handler: 'bootstrap',
      code: Bundling.bundle({ manifestPath: path.join(dir, 'Cargo.toml'), builderImage: IMAGE_1, forceDockerBundling: true }, stack, 'Fn'),
    });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('no Cargo\\.lock'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].entry.data)).toContain('Stack/Fn: the workspace has no Cargo.lock');
    expect(String(warnings[0].entry.data)).toContain('cargo generate-lockfile');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('the build context: every credential file the review found stays out (issue 19, finding 8)', () => {
  let dir: string;
  beforeEach(() => {
    dir = copyFixture('workspace');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('direnv, dotenv in any case, Cargo and AWS credentials, pgpass, a Vault token, PuTTY keys, Terraform state and a key after 64 KiB', () => {
    const alpha = path.join(dir, 'functions/alpha');
    const planted: Record<string, string | Buffer> = {
      '.envrc': 'export TOKEN=abc\n',
      '.ENV': 'TOKEN=abc\n',
      'prod.env': 'TOKEN=abc\n',
      '.cargo/credentials.toml': '[registries.my]\ntoken = "abc"\n',
      '.cargo/credentials': '[registry]\ntoken = "abc"\n',
      credentials: '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n',
      'config/aws.ini': '[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n',
      '.pgpass': 'db:5432:*:app:hunter2\n',
      '.vault-token': 's.abcdef\n',
      'deploy.ppk': 'PuTTY-User-Key-File-3: ssh-ed25519\n',
      'infra/terraform.tfstate': '{"resources":[]}\n',
      'infra/terraform.tfstate.backup': '{"resources":[]}\n',
      'assets/bundle.txt': Buffer.concat([
        Buffer.alloc(64 * 1024 + 100, 0x61),
        Buffer.from('\n-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n'),
      ]),
    };
    for (const [file, content] of Object.entries(planted)) {
      fs.mkdirSync(path.dirname(path.join(alpha, file)), { recursive: true });
      fs.writeFileSync(path.join(alpha, file), content);
    }
    // Look-alikes that are sources: a module named credentials stays an input.
    fs.writeFileSync(path.join(alpha, 'src/credentials.rs'), 'pub fn load() {}\n');
    fs.mkdirSync(path.join(alpha, 'src/env'));
    fs.writeFileSync(path.join(alpha, 'src/env/mod.rs'), 'pub fn vars() {}\n');
    const base = hashOf(dir, { binaryName: 'alpha' });
    const { inputs, excluded } = collectInputs(planOf(dir));
    const relative = inputs.map((i) => i.relative);
    expect(relative).toEqual(expect.arrayContaining(['functions/alpha/src/credentials.rs', 'functions/alpha/src/env/mod.rs']));
    expect(excluded).toEqual(
      Object.keys(planted)
        .map((file) => ({ relative: `functions/alpha/${file}`, reason: 'secret' }))
        .sort((a, b) => (a.relative < b.relative ? -1 : 1)),
    );
    // Not in the hash either: changing one changes nothing.
    fs.appendFileSync(path.join(alpha, '.vault-token'), 'rotated\n');
    expect(hashOf(dir, { binaryName: 'alpha' })).toBe(base);
  });
});

describe('the build context: bundling.exclude keeps out what a project names', () => {
  let dir: string;
  beforeEach(() => {
    dir = copyFixture('workspace');
    fs.mkdirSync(path.join(dir, 'functions/alpha/testdata/deep'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'functions/alpha/testdata/deep/big.json'), '{}');
    fs.writeFileSync(path.join(dir, 'functions/alpha/notes.local.md'), 'mine');
    fs.writeFileSync(path.join(dir, 'crates/shared/notes.local.md'), 'mine too');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("matching files and directories are reported as 'excluded', never hashed or sent", () => {
    const exclude = ['*.local.md', 'functions/alpha/testdata/'];
    const base = hashOf(dir, { binaryName: 'alpha', exclude });
    const prepared = Bundling.prepare({ ...propsOf(dir), exclude });
    expect(prepared.excluded).toEqual([
      { relative: 'crates/shared/notes.local.md', reason: 'excluded' },
      { relative: 'functions/alpha/notes.local.md', reason: 'excluded' },
      { relative: 'functions/alpha/testdata/', reason: 'excluded' },
    ]);
    expect(prepared.inputs.map((i) => i.relative).filter((r) => /local\.md|testdata/.test(r))).toEqual([]);
    fs.writeFileSync(path.join(dir, 'functions/alpha/testdata/deep/big.json'), '{"changed":true}');
    fs.writeFileSync(path.join(dir, 'crates/shared/notes.local.md'), 'edited');
    expect(hashOf(dir, { binaryName: 'alpha', exclude })).toBe(base);
    // Without the patterns they are inputs.
    expect(Bundling.prepare(propsOf(dir)).inputs.map((i) => i.relative)).toContain('functions/alpha/testdata/deep/big.json');
  });

  test('a pattern can keep out a workspace file too', () => {
    fs.mkdirSync(path.join(dir, '.cargo'));
    fs.writeFileSync(path.join(dir, '.cargo/config.toml'), '[build]\n');
    expect(Bundling.prepare({ ...propsOf(dir), exclude: ['.cargo/'] }).excluded).toEqual([
      { relative: '.cargo/config.toml', reason: 'excluded' },
    ]);
  });
});

describe('the asset hash: a --config file of cargoArgs and the ids of build secrets (issue 19, finding 10)', () => {
  let dir: string;
  beforeEach(() => {
    dir = copyFixture('workspace');
    fs.mkdirSync(path.join(dir, 'ci'));
    fs.writeFileSync(path.join(dir, 'ci/cargo.toml'), '[profile.release]\nopt-level = 2\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each([[['--config', 'ci/cargo.toml']], [['--config=ci/cargo.toml']]])(
    'the contents of the file %j names change the hash',
    (cargoArgs) => {
      const before = hashOf(dir, { binaryName: 'alpha', cargoArgs });
      fs.writeFileSync(path.join(dir, 'ci/cargo.toml'), '[profile.release]\nopt-level = 3\n');
      expect(hashOf(dir, { binaryName: 'alpha', cargoArgs })).not.toBe(before);
      // ... and it is in the build context, where cargo in Docker looks for it (relative to the workspace root).
      expect(Bundling.prepare({ ...propsOf(dir), cargoArgs }).inputs.map((i) => i.relative)).toContain('ci/cargo.toml');
    },
  );

  test('a --config file left out of the context (by bundling.exclude) is an error naming the argument', () => {
    expectCdkRustError(
      () => Bundling.prepare({ ...propsOf(dir), cargoArgs: ['--verbose', '--config', 'ci/cargo.toml'], exclude: ['ci/'] }),
      'INVALID_PROP',
      'bundling.cargoArgs[2]',
      'ci/cargo.toml is left out of the build',
      'bundling.exclude',
    );
  });

  test('the hash covers the ids of build secrets, never their values', () => {
    const file = path.join(dir, 'token');
    fs.writeFileSync(file, 'first-value');
    const withSecret = hashOf(dir, { binaryName: 'alpha', buildSecrets: { REGISTRY_TOKEN: `file:${file}` } });
    expect(withSecret).not.toBe(hashOf(dir, { binaryName: 'alpha' }));
    fs.writeFileSync(file, 'second-value');
    expect(hashOf(dir, { binaryName: 'alpha', buildSecrets: { REGISTRY_TOKEN: `file:${file}` } })).toBe(withSecret);
    expect(hashOf(dir, { binaryName: 'alpha', buildSecrets: { OTHER_TOKEN: `file:${file}` } })).not.toBe(withSecret);
  });
});

function propsOf(dir: string): BundlingProps {
  return { manifestPath: path.join(dir, 'Cargo.toml'), binaryName: 'alpha', builderImage: IMAGE_1, forceDockerBundling: true };
}

function planOf(dir: string): BuildPlan {
  return Bundling.prepare(propsOf(dir)).plan;
}
