/**
 * The build cache's settings: the directory (the `bundling.cacheDirectory` prop or
 * `CDK_RUST_CACHE_DIR`), read-only mode, the size bound, and the authentication key
 * (`CDK_RUST_CACHE_KEY`, environment only; see cache-auth.ts), all checked at synth time.
 */
import * as path from 'path';
import { CdkRustError } from '../errors';
import { CacheAuthKey } from './cache-auth';

/** Where and how a build keeps its cache on the host. Plain data, part of the build plan. */
export interface BuildCacheSettings {
  /** The cache directory, absolute. */
  readonly directory: string;
  /** Restore only: never write the directory (pull-request builds). */
  readonly readOnly: boolean;
  /** The size the directory is kept under, in bytes. */
  readonly maxBytes: number;
  /**
   * The key that signs saved entries and verifies restored ones (`CDK_RUST_CACHE_KEY`). Absent
   * without one: then the target cache is never restored, and saves are unsigned.
   */
  readonly authKey?: CacheAuthKey;
}

/** The default bound of the cache directory: 4 GiB, under GitHub's 10 GB per repository. */
export const DEFAULT_CACHE_MAX_MB = 4096;

/**
 * The settings from the prop or, failing that, the environment (`CDK_RUST_CACHE_DIR`,
 * `CDK_RUST_CACHE_READ_ONLY`, `CDK_RUST_CACHE_MAX_MB`, `CDK_RUST_CACHE_KEY`). Undefined when no
 * directory is named.
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
  const authKey = CacheAuthKey.fromEnvironment(env);
  return {
    directory: path.resolve(value),
    readOnly: readOnlyText === '1' || readOnlyText === 'true',
    maxBytes: (maxText === '' ? DEFAULT_CACHE_MAX_MB : Number(maxText)) * 1024 * 1024,
    ...(authKey ? { authKey } : {}),
  };
}
