/**
 * The build cache directory on the host, without Docker: settings, keys, whole entries only, digests
 * checked before use, the size bound, and concurrent writers.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  BuildCacheDirectory,
  BuildCacheSettings,
  CacheKey,
  cacheKeyOf,
  resolveBuildCache,
  sha256File,
} from '../../lib/bundling/build-cache';
import { expectCdkRustError, planOf, tempDir } from '../support';

const MIB = 1024 * 1024;

function settings(overrides: Partial<BuildCacheSettings> = {}): BuildCacheSettings {
  return { directory: tempDir('build-cache'), readOnly: false, maxBytes: 64 * MIB, ...overrides };
}

/** Two archives of `size` bytes each in a work directory of `cache`, as a save build leaves them. */
function archives(cache: BuildCacheDirectory, fill: string, size = 1024): { target: string; deps: string } {
  const dir = cache.workDirectory();
  const target = path.join(dir, 'target.tar');
  const deps = path.join(dir, 'deps.tar');
  fs.writeFileSync(target, Buffer.alloc(size, `target ${fill}`));
  fs.writeFileSync(deps, Buffer.alloc(size, `deps ${fill}`));
  return { target, deps };
}

const KEY: CacheKey = { family: '0123456789abcdef', key: '0123456789abcdef-fedcba9876543210' };
const OTHER_LOCK: CacheKey = { family: KEY.family, key: '0123456789abcdef-1111111111111111' };
const OTHER_FAMILY: CacheKey = { family: 'aaaaaaaaaaaaaaaa', key: 'aaaaaaaaaaaaaaaa-fedcba9876543210' };

describe('build-cache settings: from the prop or the CI environment, checked at synth time', () => {
  test('nothing configured: no cache', () => {
    expect(resolveBuildCache(undefined, {})).toBeUndefined();
    expect(resolveBuildCache(undefined, { CDK_RUST_CACHE_DIR: '' })).toBeUndefined();
  });

  test('the prop wins over CDK_RUST_CACHE_DIR; relative paths resolve against the working directory', () => {
    expect(resolveBuildCache('.cache/rust', { CDK_RUST_CACHE_DIR: '/ci/cache' })).toEqual({
      directory: path.resolve('.cache/rust'),
      readOnly: false,
      maxBytes: 4096 * MIB,
    });
    expect(
      resolveBuildCache(undefined, { CDK_RUST_CACHE_DIR: '/ci/cache', CDK_RUST_CACHE_READ_ONLY: 'true', CDK_RUST_CACHE_MAX_MB: '512' }),
    ).toEqual({
      directory: '/ci/cache',
      readOnly: true,
      maxBytes: 512 * MIB,
    });
  });

  test('a bad directory, read-only flag or size names the prop or variable and the fix', () => {
    expectCdkRustError(() => resolveBuildCache('a\nb', {}), 'INVALID_PROP', 'bundling.cacheDirectory', 'name a directory');
    expectCdkRustError(() => resolveBuildCache(undefined, { CDK_RUST_CACHE_DIR: ' ' }), 'INVALID_PROP', 'CDK_RUST_CACHE_DIR');
    expectCdkRustError(
      () => resolveBuildCache('/c', { CDK_RUST_CACHE_READ_ONLY: 'yes please' }),
      'INVALID_PROP',
      'CDK_RUST_CACHE_READ_ONLY: "yes please" is not a boolean',
      '"true"',
    );
    expectCdkRustError(
      () => resolveBuildCache('/c', { CDK_RUST_CACHE_MAX_MB: '2GB' }),
      'INVALID_PROP',
      'CDK_RUST_CACHE_MAX_MB',
      'whole number of MiB',
    );
    expectCdkRustError(() => resolveBuildCache('/c', { CDK_RUST_CACHE_MAX_MB: '0' }), 'INVALID_PROP', 'CDK_RUST_CACHE_MAX_MB');
  });

  test('the plan carries the settings, and they do not change what is built', () => {
    const plain = planOf('hello');
    const cached = planOf('hello', { cacheDirectory: '/ci/cache' });
    expect(plain.cache).toBeUndefined();
    expect(cached.cache).toEqual({ directory: '/ci/cache', readOnly: false, maxBytes: 4096 * MIB });
    expect({ ...cached, cache: undefined }).toEqual({ ...plain, cache: undefined });
  });
});

describe('build-cache keys: everything that changes the target cache, and nothing that does not', () => {
  test('the builder image, the target and the lock file change the key; the family ignores the lock file', () => {
    const plan = planOf('hello');
    const base = cacheKeyOf(plan, 'image@sha256:1');
    expect(base.key).toMatch(/^[0-9a-f]{16}-[0-9a-f]{16}$/);
    expect(base.key.startsWith(`${base.family}-`)).toBe(true);
    expect(cacheKeyOf(plan, 'image@sha256:2').family).not.toBe(base.family);
    expect(cacheKeyOf(planOf('hello', { architecture: 'arm64' }), 'image@sha256:1').family).not.toBe(base.family);

    const copy = tempDir('hello-copy');
    fs.cpSync(path.dirname(path.join(__dirname, '..', 'fixtures', 'hello', 'Cargo.toml')), copy, { recursive: true });
    const moved = cacheKeyOf({ ...plan, workspaceRoot: copy, contextRoot: copy, inputDirs: [copy] }, 'image@sha256:1');
    expect(moved).toEqual(base); // the same project checked out elsewhere (builds see it at /src)
    fs.appendFileSync(path.join(copy, 'Cargo.lock'), '\n# changed\n');
    const relocked = cacheKeyOf({ ...plan, workspaceRoot: copy, contextRoot: copy, inputDirs: [copy] }, 'image@sha256:1');
    expect(relocked.family).toBe(base.family);
    expect(relocked.key).not.toBe(base.key);
  });

  test('profiles and features share the entry of their target directory', () => {
    const base = cacheKeyOf(planOf('hello'), 'i');
    expect(cacheKeyOf(planOf('hello', { profile: 'dev', features: ['x'] }), 'i')).toEqual(base);
  });
});

describe('build-cache directory: whole entries, checked digests, a bound, concurrent writers', () => {
  test('a committed entry is found by its key, and stands in for its family when the lock file changed', () => {
    const cache = new BuildCacheDirectory(settings());
    const entry = cache.commit(KEY, archives(cache, 'a'));
    expect(entry).toBeDefined();
    expect(cache.find(KEY)).toEqual({ entry, exact: true });
    expect(cache.find(OTHER_LOCK)).toEqual({ entry, exact: false });
    expect(cache.find(OTHER_FAMILY)).toBeUndefined();
    expect(fs.readFileSync(path.join(cache.settings.directory, 'CACHEDIR.TAG'), 'utf-8')).toMatch(
      /^Signature: 8a477f597d28d172789f06886806bc55\n/,
    );
  });

  test('the archives move into content-named objects, and the work directory is left empty', () => {
    const cache = new BuildCacheDirectory(settings());
    const saved = archives(cache, 'a');
    const entry = cache.commit(KEY, saved);
    expect(entry && sha256File(cache.objectPath(entry.target))).toBe(entry?.target.sha256);
    expect(fs.existsSync(saved.target) || fs.existsSync(saved.deps)).toBe(false);
  });

  test('an archive that does not match its digest is never used: verify fails and drops the entry', () => {
    const cache = new BuildCacheDirectory(settings());
    const entry = cache.commit(KEY, archives(cache, 'a'));
    if (!entry) throw new Error('not committed');
    expect(cache.verify(entry)).toBe(true);
    const file = cache.objectPath(entry.target);
    const bytes = fs.readFileSync(file);
    bytes[100] ^= 0xff; // same size, other content
    fs.writeFileSync(file, bytes);
    expect(cache.verify(entry)).toBe(false);
    expect(cache.find(KEY)).toBeUndefined();
  });

  test('a truncated archive, a missing archive, or a garbled entry file counts as no entry', () => {
    const cache = new BuildCacheDirectory(settings());
    const entry = cache.commit(KEY, archives(cache, 'a'));
    if (!entry) throw new Error('not committed');
    fs.truncateSync(cache.objectPath(entry.deps), 10);
    expect(cache.verify(entry)).toBe(false);

    const again = cache.commit(KEY, archives(cache, 'b'));
    if (!again) throw new Error('not committed');
    fs.rmSync(cache.objectPath(again.target));
    expect(cache.verify(again)).toBe(false);

    cache.commit(KEY, archives(cache, 'c'));
    fs.writeFileSync(path.join(cache.settings.directory, 'entries', `${KEY.key}.json`), '{"format": 1, "key": "../../etc"');
    expect(cache.find(KEY)).toBeUndefined();
  });

  test('read-only: a damaged entry is left alone, and using an entry writes nothing', () => {
    const writable = new BuildCacheDirectory(settings());
    const entry = writable.commit(KEY, archives(writable, 'a'));
    if (!entry) throw new Error('not committed');
    const readOnly = new BuildCacheDirectory({ ...writable.settings, readOnly: true });
    const before = fs.readFileSync(path.join(writable.settings.directory, 'entries', `${KEY.key}.json`), 'utf-8');
    readOnly.touch(entry);
    fs.truncateSync(writable.objectPath(entry.target), 1);
    expect(readOnly.verify(entry)).toBe(false);
    expect(fs.readFileSync(path.join(writable.settings.directory, 'entries', `${KEY.key}.json`), 'utf-8')).toBe(before);
  });

  test('the least recently used entries go when the directory exceeds its bound; the new entry stays', () => {
    const cache = new BuildCacheDirectory(settings({ maxBytes: 5 * 1024 }));
    const keys = ['1', '2', '3'].map((n) => ({ family: KEY.family, key: `${KEY.family}-${n.repeat(16)}` }));
    // Times are kept to the millisecond: let one pass between the steps.
    const tick = () => {
      const start = Date.now();
      while (Date.now() === start);
    };
    const first = cache.commit(keys[0], archives(cache, '1'));
    tick();
    cache.commit(keys[1], archives(cache, '2'));
    tick();
    if (first) cache.touch(first); // used again: now the most recent
    tick();
    cache.commit(keys[2], archives(cache, '3'));
    expect(cache.find(keys[0])?.exact).toBe(true);
    expect(cache.find(keys[1])?.exact).toBe(false);
    expect(cache.find(keys[2])?.exact).toBe(true);
    expect(cache.size()).toBeLessThanOrEqual(5 * 1024);
  });

  test('a new save of a key removes the archives of the entry it replaced', () => {
    const cache = new BuildCacheDirectory(settings());
    const old = cache.commit(KEY, archives(cache, 'old'));
    const fresh = cache.commit(KEY, archives(cache, 'new'));
    if (!old || !fresh) throw new Error('not committed');
    expect(fs.existsSync(cache.objectPath(old.target))).toBe(false);
    expect(fs.existsSync(cache.objectPath(old.deps))).toBe(false);
    expect(cache.verify(fresh)).toBe(true);
    expect(cache.size()).toBe(2048);
  });

  test('marking an entry used never writes over one another build saved meanwhile', () => {
    const cache = new BuildCacheDirectory(settings());
    const old = cache.commit(KEY, archives(cache, 'old'));
    const fresh = cache.commit(KEY, archives(cache, 'new'));
    if (!old || !fresh) throw new Error('not committed');
    cache.touch(old);
    expect(cache.find(KEY)?.entry.target.sha256).toBe(fresh.target.sha256);
  });

  test('archives larger than the bound are not stored at all', () => {
    const cache = new BuildCacheDirectory(settings({ maxBytes: 1024 }));
    const saved = archives(cache, 'big', 4096);
    expect(cache.commit(KEY, saved)).toBeUndefined();
    expect(cache.find(KEY)).toBeUndefined();
    expect(cache.size()).toBe(0);
    expect(fs.existsSync(saved.target)).toBe(false);
  });

  test('two writers of one key: each entry read is whole; one read before the other save fails its check instead of giving the new archives', () => {
    const dir = settings();
    const a = new BuildCacheDirectory(dir);
    const b = new BuildCacheDirectory(dir);
    const savedA = archives(a, 'a');
    const savedB = archives(b, 'b');
    a.commit(KEY, savedA);
    const readBeforeB = a.find(KEY);
    b.commit(KEY, savedB);
    expect(readBeforeB && a.verify(readBeforeB.entry)).toBe(false); // that build runs cold
    const last = a.find(KEY); // and B's entry is still there
    expect(last && a.verify(last.entry)).toBe(true);
    expect(last?.entry.target.sha256).not.toBe(readBeforeB?.entry.target.sha256);
    expect(fs.readdirSync(path.join(dir.directory, 'entries'))).toEqual([`${KEY.key}.json`]);
  });

  test('work directories of processes that are gone are removed; archives no entry names go after a grace period', () => {
    const cache = new BuildCacheDirectory(settings());
    const dead = path.join(cache.settings.directory, 'tmp', '999999999-left-by-an-interrupted-build');
    cache.workDirectory();
    fs.mkdirSync(dead);
    fs.writeFileSync(path.join(dead, 'target.tar'), 'half');
    const mine = cache.workDirectory();
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(mine)).toBe(true);

    const orphan = path.join(cache.settings.directory, 'objects', `${'e'.repeat(64)}.tar`);
    fs.writeFileSync(orphan, 'nobody names me');
    cache.prune();
    expect(fs.existsSync(orphan)).toBe(true); // maybe a build is about to commit it
    const old = new Date(Date.now() - 3600_000);
    fs.utimesSync(orphan, old, old);
    cache.prune();
    expect(fs.existsSync(orphan)).toBe(false);
  });

  test('the stage for a seed build holds exactly the archives asked for', () => {
    const cache = new BuildCacheDirectory(settings());
    const entry = cache.commit(KEY, archives(cache, 'a'));
    if (!entry) throw new Error('not committed');
    const dir = cache.workDirectory();
    cache.stage(entry, dir, { target: true, deps: false }, { target: 'target.tar', deps: 'deps.tar' });
    expect(fs.readdirSync(dir)).toEqual(['target.tar']);
    expect(sha256File(path.join(dir, 'target.tar'))).toBe(entry.target.sha256);
  });
});
