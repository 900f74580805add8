/**
 * The build cache's settings: from the prop or the CI environment, checked at synth time; the key only
 * from the environment, checked, and never shown.
 */
import * as path from 'path';
import { inspect } from 'util';
import { resolveBuildCache } from '../../lib/bundling/build-cache-settings';
import { expectCdkRustError, planOf, thrownBy } from '../support';

const MIB = 1024 * 1024;

describe('build-cache settings: from the prop or the CI environment, checked at synth time', () => {
  test('nothing configured: no cache', () => {
    expect(resolveBuildCache(undefined, {})).toBeUndefined();
    expect(resolveBuildCache(undefined, { CDK_RUST_CACHE_DIR: '' })).toBeUndefined();
  });

  test('the prop wins over CDK_RUST_CACHE_DIR; relative paths resolve against the working directory', () => {
    expect(resolveBuildCache('.cache/rust', { CDK_RUST_CACHE_DIR: '/ci/cache' })).toEqual({
      directory: path.resolve('.cache/rust'),
      readOnly: false,
      maxBytes: 4096 * MIB,
    });
    expect(
      resolveBuildCache(undefined, { CDK_RUST_CACHE_DIR: '/ci/cache', CDK_RUST_CACHE_READ_ONLY: 'true', CDK_RUST_CACHE_MAX_MB: '512' }),
    ).toEqual({
      directory: '/ci/cache',
      readOnly: true,
      maxBytes: 512 * MIB,
    });
  });

  test('a bad directory, read-only flag or size names the prop or variable and the fix', () => {
    expectCdkRustError(() => resolveBuildCache('a\nb', {}), 'INVALID_PROP', 'bundling.cacheDirectory', 'name a directory');
    expectCdkRustError(() => resolveBuildCache(undefined, { CDK_RUST_CACHE_DIR: ' ' }), 'INVALID_PROP', 'CDK_RUST_CACHE_DIR');
    expectCdkRustError(
      () => resolveBuildCache('/c', { CDK_RUST_CACHE_READ_ONLY: 'yes please' }),
      'INVALID_PROP',
      'CDK_RUST_CACHE_READ_ONLY: "yes please" is not a boolean',
      '"true"',
    );
    expectCdkRustError(
      () => resolveBuildCache('/c', { CDK_RUST_CACHE_MAX_MB: '2GB' }),
      'INVALID_PROP',
      'CDK_RUST_CACHE_MAX_MB',
      'whole number of MiB',
    );
    expectCdkRustError(() => resolveBuildCache('/c', { CDK_RUST_CACHE_MAX_MB: '0' }), 'INVALID_PROP', 'CDK_RUST_CACHE_MAX_MB');
  });

  test('the plan carries the settings, and they do not change what is built', () => {
    const plain = planOf('hello');
    const cached = planOf('hello', { cacheDirectory: '/ci/cache' });
    expect(plain.cache).toBeUndefined();
    expect(cached.cache).toEqual({ directory: '/ci/cache', readOnly: false, maxBytes: 4096 * MIB });
    expect({ ...cached, cache: undefined }).toEqual({ ...plain, cache: undefined });
  });
});

describe('build-cache settings: the authentication key comes from CDK_RUST_CACHE_KEY only, is checked, and never shown', () => {
  const key = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

  test('without CDK_RUST_CACHE_KEY there is no key; with one, the settings carry it', () => {
    expect(resolveBuildCache('/c', {})?.authKey).toBeUndefined();
    expect(resolveBuildCache('/c', { CDK_RUST_CACHE_KEY: '' })?.authKey).toBeUndefined();
    expect(resolveBuildCache('/c', { CDK_RUST_CACHE_KEY: key })?.authKey).toBeDefined();
  });

  test('a key too short to be a secret, or with white space, names CDK_RUST_CACHE_KEY and how to make one, without quoting it', () => {
    for (const bad of ['hunter2', `${key.slice(0, 31)}`, `${key} `, `${key.slice(0, 20)}\n${key.slice(20)}`]) {
      expectCdkRustError(
        () => resolveBuildCache('/c', { CDK_RUST_CACHE_KEY: bad }),
        'INVALID_PROP',
        'CDK_RUST_CACHE_KEY',
        'openssl rand -hex 32',
      );
      expect((thrownBy(() => resolveBuildCache('/c', { CDK_RUST_CACHE_KEY: bad })) as Error).message).not.toContain(bad.trim());
    }
  });

  test('the key is not in the plan as printed or serialized', () => {
    const plan = planOf('hello', { cacheDirectory: '/ci/cache', env: { CDK_RUST_CACHE_KEY: key } });
    expect(plan.cache?.authKey).toBeDefined();
    expect(JSON.stringify(plan)).not.toContain(key);
    expect(inspect(plan, { depth: 10 })).not.toContain(key);
  });
});
