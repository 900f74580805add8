/**
 * Restoring and saving the build cache, with a stand-in for the Docker client that records the small
 * builds it is asked for: what each restore may seed follows the trust model (the target cache only
 * from an entry signed with CDK_RUST_CACHE_KEY), and a directory arranged to point elsewhere is not used.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { BuildCacheDirectory, BuildCacheSettings, CacheEntry, CacheKey } from '../../lib/bundling/build-cache';
import { CachedBuild, restoreBuildCache } from '../../lib/bundling/build-cache-steps';
import { CacheAuthKey } from '../../lib/bundling/cache-auth';
import { captureStderr, planOf, tempDir } from '../support';

const KEY: CacheKey = { family: '0123456789abcdef', key: '0123456789abcdef-fedcba9876543210' };
const authKey = (secret: string) => CacheAuthKey.fromEnvironment({ CDK_RUST_CACHE_KEY: secret }) as CacheAuthKey;
const TRUSTED = authKey('t'.repeat(64));

/** A `docker` that records each build's Dockerfile and context, and answers a probe with "empty" caches. */
function fakeDocker(): { command: string; builds: () => Array<{ dockerfile: string; context: string[] }> } {
  const dir = tempDir('fake-docker');
  const log = path.join(dir, 'log');
  fs.mkdirSync(log);
  const command = path.join(dir, 'docker');
  fs.writeFileSync(
    command,
    [
      '#!/bin/sh',
      `log=${log}`,
      'while [ $# -gt 0 ]; do case "$1" in --file) file=$2; shift ;; --output) out=${2#type=local,dest=}; shift ;; esac; shift; done',
      'n=$(ls "$log" | wc -l)',
      'mkdir "$log/$n" && cp "$file" "$log/$n/Dockerfile" && ls "$(dirname "$file")" > "$log/$n/context"',
      'mkdir -p "$out"',
      'if grep -q "probes the build caches" "$file"; then echo empty > "$out/target"; echo empty > "$out/deps"; fi',
      'exit 0',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const builds = () =>
    fs
      .readdirSync(log)
      .sort((a, b) => Number(a) - Number(b))
      .map((n) => ({
        dockerfile: fs.readFileSync(path.join(log, n, 'Dockerfile'), 'utf-8'),
        context: fs
          .readFileSync(path.join(log, n, 'context'), 'utf-8')
          .trim()
          .split('\n'),
      }));
  return { command, builds };
}

function setup(settings: Partial<BuildCacheSettings> = {}) {
  const docker = fakeDocker();
  const cache = new BuildCacheDirectory({ directory: tempDir('build-cache'), readOnly: false, maxBytes: 1 << 30, ...settings });
  const build: CachedBuild = {
    client: { command: docker.command, mode: 'classic' },
    plan: planOf('private-dep', {
      knownHosts: ['[127.0.0.1]:22222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBUEG8+F+xFfIyDYJWb43+PLqtA6kUu2BORCOGHhWhhx'],
    }),
    image: 'builder:1',
    cacheIds: { registry: 'reg', git: 'git', target: 'tgt' },
    key: KEY,
  };
  return { docker, cache, build };
}

/** Saves an entry as a job with `signer` (or without a key) would. */
function saved(directory: string, signer?: CacheAuthKey): CacheEntry {
  const writer = new BuildCacheDirectory({ directory, readOnly: false, maxBytes: 1 << 30, ...(signer ? { authKey: signer } : {}) });
  const work = writer.workDirectory();
  fs.writeFileSync(path.join(work, 'target.tar'), 'trusted target cache');
  fs.writeFileSync(path.join(work, 'deps.tar'), 'dependencies');
  const entry = writer.commit(KEY, { target: path.join(work, 'target.tar'), deps: path.join(work, 'deps.tar') });
  if (!entry) throw new Error('not committed');
  return entry;
}

const seedOf = (builds: Array<{ dockerfile: string; context: string[] }>) =>
  builds.find((b) => b.dockerfile.includes('seeds the build caches'));

describe('build-cache-steps: the target cache is restored only from an entry signed with the key; dependencies always, checked', () => {
  test('with the key, a signed entry restores both caches', () => {
    const { docker, cache, build } = setup({ authKey: TRUSTED });
    saved(cache.settings.directory, TRUSTED);
    const { result } = captureStderr(() => restoreBuildCache(build, cache));
    expect(result.exact).toBe(true);
    expect(seedOf(docker.builds())?.context).toEqual([
      'Dockerfile',
      'deps.tar',
      'install-deps.sh',
      'lock-deps',
      'target.tar',
      'verify-deps.sh',
    ]);
  });

  test('with the key, a forged entry (target archive swapped, digest recomputed) gives no target cache, with a warning naming it', () => {
    const { docker, cache, build } = setup({ authKey: TRUSTED });
    const entry = saved(cache.settings.directory, TRUSTED);
    const planted = Buffer.from('planted artifacts');
    const sha256 = crypto.createHash('sha256').update(planted).digest('hex');
    fs.writeFileSync(cache.objectPath({ sha256, size: planted.length }), planted);
    fs.writeFileSync(
      path.join(cache.settings.directory, 'entries', `${KEY.key}.json`),
      JSON.stringify({ ...entry, target: { sha256, size: planted.length } }),
    );
    const { result, stderr } = captureStderr(() => restoreBuildCache(build, cache));
    expect(stderr).toContain(`warning: build cache: ${KEY.key} is not signed with this CDK_RUST_CACHE_KEY`);
    expect(result.exact).toBe(false); // so the build saves a signed entry in its place
    const seed = seedOf(docker.builds());
    expect(seed?.context).not.toContain('target.tar');
    expect(seed?.dockerfile).not.toContain('id=tgt');
  });

  test('with the key, an entry saved without one gives no target cache', () => {
    const { docker, cache, build } = setup({ authKey: TRUSTED });
    saved(cache.settings.directory);
    const { stderr } = captureStderr(() => restoreBuildCache(build, cache));
    expect(stderr).toContain('is not signed with a CDK_RUST_CACHE_KEY');
    expect(seedOf(docker.builds())?.context).not.toContain('target.tar');
  });

  test('without a key, even a signed entry gives no target cache, and one line says how to turn it on', () => {
    const { docker, cache, build } = setup();
    saved(cache.settings.directory, TRUSTED);
    const { stderr } = captureStderr(() => restoreBuildCache(build, cache));
    expect(stderr).toMatch(/CDK_RUST_CACHE_KEY is not set, so private-dep does not restore the target cache .*openssl rand -hex 32/);
    const seed = seedOf(docker.builds());
    expect(seed?.context).toEqual(['Dockerfile', 'deps.tar', 'install-deps.sh', 'lock-deps', 'verify-deps.sh']);
  });

  test('a cache directory whose tmp is a link is not used at all, and nothing it points to is touched', () => {
    const { docker, cache, build } = setup({ authKey: TRUSTED });
    saved(cache.settings.directory, TRUSTED);
    const victim = tempDir('victim');
    fs.writeFileSync(path.join(victim, 'precious.txt'), 'keep me');
    fs.rmSync(path.join(cache.settings.directory, 'tmp'), { recursive: true });
    fs.symlinkSync(victim, path.join(cache.settings.directory, 'tmp'));
    const { result, stderr } = captureStderr(() => restoreBuildCache(build, cache));
    expect(result).toEqual({ exact: false });
    expect(stderr).toMatch(
      /warning: build cache: .*tmp is a symbolic link, which the cache never follows; private-dep builds without the cache/,
    );
    expect(docker.builds()).toEqual([]);
    expect(fs.readdirSync(victim)).toEqual(['precious.txt']);
  });
});
