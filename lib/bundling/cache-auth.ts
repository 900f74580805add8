/**
 * Authentication of build cache entries: who wrote an entry, not only whether its archives are whole.
 *
 * An entry names its archives' SHA-256 digests, but whoever can write the cache directory can write
 * matching digests too. So an entry saved by a job that holds the secret `CDK_RUST_CACHE_KEY` carries
 * an HMAC-SHA256 tag over its canonical form (format, key, family, both archives' digests and sizes,
 * the save time; not `lastUsed`, which every restore rewrites), and the target cache (compiled
 * artifacts, which nothing else could check) is restored only from an entry whose tag verifies with
 * the key of the restoring job. Tags are compared in constant time.
 *
 * The key is read from the environment only, never from a prop, and it never appears in an entry,
 * a log line, the build plan's JSON or the cloud assembly: the {@link CacheAuthKey} holding it prints
 * as `[CDK_RUST_CACHE_KEY]`.
 */
import * as crypto from 'crypto';
import { inspect } from 'util';
import { CdkRustError } from '../errors';

/** The environment variable holding the key. */
export const CACHE_KEY_VARIABLE = 'CDK_RUST_CACHE_KEY';

/** The shortest key accepted: 32 characters (e.g. 16 random bytes in hex; `openssl rand -hex 32` gives 64). */
export const MIN_CACHE_KEY_LENGTH = 32;

/** The fields of an entry that its tag covers. */
export interface SignedEntryFields {
  readonly format: number;
  readonly key: string;
  readonly family: string;
  readonly target: { readonly sha256: string; readonly size: number };
  readonly deps: { readonly sha256: string; readonly size: number };
  readonly created: string;
}

/** The secret key of the cache's authentication tags. Never serialized or printed. */
export class CacheAuthKey {
  readonly #secret: Buffer;

  private constructor(secret: string) {
    this.#secret = Buffer.from(secret, 'utf-8');
  }

  /**
   * The key from `CDK_RUST_CACHE_KEY` in `env`, or undefined when it is unset or empty. Throws
   * INVALID_PROP for a key too short to be a secret, or with anything but printable ASCII (no white
   * space; the message never quotes the value).
   */
  public static fromEnvironment(env: NodeJS.ProcessEnv): CacheAuthKey | undefined {
    const value = env[CACHE_KEY_VARIABLE];
    if (value === undefined || value === '') return undefined;
    const printable = /^[\x21-\x7e]+$/.test(value);
    if (value.length < MIN_CACHE_KEY_LENGTH || !printable) {
      throw new CdkRustError(
        'INVALID_PROP',
        `${CACHE_KEY_VARIABLE}: the build cache key must be at least ${MIN_CACHE_KEY_LENGTH} printable ASCII characters without spaces ` +
          `(it has ${value.length}${printable ? '' : ', with other characters'}).`,
        `make one with \`openssl rand -hex 32\`, store it as a CI secret given only to trusted jobs (the default branch), or unset ${CACHE_KEY_VARIABLE}.`,
      );
    }
    return new CacheAuthKey(value);
  }

  /** The tag of `entry`: HMAC-SHA256 over its canonical form, in hex. */
  public tag(entry: SignedEntryFields): string {
    return crypto.createHmac('sha256', this.#secret).update(canonicalEntry(entry)).digest('hex');
  }

  /** True when `tag` is the tag of `entry` under this key (compared in constant time). */
  public verify(entry: SignedEntryFields, tag: string | undefined): boolean {
    if (typeof tag !== 'string' || !/^[0-9a-f]{64}$/.test(tag)) return false;
    return crypto.timingSafeEqual(Buffer.from(this.tag(entry), 'hex'), Buffer.from(tag, 'hex'));
  }

  /** Never the secret. */
  public toJSON(): string {
    return `[${CACHE_KEY_VARIABLE}]`;
  }

  /** Never the secret. */
  public toString(): string {
    return `[${CACHE_KEY_VARIABLE}]`;
  }

  /** Never the secret (console.log, util.inspect, jest's diffs). */
  public [inspect.custom](): string {
    return `[${CACHE_KEY_VARIABLE}]`;
  }
}

/** The bytes a tag covers: a fixed-order JSON array, so no two entries share a form. */
export function canonicalEntry(entry: SignedEntryFields): string {
  return JSON.stringify([
    'cdk-rust-build-cache-entry',
    entry.format,
    entry.key,
    entry.family,
    entry.target.sha256,
    entry.target.size,
    entry.deps.sha256,
    entry.deps.size,
    entry.created,
  ]);
}
