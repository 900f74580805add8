/**
 * The build cache directory on the host, without Docker: keys, whole entries only, digests checked
 * before use, authentication tags, the size bound, concurrent writers, and a directory arranged by an
 * attacker (forged entries, links to elsewhere).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { inspect } from 'util';
import { BuildCacheDirectory, BuildCacheSettings, CacheEntry, CacheKey, cacheKeyOf, sha256File } from '../../lib/bundling/build-cache';
import { CacheAuthKey } from '../../lib/bundling/cache-auth';
import { planOf, tempDir } from '../support';

const MIB = 1024 * 1024;
const SECRET = 'a'.repeat(24) + crypto.randomBytes(16).toString('hex');
const authKey = (secret = SECRET) => CacheAuthKey.fromEnvironment({ CDK_RUST_CACHE_KEY: secret }) as CacheAuthKey;

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
    const made = cache.workDirectory();
    const dead = path.join(path.dirname(made), path.basename(made).replace(/^\d+-/, '999999999-')); // a process that is gone
    fs.renameSync(made, dead);
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
    const dir = path.join(cache.workDirectory(), 'seed');
    fs.mkdirSync(dir);
    cache.stage(entry, dir, { target: true, deps: false }, { target: 'target.tar', deps: 'deps.tar' });
    expect(fs.readdirSync(dir)).toEqual(['target.tar']);
    expect(sha256File(path.join(dir, 'target.tar'))).toBe(entry.target.sha256);
  });
});

/** Replaces the target archive of `entry` with `bytes` and rewrites the entry with the new digest, as a writer of the directory can. */
function forge(cache: BuildCacheDirectory, entry: CacheEntry, bytes: Buffer): CacheEntry {
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  const forged: CacheEntry = { ...entry, target: { sha256, size: bytes.length } };
  fs.writeFileSync(cache.objectPath(forged.target), bytes);
  fs.writeFileSync(path.join(cache.settings.directory, 'entries', `${entry.key}.json`), JSON.stringify(forged));
  return forged;
}

describe('build-cache authentication: only an entry signed with CDK_RUST_CACHE_KEY may give a build its target cache', () => {
  test('a save with the key signs the entry; the tag verifies, and survives being marked used', () => {
    const cache = new BuildCacheDirectory(settings({ authKey: authKey() }));
    const entry = cache.commit(KEY, archives(cache, 'a'));
    expect(entry?.format).toBe(2);
    expect(entry?.tag).toMatch(/^[0-9a-f]{64}$/);
    if (!entry) throw new Error('not committed');
    expect(cache.authenticity(entry)).toBe('signed');
    cache.touch(entry);
    const found = cache.find(KEY);
    expect(found && cache.authenticity(found.entry)).toBe('signed');
  });

  test('a forged entry (the target archive swapped and its digest recomputed) verifies its digests but is refused', () => {
    const cache = new BuildCacheDirectory(settings({ authKey: authKey() }));
    const entry = cache.commit(KEY, archives(cache, 'a'));
    if (!entry) throw new Error('not committed');
    const forged = forge(cache, entry, Buffer.from('planted artifacts and an inputs manifest that hides them'));
    const found = cache.find(KEY);
    expect(found?.entry).toEqual(forged);
    expect(cache.verify(forged)).toBe(true); // digests prove integrity, not origin
    expect(cache.authenticity(forged)).toBe('forged');
    // Without the tag, or with the tag of another key, it is not trusted either.
    const { tag: _tag, ...untagged } = forged;
    expect(cache.authenticity(untagged)).toBe('unsigned');
    const otherKey = new BuildCacheDirectory(settings({ authKey: authKey('b'.repeat(40)) }));
    expect(otherKey.authenticity(entry)).toBe('forged');
  });

  test('without a key nothing is trusted for the target cache, and a save writes no tag', () => {
    const cache = new BuildCacheDirectory(settings());
    const entry = cache.commit(KEY, archives(cache, 'a'));
    if (!entry) throw new Error('not committed');
    expect(entry.tag).toBeUndefined();
    expect(cache.authenticity(entry)).toBe('no-key');
    // and an unsigned entry stays untrusted once a key is configured
    expect(new BuildCacheDirectory({ ...cache.settings, authKey: authKey() }).authenticity(entry)).toBe('unsigned');
  });

  test('an entry of format 1 (written before entries were signed) is read, but never trusted with a key', () => {
    const signer = new BuildCacheDirectory(settings({ authKey: authKey() }));
    const entry = signer.commit(KEY, archives(signer, 'a'));
    if (!entry) throw new Error('not committed');
    const { tag, ...fields } = entry;
    const old = { ...fields, format: 1 as const };
    fs.writeFileSync(path.join(signer.settings.directory, 'entries', `${KEY.key}.json`), JSON.stringify({ ...old, tag }));
    const found = signer.find(KEY);
    expect(found?.entry.format).toBe(1);
    expect(found && signer.authenticity(found.entry)).toBe('unsigned');
  });

  test('the key never appears in an entry file or in the settings as printed or serialized', () => {
    const cache = new BuildCacheDirectory(settings({ authKey: authKey() }));
    cache.commit(KEY, archives(cache, 'a'));
    const entryText = fs.readFileSync(path.join(cache.settings.directory, 'entries', `${KEY.key}.json`), 'utf-8');
    expect(entryText).not.toContain(SECRET);
    expect(JSON.stringify(cache.settings)).not.toContain(SECRET);
    expect(inspect(cache.settings, { depth: 5 })).not.toContain(SECRET);
    expect(String(cache.settings.authKey)).toBe('[CDK_RUST_CACHE_KEY]');
  });
});

describe('build-cache directory on hostile ground: links are never followed, and only work directories cdk-rust made are deleted', () => {
  /** A folder outside the cache holding a file: what must survive. */
  function victim(): string {
    const dir = tempDir('victim');
    fs.writeFileSync(path.join(dir, 'precious.txt'), 'keep me');
    fs.mkdirSync(path.join(dir, '4242-00000000-0000-4000-8000-000000000000'));
    return dir;
  }

  test.each(['tmp', 'entries', 'objects'])('a symlinked %s: nothing outside the cache is touched, and the cache is not used', (folder) => {
    for (const readOnly of [false, true]) {
      const target = victim();
      const cache = new BuildCacheDirectory(settings({ readOnly }));
      fs.mkdirSync(cache.settings.directory, { recursive: true });
      fs.symlinkSync(target, path.join(cache.settings.directory, folder));
      expect(cache.problem()).toMatch(new RegExp(`${folder} is a symbolic link`));
      expect(() => cache.workDirectory()).toThrow(/symbolic link/);
      cache.prune();
      expect(cache.find(KEY)).toBeUndefined();
      expect(fs.readdirSync(target).sort()).toEqual(['4242-00000000-0000-4000-8000-000000000000', 'precious.txt']);
      expect(fs.readFileSync(path.join(target, 'precious.txt'), 'utf-8')).toBe('keep me');
    }
  });

  test('the cache directory itself as a symlink is refused', () => {
    const target = victim();
    const link = path.join(tempDir('cache-parent'), 'cache');
    fs.symlinkSync(target, link);
    const cache = new BuildCacheDirectory(settings({ directory: link }));
    expect(cache.problem()).toMatch(/is a symbolic link/);
    expect(() => cache.workDirectory()).toThrow();
    expect(fs.readdirSync(target).sort()).toEqual(['4242-00000000-0000-4000-8000-000000000000', 'precious.txt']);
  });

  test("in tmp, only real directories named <pid>-<uuid> with cdk-rust's marker are removed, never a link or a folder of someone else", () => {
    const target = victim();
    const cache = new BuildCacheDirectory(settings());
    cache.workDirectory();
    const tmp = path.join(cache.settings.directory, 'tmp');
    // a link named like a dead build's work directory, pointing outside the cache
    fs.symlinkSync(target, path.join(tmp, '999999999-11111111-1111-4111-8111-111111111111'));
    // a directory named like one, without the marker
    fs.mkdirSync(path.join(tmp, '999999998-22222222-2222-4222-8222-222222222222'));
    // a directory of another name
    fs.mkdirSync(path.join(tmp, 'notes'));
    // a dead build's directory whose marker is a link
    const fake = path.join(tmp, '999999997-33333333-3333-4333-8333-333333333333');
    fs.mkdirSync(fake);
    fs.symlinkSync(path.join(target, 'precious.txt'), path.join(fake, '.cdk-rust-work'));
    cache.workDirectory();
    expect(
      fs
        .readdirSync(tmp)
        .filter((n) => !n.startsWith(`${process.pid}-`))
        .sort(),
    ).toEqual([
      '999999997-33333333-3333-4333-8333-333333333333',
      '999999998-22222222-2222-4222-8222-222222222222',
      '999999999-11111111-1111-4111-8111-111111111111',
      'notes',
    ]);
    expect(fs.readFileSync(path.join(target, 'precious.txt'), 'utf-8')).toBe('keep me');
  });

  test('entry and archive files that are links are ignored: never read through, never deleted through', () => {
    const target = victim();
    const cache = new BuildCacheDirectory(settings());
    const entry = cache.commit(KEY, archives(cache, 'a'));
    if (!entry) throw new Error('not committed');
    // the entry file becomes a link to a copy of itself elsewhere: not read
    const copy = path.join(target, 'entry.json');
    fs.copyFileSync(path.join(cache.settings.directory, 'entries', `${KEY.key}.json`), copy);
    fs.rmSync(path.join(cache.settings.directory, 'entries', `${KEY.key}.json`));
    fs.symlinkSync(copy, path.join(cache.settings.directory, 'entries', `${KEY.key}.json`));
    expect(cache.find(KEY)).toBeUndefined();
    // an archive that is a link (to a file of the right content) does not verify, and pruning leaves its target alone
    const archive = cache.objectPath(entry.target);
    fs.renameSync(archive, path.join(target, 'target.tar'));
    fs.symlinkSync(path.join(target, 'target.tar'), archive);
    expect(cache.verify(entry)).toBe(false);
    const old = new Date(Date.now() - 3600_000);
    fs.lutimesSync(archive, old, old);
    cache.prune();
    expect(fs.existsSync(path.join(target, 'target.tar'))).toBe(true);
    expect(fs.existsSync(copy)).toBe(true);
  });
});
