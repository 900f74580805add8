import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Bundling } from '../../lib/bundling/bundling';
import { readCargoWorkspace } from '../../lib/bundling/cargo';
import { cacheIdsFor } from '../../lib/bundling/dockerfile';
import { PlanProps, cargoBuildArgs, makeBuildPlan } from '../../lib/bundling/plan';
import { fixture, thrownBy } from '../support';

/** A builder image pinned by digest: its identity needs no Docker (and it exists nowhere, so a build fails). */
const PINNED_IMAGE = `cdk-rust-test-builder@sha256:${'0'.repeat(64)}`;

describe('bundling: functions of one workspace share caches, never binaries', () => {
  const WORKSPACE = fixture('workspace');
  const BINS = ['alpha', 'beta', 'gamma'];

  test('functions of one workspace with the same settings share the caches; other settings get their own', () => {
    const ids = (props: PlanProps) => cacheIdsFor(makeBuildPlan(readCargoWorkspace(WORKSPACE), { env: {}, ...props }), 'img:1');
    const [a, b, c] = BINS.map((binaryName) => ids({ binaryName }));
    expect(new Set([a.target, b.target, c.target]).size).toBe(1);
    expect(ids({ binaryName: 'alpha', architecture: 'arm64' }).target).not.toBe(a.target);
    expect(ids({ binaryName: 'alpha', target: 'x86_64-unknown-linux-gnu' }).target).not.toBe(a.target);
    expect(cacheIdsFor(makeBuildPlan(readCargoWorkspace(WORKSPACE), { binaryName: 'alpha', env: {} }), 'img:2').target).not.toBe(a.target);
    expect(ids({ binaryName: 'alpha', features: ['x'] }).registry).toBe(a.registry);
  });

  test('each function builds only its own package and bin, so its binary does not depend on the others', () => {
    for (const bin of BINS) {
      const args = cargoBuildArgs(makeBuildPlan(readCargoWorkspace(WORKSPACE), { binaryName: bin, env: {} }), '/t');
      expect(args).toEqual(expect.arrayContaining(['--package', bin, '--bin', bin]));
      expect(args).not.toContain('--workspace');
    }
  });

  /** The asset hash of every function of an app whose functions are constructed in `order`, keyed by bin. */
  function appHashes(order: string[], selected?: string[]): Record<string, string> {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': selected ?? [] } });
    const hashes: Record<string, string> = {};
    for (const bin of order) {
      const stack = new Stack(app, `Stack-${bin}`);
      const fn = new lambda.Function(stack, 'Fn', {
        runtime: lambda.Runtime.PROVIDED_AL2023,
        handler: 'bootstrap',
        code: Bundling.bundle(
          { manifestPath: WORKSPACE, binaryName: bin, builderImage: PINNED_IMAGE, forceDockerBundling: true },
          stack,
          'Fn',
        ),
      });
      hashes[bin] = ((fn.node.defaultChild as lambda.CfnFunction).code as lambda.CfnFunction.CodeProperty).s3Key as string;
    }
    return hashes;
  }

  test('asset hashes do not depend on construct order or on which other functions exist', () => {
    const forward = appHashes(['alpha', 'beta', 'gamma']);
    expect(appHashes(['gamma', 'beta', 'alpha'])).toEqual(forward);
    expect(appHashes(['beta'])).toEqual({ beta: forward.beta });
    expect(new Set(Object.values(forward)).size).toBe(3);
  });

  test('stacks that are not selected start no build (Stack.bundlingRequired)', () => {
    // No stack selected: nothing is built, even with an image that does not exist.
    expect(() => appHashes(['alpha', 'beta'], [])).not.toThrow();
    // Only Stack-beta selected: its build is attempted (and fails: no such image, or no Docker here);
    // Stack-alpha, constructed first, is skipped.
    const error = thrownBy(() => appHashes(['alpha', 'beta'], ['Stack-beta'])) as Error;
    expect(error.message).toContain('Stack-beta/Fn');
    expect(error.message).not.toContain('Stack-alpha');
  });
});
