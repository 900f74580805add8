/**
 * The dependency archive's scripts, run on this machine's sh, git and coreutils (the builder image
 * has the same tools) against cargo homes and archives arranged by an attacker: only what the lock
 * file names is saved, and only crates with the lock file's checksum and git objects rebuilt into
 * fresh repositories are restored; no git config, hook, unpacked source or `.cargo-ok` ever is.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { INSTALL_DEPS_SCRIPT, SELECT_DEPS_SCRIPT, VERIFY_DEPS_SCRIPT } from '../../lib/bundling/cache-scripts';
import { lockDepsList } from '../../lib/bundling/lock-checksums';
import { listFiles, tempDir } from '../support';

const INDEX = 'index.crates.io-1949cf8c6b5b557f';
const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', HOME: '/nonexistent' };

function sh(script: string, args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const file = path.join(tempDir('script'), 'script.sh');
  fs.writeFileSync(file, script);
  const result = spawnSync('sh', [file, ...args], { cwd, encoding: 'utf-8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function git(args: string[], cwd?: string): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf-8', env: GIT_ENV });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

/** An upstream repository with two commits; returns its directory and head commit. */
function upstream(flavour = ''): { dir: string; rev: string } {
  const dir = tempDir('upstream');
  git(['init', '-q', dir]);
  for (const [file, text] of [
    ['lib.rs', `pub fn greet() {}${flavour}\n`],
    ['README', 'hi\n'],
  ]) {
    fs.writeFileSync(path.join(dir, file), text);
    git(['add', '.'], dir);
    git(['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', file], dir);
  }
  return { dir, rev: git(['rev-parse', 'HEAD'], dir) };
}

/** A cargo-style git database `git/db/<name>` under `home` holding `from`'s commits (none when undefined). */
function gitDb(home: string, name: string, from?: string): string {
  const db = path.join(home, 'git', 'db', name);
  git(['init', '-q', '--bare', db]);
  if (from) git(['--git-dir', db, 'fetch', '-q', from, '+refs/heads/*:refs/remotes/origin/*']);
  return db;
}

function crate(home: string, file: string, bytes: string): string {
  const target = path.join(home, 'registry', 'cache', INDEX, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, bytes);
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/** A hostile git config: what a poisoned database would run in the next fetch step. */
function poison(db: string): void {
  fs.appendFileSync(path.join(db, 'config'), '[core]\n\tsshCommand = touch /tmp/cdk-rust-pwned\n\tfsmonitor = touch /tmp/cdk-rust-pwned\n');
  fs.mkdirSync(path.join(db, 'hooks'), { recursive: true });
  fs.writeFileSync(path.join(db, 'hooks', 'post-checkout'), '#!/bin/sh\ntouch /tmp/cdk-rust-pwned\n', { mode: 0o755 });
}

function relativeFiles(dir: string): string[] {
  return listFiles(dir).map((f) => path.relative(dir, f));
}

describe('cache-scripts: the dependency archive holds and restores only what Cargo.lock pins, checked by content', () => {
  test('a save selects the lock file’s crates and the database holding its commit: no other project’s crate or same-named database, no index, no sources', () => {
    const up = upstream();
    const home = tempDir('cargo-home');
    const sum = crate(home, 'serde-1.0.0.crate', 'serde bytes');
    crate(home, 'other-projects-crate-9.9.9.crate', 'not ours');
    fs.mkdirSync(path.join(home, 'registry', 'index', INDEX, '.cache'), { recursive: true });
    fs.writeFileSync(path.join(home, 'registry', 'index', INDEX, '.cache', 'se'), 'index');
    fs.mkdirSync(path.join(home, 'registry', 'src', INDEX, 'serde-1.0.0'), { recursive: true });
    fs.writeFileSync(path.join(home, 'registry', 'src', INDEX, 'serde-1.0.0', '.cargo-ok'), 'ok');
    gitDb(home, 'greeting-0123456789abcdef', up.dir);
    gitDb(home, 'greeting-fedcba9876543210', upstream('// another').dir); // same name, another project's repository
    gitDb(home, 'unrelated-1111111111111111', up.dir);
    const list = path.join(tempDir('list'), 'lock-deps');
    fs.writeFileSync(
      list,
      lockDepsList({ crates: [{ name: 'serde', version: '1.0.0', checksum: sum }], git: [{ name: 'greeting', rev: up.rev }] }),
    );
    const selected = sh(SELECT_DEPS_SCRIPT, [list], home);
    expect(selected.status).toBe(0);
    const files = selected.stdout.trim().split('\n');
    expect(files[0]).toBe(`registry/cache/${INDEX}/serde-1.0.0.crate`);
    expect(files.slice(1).length).toBeGreaterThan(0);
    for (const file of files.slice(1)) expect(file).toMatch(/^git\/db\/greeting-0123456789abcdef\/objects\//);
  });

  test('a restore keeps crates with the lock file’s checksum and rebuilds git databases from objects: no config, hook, source tree or .cargo-ok', () => {
    const up = upstream();
    const archive = tempDir('extracted');
    const sum = crate(archive, 'serde-1.0.0.crate', 'serde bytes');
    crate(archive, 'tokio-1.0.0.crate', 'altered tokio'); // the lock file says otherwise
    fs.mkdirSync(path.join(archive, 'registry', 'src', INDEX, 'serde-1.0.0', 'src'), { recursive: true });
    fs.writeFileSync(path.join(archive, 'registry', 'src', INDEX, 'serde-1.0.0', '.cargo-ok'), '{"v":1}');
    fs.writeFileSync(path.join(archive, 'registry', 'src', INDEX, 'serde-1.0.0', 'src', 'lib.rs'), 'planted');
    fs.symlinkSync('/etc/passwd', path.join(archive, 'registry', 'cache', INDEX, 'anyhow-1.0.0.crate'));
    const db = gitDb(archive, 'greeting-0123456789abcdef', up.dir);
    poison(db);
    const list = path.join(tempDir('list'), 'lock-deps');
    fs.writeFileSync(
      list,
      lockDepsList({
        crates: [
          { name: 'serde', version: '1.0.0', checksum: sum },
          { name: 'tokio', version: '1.0.0', checksum: 'e'.repeat(64) },
          { name: 'anyhow', version: '1.0.0', checksum: 'f'.repeat(64) },
        ],
        git: [{ name: 'greeting', rev: up.rev }],
      }),
    );
    const out = path.join(tempDir('verified'), 'v');
    const verified = sh(VERIFY_DEPS_SCRIPT, [archive, list, out], '/');
    expect(verified.status).toBe(0);
    expect(verified.stderr).toContain('tokio-1.0.0.crate does not match its checksum in Cargo.lock');
    const files = relativeFiles(out);
    expect(files.filter((f) => f.startsWith('registry/'))).toEqual([`registry/cache/${INDEX}/serde-1.0.0.crate`]);
    const newDb = path.join(out, 'git', 'db', 'greeting-0123456789abcdef');
    expect(fs.readFileSync(path.join(newDb, 'config'), 'utf-8')).not.toMatch(/sshCommand|fsmonitor/);
    expect(fs.existsSync(path.join(newDb, 'hooks'))).toBe(false);
    expect(git(['--git-dir', newDb, 'cat-file', '-t', up.rev])).toBe('commit');

    // Installing into the caches: only objects, with cdk-rust's own config; a database already there is kept.
    const home = tempDir('cargo-home');
    fs.mkdirSync(path.join(newDb, 'hooks'));
    fs.writeFileSync(path.join(newDb, 'hooks', 'pre-auto-gc'), 'planted after verify'); // as if the verify stage were subverted
    fs.writeFileSync(path.join(newDb, 'config'), '[core]\n\tsshCommand = touch /tmp/cdk-rust-pwned\n');
    const installed = sh(INSTALL_DEPS_SCRIPT, [out, home], '/');
    expect(installed.status).toBe(0);
    const homeFiles = relativeFiles(home);
    expect(homeFiles).toContain(`registry/cache/${INDEX}/serde-1.0.0.crate`);
    expect(
      homeFiles.filter((f) => f.startsWith('git/')).every((f) => /\/(config|HEAD|refs\/heads\/cdk-rust-locked|objects\/.+)$/.test(f)),
    ).toBe(true);
    const installedDb = path.join(home, 'git', 'db', 'greeting-0123456789abcdef');
    expect(fs.readFileSync(path.join(installedDb, 'config'), 'utf-8')).toBe(
      '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n',
    );
    expect(git(['--git-dir', installedDb, 'cat-file', '-t', up.rev])).toBe('commit');
    git(['--git-dir', installedDb, 'fsck', '--no-progress']);
  });

  test('a database whose objects were altered, or that lacks the locked commit, is not restored (cargo fetches it again)', () => {
    const up = upstream();
    const archive = tempDir('extracted');
    const db = gitDb(archive, 'greeting-0123456789abcdef', up.dir);
    gitDb(archive, 'greeting-fedcba9876543210'); // empty: no locked commit
    const loose = listFiles(path.join(db, 'objects')).filter((f) => /objects\/[0-9a-f]{2}\/[0-9a-f]{38}$/.test(f));
    fs.copyFileSync(loose[0], loose[1]); // one object's bytes under another's name
    const list = path.join(tempDir('list'), 'lock-deps');
    fs.writeFileSync(list, lockDepsList({ crates: [], git: [{ name: 'greeting', rev: up.rev }] }));
    const out = path.join(tempDir('verified'), 'v');
    const verified = sh(VERIFY_DEPS_SCRIPT, [archive, list, out], '/');
    expect(verified.status).toBe(0);
    expect(fs.readdirSync(path.join(out, 'git', 'db'))).toEqual([]);
  });

  test('packed databases are re-indexed and checked too', () => {
    const up = upstream();
    const archive = tempDir('extracted');
    const db = gitDb(archive, 'greeting-0123456789abcdef', up.dir);
    git(['--git-dir', db, 'gc', '-q']);
    const list = path.join(tempDir('list'), 'lock-deps');
    fs.writeFileSync(list, lockDepsList({ crates: [], git: [{ name: 'greeting', rev: up.rev }] }));
    const out = path.join(tempDir('verified'), 'v');
    expect(sh(VERIFY_DEPS_SCRIPT, [archive, list, out], '/').status).toBe(0);
    const newDb = path.join(out, 'git', 'db', 'greeting-0123456789abcdef');
    expect(relativeFiles(path.join(newDb, 'objects')).every((f) => /^pack\/pack-[0-9a-f]{40}\.(pack|idx)$/.test(f))).toBe(true);
    expect(git(['--git-dir', newDb, 'cat-file', '-t', up.rev])).toBe('commit');
  });
});
