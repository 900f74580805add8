/**
 * The build cache directory: what makes a build fast, kept on the host so that it outlives the
 * Docker daemon (a CI runner starts with an empty one, and CI caches a directory, not a daemon).
 *
 * Layout of the directory:
 * - `CACHEDIR.TAG`: marks it as a cache (backup tools skip it, and so does cdk-rust's input walk, so a
 *   cache directory inside the project never changes an asset hash);
 * - `objects/<sha256>.tar`: immutable archives, named by their content;
 * - `entries/<key>.json`: one per key, naming its two archives (the target cache, and the registry
 *   and git caches) with their digests and sizes; written by rename, so readers see a whole entry
 *   or none;
 * - `tmp/<pid>-<uuid>/`: work directories of running builds, each with a `.cdk-rust-work` marker
 *   (removed when their process is gone).
 *
 * The key covers everything that changes what the target cache holds: the workspace's layout (not
 * its absolute path: builds see it at /src), the builder image's identity, the target triple and the
 * lock file. Profiles and features share one entry, as they share one target directory: cargo keeps
 * their artifacts apart by its own metadata hashes, and every function of a workspace then restores
 * the dependencies it shares with the others from one archive instead of ten copies.
 *
 * When the key has no entry (the lock file changed), the newest entry of the same workspace, image
 * and target is restored instead: cargo's fingerprints rebuild whatever it does not match, so a
 * stale cache costs compile time, never correctness. An archive whose digest does not match its
 * entry is never used: the entry is dropped and the build runs cold.
 *
 * Trust model: the directory is untrusted input (a pull request's job, a shared self-hosted runner or
 * an unprotected branch's cache may have written it). Digests prove that an archive is whole, not who
 * made it. So:
 * - the target cache (compiled artifacts and the inputs manifest, which nothing can check by content)
 *   is restored only from an entry whose HMAC tag verifies with `CDK_RUST_CACHE_KEY` (cache-auth.ts),
 *   a secret only trusted jobs hold; without a key it is never restored, and saves are unsigned;
 * - the dependency archive is checked by content whatever the key: only registry `.crate` files whose
 *   SHA-256 is the lock file's checksum, and git objects of the lock file's git sources, rebuilt into
 *   fresh repositories and checked with `git fsck` to hold the locked commit (cache-dockerfile.ts);
 * - the directory's own folders are never followed through links, entry and archive files must be
 *   regular files, and cdk-rust deletes only what it created, inside the directory (cache-folders.ts).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { processAlive } from '../private/process-alive';
import { shortHash } from '../private/short-hash';
import { BuildCacheSettings } from './build-cache-settings';
import { CacheEntry, CacheObject, ENTRY_FORMAT, EntryAuthenticity, describeObject, readEntry, sha256File } from './cache-entry';
import { entryKindAt } from '../private/no-follow';
import { folderProblem, isOwnWorkDirectory, removeInside, WORK_MARKER } from './cache-folders';
import { BuildPlan } from './plan';

export { DEFAULT_CACHE_MAX_MB, resolveBuildCache } from './build-cache-settings';
export type { BuildCacheSettings } from './build-cache-settings';
export { ENTRY_FORMAT, sha256File } from './cache-entry';
export type { CacheEntry, CacheObject, EntryAuthenticity } from './cache-entry';

const CACHEDIR_TAG =
  'Signature: 8a477f597d28d172789f06886806bc55\n' +
  '# This file is a cache directory tag created by cdk-rust (the build cache of Rust builds).\n' +
  '# For information about cache directory tags see https://bford.info/cachedir/\n';

/** Work directories older than this are removed even when their process id is in use again. */
const STALE_TMP_MS = 24 * 3600 * 1000;
/** Archives no entry names are kept this long, for a build that is committing them right now. */
const ORPHAN_GRACE_MS = 10 * 60 * 1000;

/** What a cache entry is for. */
export interface CacheKey {
  /** The workspace's layout, the builder image and the target: entries of one family can stand in for each other. */
  readonly family: string;
  /** The family plus the lock file: `<family>-<lock>`. */
  readonly key: string;
}

/** The key of `plan`'s build with the builder image `imageIdentity` (see builderImageIdentity). */
export function cacheKeyOf(plan: BuildPlan, imageIdentity: string): CacheKey {
  const layout = {
    workdir: plan.workdir,
    inputDirs: plan.inputDirs.map((dir) => path.relative(plan.contextRoot, dir).split(path.sep).join('/')),
    image: imageIdentity,
    target: plan.target,
  };
  const family = shortHash(JSON.stringify(layout), 16);
  const lockFile = path.join(plan.workspaceRoot, 'Cargo.lock');
  const lock = plan.locked && fs.existsSync(lockFile) ? shortHash(fs.readFileSync(lockFile, 'utf-8'), 16) : 'unlocked';
  return { family, key: `${family}-${lock}` };
}

/** The two archives a save produced, in a work directory of the cache. */
export interface SavedArchives {
  readonly target: string;
  readonly deps: string;
}

/** The build cache directory of one set of settings. Every method works on the directory as it is now. */
export class BuildCacheDirectory {
  private readonly entries: string;
  private readonly objects: string;
  private readonly tmp: string;

  constructor(public readonly settings: BuildCacheSettings) {
    this.entries = path.join(settings.directory, 'entries');
    this.objects = path.join(settings.directory, 'objects');
    this.tmp = path.join(settings.directory, 'tmp');
  }

  /**
   * Why the directory cannot be used (one of its own folders is a link, or not a directory), or
   * undefined when it can. Every method does nothing (finds nothing, writes and deletes nothing)
   * while there is a problem.
   */
  public problem(): string | undefined {
    for (const dir of [this.settings.directory, this.entries, this.objects, this.tmp]) {
      const problem = folderProblem(dir);
      if (problem) return problem;
    }
    return undefined;
  }

  /** Whether `entry` may give a build its target cache (see {@link EntryAuthenticity}). */
  public authenticity(entry: CacheEntry): EntryAuthenticity {
    const authKey = this.settings.authKey;
    if (!authKey) return 'no-key';
    if (entry.format !== ENTRY_FORMAT || entry.tag === undefined) return 'unsigned';
    return authKey.verify(entry, entry.tag) ? 'signed' : 'forged';
  }

  /**
   * The entry to restore for `key`: its own, else the newest of its family. `exact` says which.
   * Unreadable entry files are skipped.
   */
  public find(key: CacheKey): { entry: CacheEntry; exact: boolean } | undefined {
    if (this.problem()) return undefined;
    const all = this.list();
    const own = all.find((e) => e.key === key.key);
    if (own) return { entry: own, exact: true };
    const sameFamily = all.filter((e) => e.family === key.family).sort((a, b) => b.created.localeCompare(a.created));
    return sameFamily.length > 0 ? { entry: sameFamily[0], exact: false } : undefined;
  }

  /** The path of an entry's archive. */
  public objectPath(object: CacheObject): string {
    return path.join(this.objects, `${object.sha256}.tar`);
  }

  /**
   * True when both archives of `entry` are present with the digests the entry names. A damaged
   * entry is removed (unless the cache is read-only, or the key was saved anew meanwhile), so that
   * the next save replaces it. An entry replaced while a build was reading it fails this check too:
   * that build runs cold.
   */
  public verify(entry: CacheEntry): boolean {
    const ok = [entry.target, entry.deps].every((object) => {
      const file = this.objectPath(object);
      try {
        return sha256File(file, object.size) === object.sha256;
      } catch {
        return false;
      }
    });
    // Drop the entry only while it still names these archives: another build may have saved the key anew since.
    const current = readEntry(this.entryPath(entry.key));
    if (
      !ok &&
      !this.settings.readOnly &&
      current &&
      current.target.sha256 === entry.target.sha256 &&
      current.deps.sha256 === entry.deps.sha256
    ) {
      removeInside(this.settings.directory, this.entryPath(entry.key));
    }
    return ok;
  }

  /** Records that `entry` was just used, for the least-recently-used bound. Nothing in read-only mode. */
  public touch(entry: CacheEntry): void {
    if (this.settings.readOnly || this.problem()) return;
    // Not over an entry another build saved meanwhile (whose archives are the ones that exist now).
    const current = readEntry(this.entryPath(entry.key));
    if (!current || current.target.sha256 !== entry.target.sha256 || current.deps.sha256 !== entry.deps.sha256) return;
    this.writeEntry({ ...current, lastUsed: new Date().toISOString() });
  }

  /**
   * A new work directory in the cache (same file system as the archives, so they move in by rename).
   * Also removes the work directories of processes that are gone (interrupted builds).
   */
  public workDirectory(): string {
    this.ensureLayout();
    this.removeDeadWorkDirectories();
    const dir = path.join(this.tmp, `${process.pid}-${crypto.randomUUID()}`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, WORK_MARKER), '', { flag: 'wx' });
    return dir;
  }

  /** Deletes a work directory of this build (only as {@link removeInside} allows). */
  public removeWorkDirectory(dir: string): void {
    if (path.dirname(dir) === this.tmp && isOwnWorkDirectory(this.tmp, path.basename(dir))) removeInside(this.settings.directory, dir);
  }

  /**
   * Puts the archives of `entry` into `dir` as `target.tar` / `deps.tar` (hard links where the file
   * system allows, copies otherwise), for a seed build's context.
   */
  public stage(entry: CacheEntry, dir: string, parts: { target: boolean; deps: boolean }, names: { target: string; deps: string }): void {
    const place = (object: CacheObject, name: string) => {
      const to = path.join(dir, name);
      try {
        fs.linkSync(this.objectPath(object), to);
      } catch {
        fs.copyFileSync(this.objectPath(object), to);
      }
    };
    if (parts.target) place(entry.target, names.target);
    if (parts.deps) place(entry.deps, names.deps);
    for (const name of [parts.target ? names.target : undefined, parts.deps ? names.deps : undefined]) {
      if (name && entryKindAt(path.join(dir, name)) !== 'file') throw new Error(`the staged archive ${name} is not a regular file`);
    }
  }

  /**
   * Stores the archives of a save as the entry of `key`, then keeps the directory under its bound by
   * removing the least recently used entries (never the new one). Returns the entry, or undefined
   * when the archives alone exceed the bound (then nothing is stored). The archives are moved away
   * or deleted either way.
   */
  public commit(key: CacheKey, archives: SavedArchives): CacheEntry | undefined {
    const target = describeObject(archives.target);
    const deps = describeObject(archives.deps);
    if (target.size + deps.size > this.settings.maxBytes || this.problem()) {
      fs.rmSync(archives.target, { force: true });
      fs.rmSync(archives.deps, { force: true });
      return undefined;
    }
    for (const [file, object] of [
      [archives.target, target],
      [archives.deps, deps],
    ] as const) {
      const stored = this.objectPath(object);
      // An archive of this content is there already (a link or anything but a regular file is replaced).
      if (entryKindAt(stored) === 'file') fs.rmSync(file, { force: true });
      else fs.renameSync(file, stored);
    }
    const replaced = readEntry(this.entryPath(key.key));
    const now = new Date().toISOString();
    const fields = { format: ENTRY_FORMAT, key: key.key, family: key.family, target, deps, created: now } as const;
    const tag = this.settings.authKey?.tag(fields);
    const entry: CacheEntry = { ...fields, lastUsed: now, ...(tag ? { tag } : {}) };
    this.writeEntry(entry);
    // The archives of the entry this one replaced go now, unless another entry names them (a build restoring
    // them at this very moment falls back to a cold build: slower, never wrong).
    if (replaced) this.removeUnnamed([replaced.target.sha256, replaced.deps.sha256]);
    this.prune(entry.key);
    return entry;
  }

  /** The bytes the directory's archives take. */
  public size(): number {
    return this.listObjects().reduce((sum, o) => sum + o.size, 0);
  }

  /**
   * Removes archives no entry names (after a grace period, for builds committing right now), then
   * the least recently used entries other than `keep` while the archives exceed the bound.
   */
  public prune(keep?: string): void {
    if (this.problem()) return;
    const entries = this.list().sort((a, b) => a.lastUsed.localeCompare(b.lastUsed));
    const named = (list: readonly CacheEntry[]) => new Set(list.flatMap((e) => [e.target.sha256, e.deps.sha256]));
    const now = Date.now();
    const referenced = named(entries);
    for (const object of this.listObjects()) {
      if (!referenced.has(object.sha256) && now - object.mtimeMs > ORPHAN_GRACE_MS) removeInside(this.settings.directory, object.file);
    }
    const live = [...entries];
    const total = () => {
      const used = named(live);
      return this.listObjects()
        .filter((o) => used.has(o.sha256))
        .reduce((sum, o) => sum + o.size, 0);
    };
    while (total() > this.settings.maxBytes) {
      const victim = live.findIndex((e) => e.key !== keep);
      if (victim < 0) break;
      const [removed] = live.splice(victim, 1);
      removeInside(this.settings.directory, this.entryPath(removed.key));
      this.removeUnnamed([removed.target.sha256, removed.deps.sha256]);
    }
  }

  /** Removes the archives among `shas` that no entry names. */
  private removeUnnamed(shas: readonly string[]): void {
    const named = new Set(this.list().flatMap((e) => [e.target.sha256, e.deps.sha256]));
    for (const sha of shas) {
      if (!named.has(sha)) removeInside(this.settings.directory, path.join(this.objects, `${sha}.tar`));
    }
  }

  private list(): CacheEntry[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.entries).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    return names.flatMap((name) => {
      const entry = readEntry(path.join(this.entries, name));
      return entry && `${entry.key}.json` === name ? [entry] : [];
    });
  }

  private listObjects(): Array<{ sha256: string; size: number; mtimeMs: number; file: string }> {
    let names: string[];
    try {
      names = fs.readdirSync(this.objects);
    } catch {
      return [];
    }
    return names.flatMap((name) => {
      const match = /^([0-9a-f]{64})\.tar$/.exec(name);
      if (!match) return [];
      const file = path.join(this.objects, name);
      try {
        const stat = fs.lstatSync(file);
        return stat.isFile() ? [{ sha256: match[1], size: stat.size, mtimeMs: stat.mtimeMs, file }] : [];
      } catch {
        return [];
      }
    });
  }

  private entryPath(key: string): string {
    return path.join(this.entries, `${key}.json`);
  }

  private writeEntry(entry: CacheEntry): void {
    this.ensureLayout();
    const temp = path.join(this.entries, `.${entry.key}.${process.pid}.${crypto.randomUUID()}.tmp`);
    fs.writeFileSync(temp, JSON.stringify(entry, undefined, 2) + '\n', { flag: 'wx' });
    fs.renameSync(temp, this.entryPath(entry.key));
  }

  /** Creates the folders (refusing links: throws when one is there), and the cache directory tag. */
  private ensureLayout(): void {
    for (const dir of [this.settings.directory, this.entries, this.objects, this.tmp]) {
      const problem = folderProblem(dir);
      if (problem) throw new Error(problem);
      fs.mkdirSync(dir, { recursive: true });
    }
    const problem = this.problem();
    if (problem) throw new Error(problem);
    const tag = path.join(this.settings.directory, 'CACHEDIR.TAG');
    if (entryKindAt(tag) === undefined) fs.writeFileSync(tag, CACHEDIR_TAG, { flag: 'wx' });
  }

  /** Removes the work directories cdk-rust made whose process is gone (or that are a day old); nothing else. */
  private removeDeadWorkDirectories(): void {
    for (const name of fs.readdirSync(this.tmp)) {
      if (!isOwnWorkDirectory(this.tmp, name)) continue;
      const dir = path.join(this.tmp, name);
      const pid = Number(name.slice(0, name.indexOf('-')));
      let stale: boolean;
      try {
        stale = !processAlive(pid) || Date.now() - fs.lstatSync(dir).mtimeMs > STALE_TMP_MS;
      } catch {
        continue;
      }
      if (stale) removeInside(this.settings.directory, dir);
    }
  }
}
