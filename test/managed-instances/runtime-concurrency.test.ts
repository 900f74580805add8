/**
 * runtime-concurrency: whether a crate's lambda_runtime is built with `concurrency-tokio`, read from the resolved
 * graph of `cargo metadata` (features as Cargo unifies them), never from the sources.
 */
import * as fs from 'fs';
import * as path from 'path';
import { concurrencyIn, ResolvedMetadata, runtimeConcurrency } from '../../lib/managed-instances/runtime-concurrency';
import { FIXTURES, copyFixture } from '../support';

const REG = 'registry+https://github.com/rust-lang/crates.io-index';
const id = (name: string, version = '1.0.0') => `${REG}#${name}@${version}`;
const APP = 'path+file:///w/app#0.1.0';

/** A graph: app → (deps), each dependency listed with its features and its own dependencies. */
function graph(
  appDeps: Array<{ pkg: string; kind?: string | null }>,
  others: Array<{ id: string; name: string; version: string; features?: string[]; deps?: string[] }>,
): ResolvedMetadata {
  return {
    workspace_members: [APP],
    packages: [
      { id: APP, name: 'app', version: '0.1.0', manifest_path: '/w/app/Cargo.toml' },
      ...others.map((o) => ({ id: o.id, name: o.name, version: o.version, manifest_path: `/r/${o.name}/Cargo.toml` })),
    ],
    resolve: {
      nodes: [
        { id: APP, features: [], deps: appDeps.map((d) => ({ pkg: d.pkg, dep_kinds: [{ kind: d.kind ?? null }] })) },
        ...others.map((o) => ({
          id: o.id,
          features: o.features ?? [],
          deps: (o.deps ?? []).map((pkg) => ({ pkg, dep_kinds: [{ kind: null }] })),
        })),
      ],
    },
  };
}

describe('runtime-concurrency: reads the resolved features of the lambda_runtime a package reaches', () => {
  test('a direct lambda_runtime with concurrency-tokio is concurrent, with its version', () => {
    const metadata = graph(
      [{ pkg: id('lambda_runtime', '1.5.0') }],
      [{ id: id('lambda_runtime', '1.5.0'), name: 'lambda_runtime', version: '1.5.0', features: ['default', 'concurrency-tokio'] }],
    );
    expect(concurrencyIn(metadata, 'app')).toEqual({ kind: 'concurrent', version: '1.5.0' });
  });

  test('the feature switched on through lambda_http counts: Cargo unified it', () => {
    const metadata = graph(
      [{ pkg: id('lambda_http') }],
      [
        {
          id: id('lambda_http'),
          name: 'lambda_http',
          version: '1.0.0',
          features: ['concurrency-tokio'],
          deps: [id('lambda_runtime', '1.5.0')],
        },
        { id: id('lambda_runtime', '1.5.0'), name: 'lambda_runtime', version: '1.5.0', features: ['concurrency-tokio'] },
      ],
    );
    expect(concurrencyIn(metadata, 'app').kind).toBe('concurrent');
  });

  test('without the feature it is sequential', () => {
    const metadata = graph(
      [{ pkg: id('lambda_runtime', '0.14.2') }],
      [{ id: id('lambda_runtime', '0.14.2'), name: 'lambda_runtime', version: '0.14.2', features: ['default'] }],
    );
    expect(concurrencyIn(metadata, 'app')).toEqual({ kind: 'sequential', version: '0.14.2' });
  });

  test('a lambda_runtime reached only as a dev- or build-dependency does not count', () => {
    const metadata = graph(
      [{ pkg: id('lambda_runtime'), kind: 'dev' }],
      [{ id: id('lambda_runtime'), name: 'lambda_runtime', version: '1.0.0', features: ['concurrency-tokio'] }],
    );
    expect(concurrencyIn(metadata, 'app')).toEqual({ kind: 'no-runtime' });
  });

  test('a package cargo does not list is unknown, not guessed', () => {
    expect(concurrencyIn(graph([], []), 'other')).toEqual({ kind: 'unknown', reason: 'cargo metadata lists no package other' });
  });
});

describe('runtime-concurrency: runs cargo metadata without writing or building anything', () => {
  test.each([
    ['concurrent', { kind: 'concurrent', version: '1.5.0' }],
    ['sequential', { kind: 'sequential', version: '1.5.0' }],
    ['no-runtime', { kind: 'no-runtime' }],
  ])('the %s fixture', (name, expected) => {
    const manifest = path.join(FIXTURES, 'managed-instances', name, 'Cargo.toml');
    expect(runtimeConcurrency(manifest, name, 'x86_64-unknown-linux-musl')).toEqual(expected);
  });

  test("a crate without Cargo.lock is unknown, with cargo's reason, and no lock file is written", () => {
    const dir = path.join(copyFixture('managed-instances'), 'concurrent');
    fs.rmSync(path.join(dir, 'Cargo.lock'));
    const result = runtimeConcurrency(path.join(dir, 'Cargo.toml'), 'concurrent', 'x86_64-unknown-linux-musl');
    expect(result.kind).toBe('unknown');
    expect(result.kind === 'unknown' && result.reason).toMatch(/lock file|--locked/);
    expect(fs.existsSync(path.join(dir, 'Cargo.lock'))).toBe(false);
  });
});
