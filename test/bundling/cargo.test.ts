import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseSshUrl, readCargoWorkspace } from '../../lib/bundling/cargo';
import { expectCdkRustError, fixture } from '../support';

describe('cargo: the project is read once, with cargo metadata', () => {
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
    expectCdkRustError(
      () => readCargoWorkspace('/nonexistent/Cargo.toml'),
      'MANIFEST_NOT_FOUND',
      'manifestPath',
      '/nonexistent/Cargo.toml',
    );
  });

  test('a directory instead of a manifest says which file to use', () => {
    expectCdkRustError(() => readCargoWorkspace(path.dirname(fixture('hello'))), 'MANIFEST_NOT_FOUND', fixture('hello'));
  });

  test("a broken manifest shows cargo's own complaint", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-bad-'));
    fs.writeFileSync(path.join(dir, 'Cargo.toml'), '[package]\nname = "x"\nversion = \n');
    expectCdkRustError(() => readCargoWorkspace(path.join(dir, 'Cargo.toml')), 'CARGO_METADATA_FAILED', 'cargo metadata', 'Cargo.toml');
  });
});

describe('cargo: SSH git URLs', () => {
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
