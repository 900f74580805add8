import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Bundling, BundlingProps } from '../lib';
import { collectInputs } from '../lib/bundling/hash';

const FIXTURES = path.join(__dirname, 'fixtures');

/** A private copy of a fixture, so that tests can edit it. */
function copyFixture(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cdk-rust-hash-${name}-`));
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}target`) });
  return dir;
}

function hashOf(dir: string, props: Partial<BundlingProps> = {}): string {
  return Bundling.prepare({ manifestPath: path.join(dir, 'Cargo.toml'), builderImage: 'builder:1', forceDockerBundling: true, ...props }).assetHash;
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

  test('ignores target/, .git/, node_modules/, cdk.out/ and modification times', () => {
    for (const d of ['target/release', '.git', 'node_modules/x', 'cdk.out', 'functions/alpha/target']) {
      fs.mkdirSync(path.join(dir, d), { recursive: true });
      fs.writeFileSync(path.join(dir, d, 'junk'), String(Math.random()));
    }
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
    ['builder image', { binaryName: 'alpha', builderImage: 'builder:2' }],
  ])('changes with %s', (_what, props) => {
    expect(hashOf(dir, props)).not.toBe(base);
  });

  test('feature order and environment key order do not matter', () => {
    expect(hashOf(dir, { binaryName: 'alpha', features: ['a', 'b'], buildEnvironment: { A: '1', B: '2' } }))
      .toBe(hashOf(dir, { binaryName: 'alpha', features: ['b', 'a'], buildEnvironment: { B: '2', A: '1' } }));
  });

  test('pinned host keys and the network do not change the binary, so not the hash', () => {
    expect(hashOf(dir, { binaryName: 'alpha', knownHosts: ['h ssh-ed25519 AAAA'], network: 'none' })).toBe(base);
  });

  test('the inputs are the members\' files and the workspace files, never target/', () => {
    fs.mkdirSync(path.join(dir, 'target'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'target', 'x'), '');
    fs.writeFileSync(path.join(dir, 'README.md'), 'not an input of a virtual workspace');
    const inputs = Bundling.prepare({ manifestPath: path.join(dir, 'Cargo.toml'), binaryName: 'alpha', builderImage: 'b:1' }).inputs;
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
    const prepared = Bundling.prepare({ manifestPath: path.join(outer, 'app/Cargo.toml'), builderImage: 'b:1' });
    expect(prepared.plan.contextRoot).toBe(fs.realpathSync(outer));
    expect(prepared.plan.workdir).toBe('app');
    expect(collectInputs(prepared.plan).map((i) => i.relative)).toContain('libs/shared/src/lib.rs');
    fs.rmSync(outer, { recursive: true, force: true });
  });
});
