import { readCargoWorkspace } from '../../lib/bundling/cargo';
import { cargoBuildArgs, cargoFetchArgs } from '../../lib/bundling/cargo-args';
import { makeBuildPlan } from '../../lib/bundling/plan';
import { fixture } from '../support';

describe('cargo-args: every build option reaches cargo', () => {
  const ws = () => readCargoWorkspace(fixture('hello'));

  test('the cargo command carries every build option', () => {
    const plan = makeBuildPlan(ws(), {
      profile: 'dev',
      features: ['json', 'serde/std'],
      noDefaultFeatures: true,
      cargoArgs: ['--verbose'],
    });
    expect(cargoBuildArgs(plan, '/t')).toEqual([
      'build',
      '--locked',
      '--profile',
      'dev',
      '--target',
      'x86_64-unknown-linux-musl',
      '--package',
      'hello',
      '--bin',
      'hello',
      '--target-dir',
      '/t',
      '--no-default-features',
      '--features',
      'json,serde/std',
      '--verbose',
    ]);
    expect(plan.profileDir).toBe('debug');
    expect(cargoFetchArgs(plan)).toEqual(['fetch', '--locked']);
  });

  test('a -gnu target links glibc statically', () => {
    const plan = makeBuildPlan(ws(), { target: 'x86_64-unknown-linux-gnu' });
    expect(cargoBuildArgs(plan, '/t')).toContain('target.x86_64-unknown-linux-gnu.rustflags=["-C","target-feature=+crt-static"]');
  });
});
