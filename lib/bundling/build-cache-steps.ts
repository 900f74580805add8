/**
 * The build cache's Docker side: before a build, restore the daemon's caches from the cache
 * directory when they are empty (a fresh CI runner); after it, save them there.
 *
 * Both run as small builds of their own (see cache-dockerfile.ts) with no network, no agent and no
 * user code. A cache that cannot be used never fails a build: restoring falls back to a cold build
 * and saving to not saving, each with a warning. Only an interruption stops the build.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { progress, warn } from '../private/progress';
import { BuildCacheDirectory, CacheEntry, CacheKey } from './build-cache';
import {
  CACHE_EXPORT_STAGE,
  DEPS_ARCHIVE,
  GIT_REPOS_FILE,
  TARGET_ARCHIVE,
  renderProbeDockerfile,
  renderSaveDockerfile,
  renderSeedDockerfile,
} from './cache-dockerfile';
import { lockGitRepositoryNames } from './cargo';
import { DockerClient, QuietBuildResult, failedStepOutput, runQuietBuild } from './docker';
import { CacheIds } from './dockerfile';
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
  /** The entry is the build's own key (not a stand-in of the same family). */
  readonly exact: boolean;
}

const MIB = 1024 * 1024;

/** Seeds the daemon's empty caches from the cache directory. Never throws but for an interruption. */
export function restoreBuildCache(build: CachedBuild, cache: BuildCacheDirectory): RestoreOutcome {
  const found = cache.find(build.key);
  const what = build.plan.binaryName;
  if (!found) {
    progress(`build cache: nothing stored for ${what} yet (key ${build.key.key})`);
    return { exact: false };
  }
  const started = Date.now();
  const work = cache.workDirectory();
  try {
    fs.writeFileSync(path.join(work, 'Dockerfile'), renderProbeDockerfile(build.image, build.cacheIds, found.entry.deps.sha256));
    const probe = checked(runQuietBuild(build.client, work, CACHE_EXPORT_STAGE, path.join(work, 'probe')), what);
    if (probe.status !== 0) {
      warn(`build cache: could not look into the daemon's caches, so ${what} builds without the cache:\n${failedStepOutput(probe.output)}`);
      return { exact: false };
    }
    const warm = (name: string) => fs.readFileSync(path.join(work, 'probe', name), 'utf-8').trim() === 'warm';
    const parts = { target: !warm('target'), deps: !warm('deps') };
    if (!parts.target && !parts.deps) {
      progress(`build cache: the daemon's caches for ${what} are warm; nothing to restore`);
      return { entry: found.entry, exact: found.exact };
    }
    if (!cache.verify(found.entry)) {
      warn(`build cache: the archives of ${found.entry.key} do not match their digests; ${what} builds without the cache.`);
      return { exact: false };
    }
    const seedDir = path.join(work, 'seed');
    fs.mkdirSync(seedDir);
    cache.stage(found.entry, seedDir, parts, { target: TARGET_ARCHIVE, deps: DEPS_ARCHIVE });
    fs.writeFileSync(
      path.join(seedDir, 'Dockerfile'),
      renderSeedDockerfile(build.image, build.cacheIds, { target: parts.target, deps: parts.deps ? found.entry.deps.sha256 : undefined }),
    );
    const seed = checked(runQuietBuild(build.client, seedDir, CACHE_EXPORT_STAGE, path.join(work, 'seeded')), what);
    if (seed.status !== 0) {
      warn(`build cache: restoring ${found.entry.key} failed, so ${what} builds without the cache:\n${failedStepOutput(seed.output)}`);
      return { exact: false };
    }
    cache.touch(found.entry);
    const bytes = (parts.target ? found.entry.target.size : 0) + (parts.deps ? found.entry.deps.size : 0);
    progress(
      `build cache: restored ${[parts.target ? 'the target cache' : '', parts.deps ? 'the registry and git caches' : ''].filter((p) => p).join(' and ')} ` +
        `of ${what} from ${found.entry.key}${found.exact ? '' : ' (an earlier lock file: cargo rebuilds what changed)'} ` +
        `(${(bytes / MIB).toFixed(1)} MiB) in ${seconds(started)}`,
    );
    return { entry: found.entry, exact: found.exact };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Saves the daemon's caches after a successful build, unless the cache is read-only or nothing
 * changed (the build's own entry was restored or warm, and cargo compiled nothing).
 */
export function saveBuildCache(build: CachedBuild, cache: BuildCacheDirectory, restored: RestoreOutcome, buildLog: string): void {
  if (cache.settings.readOnly) return;
  const compiled = /^#\d+ [\d.]+\s+Compiling /m.test(buildLog);
  if (restored.exact && !compiled) return;
  const what = build.plan.binaryName;
  const started = Date.now();
  const work = cache.workDirectory();
  try {
    const repos = lockGitRepositoryNames(build.plan.locked ? path.join(build.plan.workspaceRoot, 'Cargo.lock') : undefined);
    fs.writeFileSync(path.join(work, GIT_REPOS_FILE), repos.map((r) => `${r}\n`).join(''));
    fs.writeFileSync(path.join(work, 'Dockerfile'), renderSaveDockerfile(build.image, build.cacheIds));
    const out = path.join(work, 'out');
    const save = checked(runQuietBuild(build.client, work, CACHE_EXPORT_STAGE, out), what);
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
        `the directory holds ${(cache.size() / MIB).toFixed(1)} MiB) in ${seconds(started)}`,
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
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
