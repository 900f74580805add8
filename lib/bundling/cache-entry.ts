/**
 * A build cache entry (`entries/<key>.json`): what it names, how it is read back (a regular file, a
 * well-formed entry, or nothing), and the digests of its archives. See build-cache.ts.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import { openRegularFile, readRegularFile } from '../private/no-follow';

/** One archive of an entry. */
export interface CacheObject {
  readonly sha256: string;
  readonly size: number;
}

/** The format of the entries this version writes (2: with an authentication tag when saved with a key). */
export const ENTRY_FORMAT = 2;

/** A cache entry, as `entries/<key>.json` holds it. */
export interface CacheEntry {
  /** 1: written before entries were signed (never trusted for the target cache); 2: this version's. */
  readonly format: 1 | 2;
  readonly key: string;
  readonly family: string;
  /** The target cache. */
  readonly target: CacheObject;
  /** The registry's downloaded crates and index cache, and the workspace's git dependencies. */
  readonly deps: CacheObject;
  /** ISO time of the save. */
  readonly created: string;
  /** ISO time of the last restore or save (not covered by the tag: every restore rewrites it). */
  readonly lastUsed: string;
  /** HMAC-SHA256 of the entry's other fields with `CDK_RUST_CACHE_KEY` (see cache-auth.ts); absent when saved without a key. */
  readonly tag?: string;
}

/**
 * Whether an entry may give a build its target cache: `signed` (its tag verifies with the configured
 * key), `unsigned` (a key is configured and the entry has no tag, or is of format 1), `forged` (a key
 * is configured and the tag does not verify), `no-key` (no key configured: nothing is trusted).
 */
export type EntryAuthenticity = 'signed' | 'unsigned' | 'forged' | 'no-key';

/** Reads an entry file; undefined when it is not a well-formed entry. */
export function readEntry(file: string): CacheEntry | undefined {
  try {
    const data = JSON.parse(readRegularFile(file).toString('utf-8')) as Partial<CacheEntry>;
    const isObject = (o: unknown): o is CacheObject =>
      typeof o === 'object' &&
      o !== null &&
      /^[0-9a-f]{64}$/.test(String((o as CacheObject).sha256)) &&
      Number.isSafeInteger((o as CacheObject).size) &&
      (o as CacheObject).size >= 0;
    if (
      (data.format !== 1 && data.format !== ENTRY_FORMAT) ||
      (data.tag !== undefined && typeof data.tag !== 'string') ||
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

export function describeObject(file: string): CacheObject {
  return { sha256: sha256File(file), size: fs.statSync(file).size };
}

/**
 * The SHA-256 of a regular file (never through a link), read in chunks (archives are hundreds of MB).
 * With `size`, a file of another size throws instead.
 */
export function sha256File(file: string, size?: number): string {
  const hash = crypto.createHash('sha256');
  const fd = openRegularFile(file);
  try {
    if (size !== undefined && fs.fstatSync(fd).size !== size) throw new Error(`${file} is not ${size} bytes`);
    const buffer = Buffer.alloc(4 * 1024 * 1024);
    let read: number;
    while ((read = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0) hash.update(buffer.subarray(0, read));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}
