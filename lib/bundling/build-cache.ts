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
 * - `tmp/<pid>-<uuid>/`: work directories of running builds (removed when their process is gone).
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
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { processAlive } from '../private/process-alive';
import { shortHash } from '../private/short-hash';
import { BuildPlan } from './plan';

/** Where and how a build keeps its cache on the host. Plain data, part of the build plan. */
export interface BuildCacheSettings {
  /** The cache directory, absolute. */
  readonly directory: string;
  /** Restore only: never write the directory (pull-request builds). */
  readonly readOnly: boolean;
  /** The size the directory is kept under, in bytes. */
  readonly maxBytes: number;
}

/** The default bound of the cache directory: 4 GiB, under GitHub's 10 GB per repository. */
export const DEFAULT_CACHE_MAX_MB = 4096;

const CACHEDIR_TAG =
  'Signature: 8a477f597d28d172789f06886806bc55\n' +
  '# This file is a cache directory tag created by cdk-rust (the build cache of Rust builds).\n' +
  '# For information about cache directory tags see https://bford.info/cachedir/\n';

/** Work directories older than this are removed even when their process id is in use again. */
const STALE_TMP_MS = 24 * 3600 * 1000;
/** Archives no entry names are kept this long, for a build that is committing them right now. */
const ORPHAN_GRACE_MS = 10 * 60 * 1000;

/**
 * The settings from the prop or, failing that, the environment (`CDK_RUST_CACHE_DIR`,
 * `CDK_RUST_CACHE_READ_ONLY`, `CDK_RUST_CACHE_MAX_MB`). Undefined when no directory is named.
 */
export function resolveBuildCache(prop: string | undefined, env: NodeJS.ProcessEnv): BuildCacheSettings | undefined {
  const [value, name] =
    prop !== undefined ? [prop, 'bundling.cacheDirectory'] : [env.CDK_RUST_CACHE_DIR || undefined, 'CDK_RUST_CACHE_DIR'];
  if (value === undefined) return undefined;
  if (value.trim() === '' || /[\r\n\0]/.test(value)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `${name}: ${JSON.stringify(value)} is not a directory path.`,
      'name a directory (it is created when missing), e.g. ".cdk-rust-cache", and cache it in CI.',
    );
  }
  const readOnlyText = (env.CDK_RUST_CACHE_READ_ONLY ?? '').trim().toLowerCase();
  if (!['', '0', '1', 'true', 'false'].includes(readOnlyText)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `CDK_RUST_CACHE_READ_ONLY: "${env.CDK_RUST_CACHE_READ_ONLY}" is not a boolean.`,
      'set it to "true" (restore only, for pull-request builds) or "false", or leave it unset.',
    );
  }
  const maxText = (env.CDK_RUST_CACHE_MAX_MB ?? '').trim();
  if (maxText !== '' && !/^[1-9][0-9]{0,7}$/.test(maxText)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `CDK_RUST_CACHE_MAX_MB: "${env.CDK_RUST_CACHE_MAX_MB}" is not a size in MiB.`,
      `give a whole number of MiB, e.g. "${DEFAULT_CACHE_MAX_MB}" (the default), or leave it unset.`,
    );
  }
  return {
    directory: path.resolve(value),
    readOnly: readOnlyText === '1' || readOnlyText === 'true',
    maxBytes: (maxText === '' ? DEFAULT_CACHE_MAX_MB : Number(maxText)) * 1024 * 1024,
  };
}

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

/** One archive of an entry. */
export interface CacheObject {
  readonly sha256: string;
  readonly size: number;
}

/** A cache entry, as `entries/<key>.json` holds it. */
export interface CacheEntry {
  readonly format: 1;
  readonly key: string;
  readonly family: string;
  /** The target cache. */
  readonly target: CacheObject;
  /** The registry's downloaded crates and index cache, and the workspace's git dependencies. */
  readonly deps: CacheObject;
  /** ISO time of the save. */
  readonly created: string;
  /** ISO time of the last restore or save. */
  readonly lastUsed: string;
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
   * The entry to restore for `key`: its own, else the newest of its family. `exact` says which.
   * Unreadable entry files are skipped.
   */
  public find(key: CacheKey): { entry: CacheEntry; exact: boolean } | undefined {
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
        return fs.statSync(file).size === object.size && sha256File(file) === object.sha256;
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
      fs.rmSync(this.entryPath(entry.key), { force: true });
    }
    return ok;
  }

  /** Records that `entry` was just used, for the least-recently-used bound. Nothing in read-only mode. */
  public touch(entry: CacheEntry): void {
    if (this.settings.readOnly) return;
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
    return dir;
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
    if (target.size + deps.size > this.settings.maxBytes) {
      fs.rmSync(archives.target, { force: true });
      fs.rmSync(archives.deps, { force: true });
      return undefined;
    }
    for (const [file, object] of [
      [archives.target, target],
      [archives.deps, deps],
    ] as const) {
      const stored = this.objectPath(object);
      if (fs.existsSync(stored)) fs.rmSync(file, { force: true });
      else fs.renameSync(file, stored);
    }
    const replaced = readEntry(this.entryPath(key.key));
    const now = new Date().toISOString();
    const entry: CacheEntry = { format: 1, key: key.key, family: key.family, target, deps, created: now, lastUsed: now };
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
    const entries = this.list().sort((a, b) => a.lastUsed.localeCompare(b.lastUsed));
    const named = (list: readonly CacheEntry[]) => new Set(list.flatMap((e) => [e.target.sha256, e.deps.sha256]));
    const now = Date.now();
    const referenced = named(entries);
    for (const object of this.listObjects()) {
      if (!referenced.has(object.sha256) && now - object.mtimeMs > ORPHAN_GRACE_MS) fs.rmSync(object.file, { force: true });
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
      fs.rmSync(this.entryPath(removed.key), { force: true });
      this.removeUnnamed([removed.target.sha256, removed.deps.sha256]);
    }
  }

  /** Removes the archives among `shas` that no entry names. */
  private removeUnnamed(shas: readonly string[]): void {
    const named = new Set(this.list().flatMap((e) => [e.target.sha256, e.deps.sha256]));
    for (const sha of shas) {
      if (!named.has(sha)) fs.rmSync(path.join(this.objects, `${sha}.tar`), { force: true });
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
        const stat = fs.statSync(file);
        return [{ sha256: match[1], size: stat.size, mtimeMs: stat.mtimeMs, file }];
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
    fs.writeFileSync(temp, JSON.stringify(entry, undefined, 2) + '\n');
    fs.renameSync(temp, this.entryPath(entry.key));
  }

  private ensureLayout(): void {
    for (const dir of [this.entries, this.objects, this.tmp]) fs.mkdirSync(dir, { recursive: true });
    const tag = path.join(this.settings.directory, 'CACHEDIR.TAG');
    if (!fs.existsSync(tag)) fs.writeFileSync(tag, CACHEDIR_TAG);
  }

  private removeDeadWorkDirectories(): void {
    for (const name of fs.readdirSync(this.tmp)) {
      const dir = path.join(this.tmp, name);
      const pid = Number(/^(\d+)-/.exec(name)?.[1]);
      let stale: boolean;
      try {
        stale = !processAlive(pid) || Date.now() - fs.statSync(dir).mtimeMs > STALE_TMP_MS;
      } catch {
        continue;
      }
      if (stale) fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** Reads an entry file; undefined when it is not a well-formed entry. */
function readEntry(file: string): CacheEntry | undefined {
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf-8')) as Partial<CacheEntry>;
    const isObject = (o: unknown): o is CacheObject =>
      typeof o === 'object' &&
      o !== null &&
      /^[0-9a-f]{64}$/.test(String((o as CacheObject).sha256)) &&
      Number.isSafeInteger((o as CacheObject).size) &&
      (o as CacheObject).size >= 0;
    if (
      data.format !== 1 ||
      typeof data.key !== 'string' ||
      typeof data.family !== 'string' ||
      !/^[0-9a-f]{16}-(?:[0-9a-f]{16}|unlocked)$/.test(data.key) ||
      !data.key.startsWith(`${data.family}-`) ||
      !isObject(data.target) ||
      !isObject(data.deps) ||
      typeof data.created !== 'string' ||
      typeof data.lastUsed !== 'string'
    ) {
      return undefined;
    }
    return data as CacheEntry;
  } catch {
    return undefined;
  }
}

function describeObject(file: string): CacheObject {
  return { sha256: sha256File(file), size: fs.statSync(file).size };
}

/** The SHA-256 of a file, read in chunks (archives are hundreds of MB). */
export function sha256File(file: string): string {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(4 * 1024 * 1024);
    let read: number;
    while ((read = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0) hash.update(buffer.subarray(0, read));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}
