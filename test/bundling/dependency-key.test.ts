import * as fs from 'fs';
import * as path from 'path';
import { Bundling, PreparedBuild } from '../../lib/bundling/bundling';
import { dependencyKey, missingOfflineDependency } from '../../lib/bundling/dependency-key';
import { copyFixture } from '../support';

function prepared(root: string, binaryName = 'alpha'): PreparedBuild {
  return Bundling.prepare(
    {
      manifestPath: path.join(root, 'Cargo.toml'),
      binaryName,
      builderImage: 'builder@sha256:' + 'a'.repeat(64),
      forceDockerBundling: true,
    },
    { resolveImage: false },
  );
}

function append(file: string, text: string): void {
  fs.appendFileSync(file, text);
}

describe('dependencyKey: what decides the fetch, so that the edit loop skips it when nothing of it changed', () => {
  test('an edit of a source file keeps the key (the asset hash changes)', () => {
    const root = copyFixture('workspace');
    const before = prepared(root);
    const main = path.join(root, 'functions', 'alpha', 'src', 'main.rs');
    append(main, '\n// edited\n');
    const after = prepared(root);
    expect(after.assetHash).not.toBe(before.assetHash);
    expect(dependencyKey(after)).toBe(dependencyKey(before));
    expect(dependencyKey(before)).toMatch(/^[0-9a-f]{64}$/);
  });

  test.each([
    ['the lock file', 'Cargo.lock', '\n'],
    ["a member's manifest", 'functions/beta/Cargo.toml', '\n# edited\n'],
    ['the workspace manifest', 'Cargo.toml', '\n# edited\n'],
  ])('an edit of %s gives another key', (_what, file, text) => {
    const root = copyFixture('workspace');
    const before = dependencyKey(prepared(root));
    append(path.join(root, file), text);
    expect(dependencyKey(prepared(root))).not.toBe(before);
  });

  test('a Cargo configuration file gives another key', () => {
    const root = copyFixture('workspace');
    const before = dependencyKey(prepared(root));
    fs.mkdirSync(path.join(root, '.cargo'));
    fs.writeFileSync(path.join(root, '.cargo', 'config.toml'), '[net]\nretry = 3\n');
    expect(dependencyKey(prepared(root))).not.toBe(before);
  });

  test('another builder image or network gives another key; a build without a lock file has none', () => {
    const build = prepared(copyFixture('workspace'));
    const key = dependencyKey(build);
    expect(dependencyKey({ ...build, imageIdentity: 'another' })).not.toBe(key);
    expect(dependencyKey({ ...build, plan: { ...build.plan, network: 'none' } })).not.toBe(key);
    expect(dependencyKey({ ...build, plan: { ...build.plan, locked: false } })).toBeUndefined();
  });
});

describe('missingOfflineDependency: a compile that lacked a dependency offline runs again in full', () => {
  test.each([
    'error: failed to download `serde v1.0.200`\n\nCaused by:\n  attempting to make an HTTP request, but --offline was specified',
    "error: failed to get `private-greeting` as a dependency of package `app v0.1.0 (/src)`\n\nCaused by:\n  can't checkout from 'ssh://git@host/repo.git': you are in the offline mode (--offline)",
    "error: no matching package named `serde` found\nAs a reminder, you're using offline mode (--offline) which can sometimes cause surprising resolution failures",
  ])('cargo saying so: %s', (output) => {
    expect(missingOfflineDependency(output)).toBe(true);
  });

  test('a compile error, and the echoed command line with its --offline, are not a missing dependency', () => {
    const log =
      '#8 [compile 4/4] RUN cargo build --locked --profile dev --offline\n#8 0.9 error[E0425]: cannot find value `x` in this scope';
    expect(missingOfflineDependency(log)).toBe(false);
  });
});
