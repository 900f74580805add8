/**
 * The build cache's probe, seed and save Dockerfiles: what each may touch, and how.
 */
import { renderProbeDockerfile, renderSaveDockerfile, renderSeedDockerfile } from '../../lib/bundling/cache-dockerfile';
import { CacheIds } from '../../lib/bundling/dockerfile';

const IDS: CacheIds = { registry: 'reg', git: 'git', target: 'tgt' };
const DEPS = 'ab'.repeat(32);

/** The `--mount` options of every RUN instruction. */
function mounts(dockerfile: string): string[] {
  return [...dockerfile.matchAll(/--mount=(\S+)/g)].map((m) => m[1]);
}

describe('cache-dockerfile: small builds that run no user code and write only what they must', () => {
  test('the probe mounts the target and registry caches read-only and reports each as warm or empty', () => {
    const text = renderProbeDockerfile('builder:1', IDS, DEPS);
    expect(text).toMatchSnapshot();
    expect(mounts(text)).toEqual([
      'type=cache,id=tgt,target=/cdk-rust/target,sharing=locked,readonly',
      'type=cache,id=reg,target=/usr/local/cargo/registry,sharing=locked,readonly',
    ]);
    expect(text).toContain(`/usr/local/cargo/registry/.cdk-rust-deps/${DEPS}`);
  });

  test('the seed never overwrites a warm target cache, and moves the extracted cache in place with its markers last', () => {
    const text = renderSeedDockerfile('builder:1', IDS, { target: true, deps: DEPS });
    expect(text).toMatchSnapshot();
    expect(text).toMatch(
      /if \[ -e \/cdk-rust\/target\/CACHEDIR\.TAG \] \|\| \[ -e \/cdk-rust\/target\/\.cdk-rust-inputs \]; then echo "the target cache is warm already"; else/,
    );
    const seedRun = text.slice(text.indexOf('tar -xf /cdk-rust/seed/target.tar'));
    expect(seedRun.indexOf('! -name .cdk-rust-inputs ! -name CACHEDIR.TAG -exec mv')).toBeLessThan(seedRun.indexOf('-maxdepth 1 -exec mv'));
    expect(text).toContain('tar -xf /cdk-rust/seed/deps.tar -C /usr/local/cargo --skip-old-files');
  });

  test('a seed of the registry only does not mount the target cache, and the other way round', () => {
    expect(mounts(renderSeedDockerfile('b', IDS, { target: false, deps: DEPS })).some((m) => m.includes('id=tgt'))).toBe(false);
    expect(mounts(renderSeedDockerfile('b', IDS, { target: true })).some((m) => m.includes('id=reg') || m.includes('id=git'))).toBe(false);
  });

  test('the save mounts every cache read-only, archives no work directory and no index clone, and only this workspace’s git repositories', () => {
    const text = renderSaveDockerfile('builder:1', IDS);
    expect(text).toMatchSnapshot();
    expect(
      mounts(text)
        .filter((m) => m.startsWith('type=cache'))
        .every((m) => m.endsWith(',readonly')),
    ).toBe(true);
    expect(text).toContain('--exclude=./.cdk-rust-seed --exclude=./.cdk-rust-freshen');
    expect(text).toContain('-name .git -prune');
    expect(text).toContain('-name "$repo-*"');
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
});
