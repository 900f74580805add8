/**
 * The build cache's Docker side: before a build, restore the daemon's caches from the cache
 * directory when they are empty (a fresh CI runner); after it, save them there.
 *
 * Both run as small builds of their own (see cache-dockerfile.ts) with no network, no agent and no
 * user code. A cache that cannot be used never fails a build: restoring falls back to a cold build
 * and saving to not saving, each with a warning. Only an interruption stops the build.
 *
 * What is restored follows the trust model of build-cache.ts: the target cache only from an entry
 * signed with `CDK_RUST_CACHE_KEY`; the registry and git caches from any entry, as they are checked
 * by content against the build's own Cargo.lock.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { progress, warn } from '../private/progress';
import { BuildCacheDirectory, CacheEntry, CacheKey } from './build-cache';
import { CACHE_KEY_VARIABLE } from './cache-auth';
import {
  CACHE_EXPORT_STAGE,
  DEPS_ARCHIVE,
  INSTALL_DEPS_FILE,
  INSTALL_DEPS_SCRIPT,
  LOCK_DEPS_FILE,
  SELECT_DEPS_FILE,
  SELECT_DEPS_SCRIPT,
  TARGET_ARCHIVE,
  VERIFY_DEPS_FILE,
  VERIFY_DEPS_SCRIPT,
  renderProbeDockerfile,
  renderSaveDockerfile,
  renderSeedDockerfile,
} from './cache-dockerfile';
import { DockerClient, QuietBuildResult, failedStepOutput, runQuietBuild } from './docker';
import { CacheIds } from './dockerfile';
import { lockDepsList, readLockedSources } from './lock-checksums';
import { BuildPlan } from './plan';

/** One build's view of the cache. */
export interface CachedBuild {
  readonly client: DockerClient;
  readonly plan: BuildPlan;
  /** The builder image reference. */
  readonly image: string;
  /** The daemon's cache mounts of the build. */
  readonly cacheIds: CacheIds;
  readonly key: CacheKey;
}

/** What a restore found. */
export interface RestoreOutcome {
  /** The entry the daemon's caches now correspond to (restored, or found warm), if any. */
  readonly entry?: CacheEntry;
  /**
   * The entry is the build's own key (not a stand-in of the same family) and as trusted as this build
   * can make it (signed with the key, or no key configured): a build that compiles nothing need not save.
   */
  readonly exact: boolean;
}

const MIB = 1024 * 1024;

/** Seeds the daemon's empty caches from the cache directory. Never throws but for an interruption. */
export function restoreBuildCache(build: CachedBuild, cache: BuildCacheDirectory): RestoreOutcome {
  try {
    return restore(build, cache);
  } catch (error) {
    if (error instanceof CdkRustError) throw error;
    warn(`build cache: ${build.plan.binaryName} builds without the cache: ${(error as Error).message}`);
    return { exact: false };
  }
}

/**
 * Saves the daemon's caches after a successful build, unless the cache is read-only or nothing
 * changed (the build's own entry was restored or warm, and cargo compiled nothing). Never throws but
 * for an interruption.
 */
export function saveBuildCache(build: CachedBuild, cache: BuildCacheDirectory, restored: RestoreOutcome, buildLog: string): void {
  try {
    save(build, cache, restored, buildLog);
  } catch (error) {
    if (error instanceof CdkRustError) throw error;
    warn(`build cache: the caches of ${build.plan.binaryName} were not saved (the build itself succeeded): ${(error as Error).message}`);
  }
}

function restore(build: CachedBuild, cache: BuildCacheDirectory): RestoreOutcome {
  const what = build.plan.binaryName;
  const problem = cache.problem();
  if (problem) {
    warn(`build cache: ${problem}; ${what} builds without the cache (use a cache directory of real folders).`);
    return { exact: false };
  }
  const found = cache.find(build.key);
  if (!found) {
    progress(`build cache: nothing stored for ${what} yet (key ${build.key.key})`);
    return { exact: false };
  }
  const trust = trustOf(cache, found.entry, what);
  const started = Date.now();
  const work = cache.workDirectory();
  try {
    fs.writeFileSync(path.join(work, 'Dockerfile'), renderProbeDockerfile(build.image, build.cacheIds, found.entry.deps.sha256));
    const probe = checked(runQuietBuild(build.client, work, CACHE_EXPORT_STAGE, path.join(work, 'probe'), build.plan.builder), what);
    if (probe.status !== 0) {
      warn(`build cache: could not look into the daemon's caches, so ${what} builds without the cache:\n${failedStepOutput(probe.output)}`);
      return { exact: false };
    }
    const warm = (name: string) => fs.readFileSync(path.join(work, 'probe', name), 'utf-8').trim() === 'warm';
    const parts = { target: trust.target && !warm('target'), deps: !warm('deps') };
    const exact = found.exact && trust.exact;
    if (!parts.target && !parts.deps) {
      if (trust.target) progress(`build cache: the daemon's caches for ${what} are warm; nothing to restore`);
      return { entry: found.entry, exact };
    }
    if (!cache.verify(found.entry)) {
      warn(`build cache: the archives of ${found.entry.key} do not match their digests; ${what} builds without the cache.`);
      return { exact: false };
    }
    if (!seed(build, cache, found.entry, parts, work)) return { exact: false };
    cache.touch(found.entry);
    const bytes = (parts.target ? found.entry.target.size : 0) + (parts.deps ? found.entry.deps.size : 0);
    progress(
      `build cache: restored ${[parts.target ? 'the target cache' : '', parts.deps ? 'the registry and git caches' : ''].filter((p) => p).join(' and ')} ` +
        `of ${what} from ${found.entry.key}${found.exact ? '' : ' (an earlier lock file: cargo rebuilds what changed)'} ` +
        `(${(bytes / MIB).toFixed(1)} MiB) in ${seconds(started)}`,
    );
    return { entry: found.entry, exact };
  } finally {
    cache.removeWorkDirectory(work);
  }
}

/**
 * Whether `entry` may give the build its target cache, saying so when it may not: without a key,
 * never (one progress line with how to turn it on); with a key, only when its tag verifies (else a
 * warning naming the entry). `exact` is false when a key is configured and the entry is not signed
 * with it, so that the build saves a signed entry in its place.
 */
function trustOf(cache: BuildCacheDirectory, entry: CacheEntry, what: string): { target: boolean; exact: boolean } {
  const authenticity = cache.authenticity(entry);
  switch (authenticity) {
    case 'signed':
      return { target: true, exact: true };
    case 'no-key':
      progress(
        `build cache: ${CACHE_KEY_VARIABLE} is not set, so ${what} does not restore the target cache (compiled dependencies) of ${entry.key}, ` +
          `only its checked downloads; to restore it, give trusted jobs a secret ${CACHE_KEY_VARIABLE} (e.g. \`openssl rand -hex 32\`)`,
      );
      return { target: false, exact: true };
    default:
      warn(
        `build cache: ${entry.key} is ${authenticity === 'forged' ? 'not signed with this' : 'not signed with a'} ${CACHE_KEY_VARIABLE} ` +
          `(saved without the key, by another key, or forged), so ${what} does not restore its target cache and compiles its dependencies; ` +
          'a save with the key replaces it.',
      );
      return { target: false, exact: false };
  }
}

/** Runs the seed build of `parts` of `entry`. False (after a warning) when it failed. */
function seed(
  build: CachedBuild,
  cache: BuildCacheDirectory,
  entry: CacheEntry,
  parts: { target: boolean; deps: boolean },
  work: string,
): boolean {
  const seedDir = path.join(work, 'seed');
  fs.mkdirSync(seedDir);
  cache.stage(entry, seedDir, parts, { target: TARGET_ARCHIVE, deps: DEPS_ARCHIVE });
  if (parts.deps) {
    writeLockDeps(build, seedDir);
    fs.writeFileSync(path.join(seedDir, VERIFY_DEPS_FILE), VERIFY_DEPS_SCRIPT);
    fs.writeFileSync(path.join(seedDir, INSTALL_DEPS_FILE), INSTALL_DEPS_SCRIPT);
  }
  fs.writeFileSync(
    path.join(seedDir, 'Dockerfile'),
    renderSeedDockerfile(build.image, build.cacheIds, { target: parts.target, deps: parts.deps ? entry.deps.sha256 : undefined }),
  );
  const result = checked(
    runQuietBuild(build.client, seedDir, CACHE_EXPORT_STAGE, path.join(work, 'seeded'), build.plan.builder),
    build.plan.binaryName,
  );
  if (result.status !== 0) {
    warn(
      `build cache: restoring ${entry.key} failed, so ${build.plan.binaryName} builds without the cache:\n${failedStepOutput(result.output)}`,
    );
    return false;
  }
  return true;
}

/** Writes the list of what the build's Cargo.lock pins (`lock-deps`) into `dir`. */
function writeLockDeps(build: CachedBuild, dir: string): void {
  const lockFile = build.plan.locked ? path.join(build.plan.workspaceRoot, 'Cargo.lock') : undefined;
  fs.writeFileSync(path.join(dir, LOCK_DEPS_FILE), lockDepsList(readLockedSources(lockFile)));
}

function save(build: CachedBuild, cache: BuildCacheDirectory, restored: RestoreOutcome, buildLog: string): void {
  if (cache.settings.readOnly || cache.problem()) return;
  const compiled = /^#\d+ [\d.]+\s+Compiling /m.test(buildLog);
  if (restored.exact && !compiled) return;
  const what = build.plan.binaryName;
  const started = Date.now();
  const work = cache.workDirectory();
  try {
    writeLockDeps(build, work);
    fs.writeFileSync(path.join(work, SELECT_DEPS_FILE), SELECT_DEPS_SCRIPT);
    fs.writeFileSync(path.join(work, 'Dockerfile'), renderSaveDockerfile(build.image, build.cacheIds));
    const out = path.join(work, 'out');
    const save = checked(runQuietBuild(build.client, work, CACHE_EXPORT_STAGE, out, build.plan.builder), what);
    if (save.status !== 0) {
      warn(`build cache: saving the caches of ${what} failed; the build itself succeeded:\n${failedStepOutput(save.output)}`);
      return;
    }
    const entry = cache.commit(build.key, { target: path.join(out, TARGET_ARCHIVE), deps: path.join(out, DEPS_ARCHIVE) });
    if (!entry) {
      warn(
        `build cache: the caches of ${what} exceed the cache's bound of ${(cache.settings.maxBytes / MIB).toFixed(0)} MiB, so they were not saved. ` +
          'Raise CDK_RUST_CACHE_MAX_MB.',
      );
      return;
    }
    progress(
      `build cache: saved ${entry.key} (${((entry.target.size + entry.deps.size) / MIB).toFixed(1)} MiB; ` +
        `the directory holds ${(cache.size() / MIB).toFixed(1)} MiB) in ${seconds(started)}` +
        (entry.tag ? '' : `; unsigned (no ${CACHE_KEY_VARIABLE}), so no build restores its target cache`),
    );
  } finally {
    cache.removeWorkDirectory(work);
  }
}

/** `result`, or a BUILD_INTERRUPTED error when a signal stopped it. */
function checked(result: QuietBuildResult, what: string): QuietBuildResult {
  if (result.signal) {
    throw new CdkRustError(
      'BUILD_INTERRUPTED',
      `the build of ${what} was interrupted (${result.signal}) while it restored or saved the build cache.`,
      'synth again: the cache directory holds only whole entries.',
    );
  }
  return result;
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
