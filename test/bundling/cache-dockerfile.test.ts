/**
 * The build cache's probe, seed and save Dockerfiles: what each may touch, and how.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { TAR_CREATE, renderProbeDockerfile, renderSaveDockerfile, renderSeedDockerfile } from '../../lib/bundling/cache-dockerfile';
import { CacheIds } from '../../lib/bundling/dockerfile';
import { tempDir } from '../support';

const IDS: CacheIds = { registry: 'reg', git: 'git', target: 'tgt' };
const DEPS = 'ab'.repeat(32);

/** The `--mount` options of every RUN instruction. */
function mounts(dockerfile: string): string[] {
  return [...dockerfile.matchAll(/--mount=(\S+)/g)].map((m) => m[1]);
}

/** The text of each stage, by name. */
function stagesOf(dockerfile: string): Record<string, string> {
  return Object.fromEntries(
    dockerfile
      .split(/^(?=FROM )/m)
      .slice(1)
      .map((stage) => [/^FROM \S+ AS (\S+)/.exec(stage)?.[1], stage]),
  );
}

describe('cache-dockerfile: small builds that run no user code and write only what they must', () => {
  test('the probe mounts the target and registry caches read-only and reports each as warm or empty', () => {
    const text = renderProbeDockerfile('builder:1', IDS, DEPS);
    expect(text).toMatchSnapshot();
    expect(mounts(text)).toEqual([
      'type=cache,id=tgt,target=/cdk-rust/target,sharing=locked,readonly',
      'type=cache,id=reg,target=/usr/local/cargo/registry,sharing=shared,readonly',
    ]);
    expect(text).toContain(`/usr/local/cargo/registry/.cdk-rust-deps/${DEPS}`);
  });

  test('the seed never overwrites a warm target cache, and moves the extracted cache in place with its markers last', () => {
    const text = renderSeedDockerfile('builder:1', IDS, { target: true, deps: DEPS });
    expect(text).toMatchSnapshot();
    expect(text).toMatch(
      /if \[ -e \/cdk-rust\/target\/CACHEDIR\.TAG \] \|\| \[ -e \/cdk-rust\/target\/\.cdk-rust-inputs \]; then echo "the target cache is warm already"; else/,
    );
    const seedRun = stagesOf(text).cache;
    expect(seedRun.indexOf('! -name .cdk-rust-inputs ! -name CACHEDIR.TAG -exec mv')).toBeLessThan(seedRun.indexOf('-maxdepth 1 -exec mv'));
  });

  test('archives are unpacked and checked in stages with no cache mount; only the last stage writes the caches', () => {
    const stages = stagesOf(renderSeedDockerfile('builder:1', IDS, { target: true, deps: DEPS }));
    expect(Object.keys(stages)).toEqual(['extract', 'verify', 'cache', 'export']);
    for (const name of ['extract', 'verify']) expect(mounts(stages[name]).filter((m) => m.startsWith('type=cache'))).toEqual([]);
    expect(stages.extract).toContain('tar -xf /cdk-rust/seed/target.tar -C /cdk-rust/extracted/target --no-same-owner');
    expect(stages.extract).toContain('tar -xf /cdk-rust/seed/deps.tar -C /cdk-rust/extracted/deps --no-same-owner');
    expect(stages.verify).toContain('sh /cdk-rust/verify-deps.sh /cdk-rust/extracted/deps /cdk-rust/lock-deps /cdk-rust/verified');
    // The caches see the extracted and verified files through read-only binds of those stages, never the archives.
    expect(mounts(stages.cache)).toEqual([
      'type=cache,id=tgt,target=/cdk-rust/target,sharing=locked',
      'type=bind,from=extract,source=/cdk-rust/extracted/target,target=/cdk-rust/extracted',
      'type=cache,id=reg,target=/usr/local/cargo/registry,sharing=shared',
      'type=cache,id=git,target=/usr/local/cargo/git,sharing=shared',
      'type=bind,from=verify,source=/cdk-rust/verified,target=/cdk-rust/verified',
      'type=bind,source=install-deps.sh,target=/cdk-rust/install-deps.sh',
    ]);
    expect(stages.cache).not.toMatch(/tar -xf \/cdk-rust\/seed|--skip-old-files/);
  });

  test('only directories, regular files and in-tree relative links of the target archive reach the target cache: no absolute or upward link, device or fifo', () => {
    const cache = stagesOf(renderSeedDockerfile('builder:1', IDS, { target: true })).cache;
    expect(cache).toContain(
      "find . -mindepth 1 \\( -type d -o -type f -o \\( -type l ! -lname '/*' ! -lname '..' ! -lname '../*' ! -lname '*/../*' ! -lname '*/..' \\) \\) " +
        '-print0 | tar --format=posix --pax-option=delete=atime,delete=ctime --null --no-recursion -cf - -T - | tar -xf - -C /cdk-rust/target/.cdk-rust-seed',
    );
  });

  test('a seed of the registry only does not mount the target cache, and the other way round', () => {
    expect(mounts(renderSeedDockerfile('b', IDS, { target: false, deps: DEPS })).some((m) => m.includes('id=tgt'))).toBe(false);
    expect(mounts(renderSeedDockerfile('b', IDS, { target: true })).some((m) => m.includes('id=reg') || m.includes('id=git'))).toBe(false);
  });

  test('the save mounts every cache read-only, archives no work directory, and of the registry and git caches only what the lock file names', () => {
    const text = renderSaveDockerfile('builder:1', IDS);
    expect(text).toMatchSnapshot();
    expect(
      mounts(text)
        .filter((m) => m.startsWith('type=cache'))
        .every((m) => m.endsWith(',readonly')),
    ).toBe(true);
    expect(text).toContain('--exclude=./.cdk-rust-seed --exclude=./.cdk-rust-freshen');
    expect(text).toContain('sh /cdk-rust/select-deps.sh /cdk-rust/lock-deps > /tmp/deps.list');
    expect(text).toContain('tar -cf /out/deps.tar --no-recursion --files-from /tmp/deps.list');
    expect(text).not.toMatch(/registry\/index|registry\/src|git\/checkouts/);
  });

  test('every mount of the registry and git caches is sharing=shared, like the build steps (a locked one would hand shared mounts an empty cache)', () => {
    for (const text of [
      renderProbeDockerfile('b', IDS, DEPS),
      renderSeedDockerfile('b', IDS, { target: true, deps: DEPS }),
      renderSaveDockerfile('b', IDS),
    ]) {
      const shared = mounts(text).filter((m) => /id=(reg|git),/.test(m));
      expect(shared.length).toBeGreaterThan(0);
      for (const m of shared) expect(m).toMatch(/,sharing=shared(,readonly)?$/);
    }
  });

  test('the seed installs dependencies holding the writers lock of the shared caches, as the fetch step does', () => {
    const cache = stagesOf(renderSeedDockerfile('b', IDS, { target: false, deps: DEPS })).cache;
    expect(cache).toContain(
      'if command -v flock >/dev/null 2>&1; then exec 9>/usr/local/cargo/registry/.cdk-rust-writer.lock && flock 9; fi && sh /cdk-rust/install-deps.sh',
    );
  });

  test('none of them forwards the agent, and none has a syntax line that would pull a frontend image', () => {
    for (const text of [
      renderProbeDockerfile('b', IDS, DEPS),
      renderSeedDockerfile('b', IDS, { target: true, deps: DEPS }),
      renderSaveDockerfile('b', IDS),
    ]) {
      expect(text).not.toContain('type=ssh');
      expect(text).not.toMatch(/^# syntax=/m);
      expect(text).toMatch(/^FROM scratch AS export\nCOPY --from=cache \/out\/ \/$/m);
    }
  });

  test('the deps marker must be a digest: nothing else reaches the shell', () => {
    expect(() => renderProbeDockerfile('b', IDS, '$(reboot)')).toThrow(/not a hex digest/);
  });

  test('the target archive and the seed copy keep modification times to the nanosecond, so an artifact made within the second its sources were stamped stays newer than them', () => {
    expect(renderSaveDockerfile('b', IDS)).toContain(`${TAR_CREATE} -cf /out/target.tar`);
    // The same GNU tar command as the builder image runs, on this machine's GNU tar.
    const from = tempDir('tar-from');
    const to = tempDir('tar-to');
    const source = path.join(from, 'main.rs');
    const artifact = path.join(from, 'dep-bin-app');
    fs.writeFileSync(source, 'fn main() {}\n');
    fs.writeFileSync(artifact, '');
    // Stamped at .100 of a second; compiled at .700 of the same second.
    fs.utimesSync(source, 1_700_000_000.1, 1_700_000_000.1);
    fs.utimesSync(artifact, 1_700_000_000.7, 1_700_000_000.7);
    const archive = path.join(to, 'target.tar');
    const create = spawnSync('sh', ['-c', `${TAR_CREATE} -cf "$1" -C "$2" .`, 'sh', archive, from], { encoding: 'utf-8' });
    expect(create.stderr).toBe('');
    const extracted = path.join(to, 'x');
    fs.mkdirSync(extracted);
    expect(spawnSync('tar', ['-xf', archive, '-C', extracted]).status).toBe(0);
    const mtime = (f: string) => fs.statSync(path.join(extracted, f), { bigint: true }).mtimeNs;
    expect(mtime('dep-bin-app')).toBe(fs.statSync(artifact, { bigint: true }).mtimeNs);
    expect(mtime('dep-bin-app') > mtime('main.rs')).toBe(true);
  });
});
