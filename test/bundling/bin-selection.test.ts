import { readCargoWorkspace } from '../../lib/bundling/cargo';
import { makeBuildPlan } from '../../lib/bundling/plan';
import { expectCdkRustError, fixture, planOf } from '../support';

describe('bin-selection: the binary to build is chosen, or the error lists the candidates', () => {
  test('a single bin needs no binaryName', () => {
    const plan = makeBuildPlan(readCargoWorkspace(fixture('hello')), {});
    expect([plan.packageName, plan.binaryName]).toEqual(['hello', 'hello']);
  });

  test('a binaryName that is not a bin of the package lists the bins', () => {
    expectCdkRustError(
      () => makeBuildPlan(readCargoWorkspace(fixture('multi-bin')), { binaryName: 'gamma' }),
      'BINARY_NOT_FOUND',
      'binaryName',
      '"gamma"',
      '"alpha"',
      '"beta"',
    );
  });

  test('several bins and no binaryName asks for one', () => {
    expectCdkRustError(
      () => makeBuildPlan(readCargoWorkspace(fixture('multi-bin')), {}),
      'BINARY_AMBIGUOUS',
      'binaryName is required',
      '"alpha"',
      '"beta"',
    );
  });

  test("a workspace root with no binaryName asks for one, listing every member's bins", () => {
    expectCdkRustError(
      () => makeBuildPlan(readCargoWorkspace(fixture('workspace')), {}),
      'BINARY_AMBIGUOUS',
      'binaryName is required',
      '"alpha" (package alpha)',
      '"gamma" (package gamma)',
    );
  });

  test('a workspace root with a binaryName finds its package', () => {
    const plan = makeBuildPlan(readCargoWorkspace(fixture('workspace')), { binaryName: 'gamma' });
    expect([plan.packageName, plan.binaryName]).toEqual(['gamma', 'gamma']);
  });

  test('a manifest with no binary at all says so', () => {
    expectCdkRustError(
      () => makeBuildPlan(readCargoWorkspace(fixture('workspace', 'crates/shared/Cargo.toml')), {}),
      'BINARY_NOT_FOUND',
      'package "shared" has no bin target',
    );
  });

  test('a [[bin]] whose path does not exist is reported at synth time, naming the file and the [[bin]] table', () => {
    expectCdkRustError(
      () => planOf('missing-bin-path', { binaryName: 'ghost' }),
      'BINARY_NOT_FOUND',
      'binaryName: the bin "ghost" of package "missing-bin-path" has its source at src/bin/ghost.rs, which does not exist',
      fixture('missing-bin-path', 'src/bin/ghost.rs'),
      'Fix: create src/bin/ghost.rs, or correct `path` in the [[bin]] table named "ghost" of ' + fixture('missing-bin-path'),
    );
    // The other bin of the package builds: cargo does not need the missing file for it.
    expect(planOf('missing-bin-path', { binaryName: 'present' }).binaryName).toBe('present');
  });
});
