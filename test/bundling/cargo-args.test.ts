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

  test('without features, dependency features are resolved for the whole workspace, whichever bins are built', () => {
    const plan = makeBuildPlan(readCargoWorkspace(fixture('workspace')), { binaryName: 'alpha' });
    const bins = ['alpha', 'beta'].map((binaryName) => ({ packageName: binaryName, binaryName }));
    expect(cargoBuildArgs(plan, '/t', bins)).toEqual(expect.arrayContaining(['--workspace', '--bin', 'alpha', '--bin', 'beta']));
    expect(cargoBuildArgs(plan, '/t', bins)).not.toContain('--package');
  });

  test("features select their packages only (features are a package's own)", () => {
    const plan = makeBuildPlan(readCargoWorkspace(fixture('workspace')), { binaryName: 'alpha', features: ['x'] });
    expect(cargoBuildArgs(plan, '/t')).toEqual(expect.arrayContaining(['--package', 'alpha', '--bin', 'alpha']));
    expect(cargoBuildArgs(plan, '/t')).not.toContain('--workspace');
  });

  test('a -gnu target links glibc statically', () => {
    const plan = makeBuildPlan(ws(), { target: 'x86_64-unknown-linux-gnu' });
    expect(cargoBuildArgs(plan, '/t')).toContain('target.x86_64-unknown-linux-gnu.rustflags=["-C","target-feature=+crt-static"]');
  });
});
