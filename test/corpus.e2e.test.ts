/**
 * The corpus of real-world Cargo project shapes (test/fixtures/corpus/): each is built unmodified through the
 * library as a user's app builds it (a RustFunction per bin in a Stack, `app.synth()`, real BuildKit builds), and
 * each built static binary is run on the host to print the evidence of its pattern.
 *
 * The shapes are combined where real repositories combine them, so that the corpus costs few cold builds: the
 * monorepo holds a workspace of functions and its shared crate, a build script, included files, a patched crate,
 * edition 2024 and a git dependency; the runtime repository holds a path dependency into a second workspace.
 * (The service reading configuration files is built and run by the service tests.)
 */
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { RustFunction } from '../lib';
import { captureStderr, copyFixture, describeBinary, devEnv, runBinary, tempDir } from './support';

/** The bootstrap of each function of a synthesized app, by construct id. */
type Bootstraps = Record<string, string>;

/**
 * Synthesizes one app holding a RustFunction per bin of the project at `manifest` (a copy of a corpus fixture)
 * and returns where each function's bootstrap is.
 */
function synthFunctions(manifest: string, bins: readonly string[], include?: string[]): Bootstraps {
  const env = devEnv();
  const outdir = tempDir('corpus');
  const app = new cdk.App({ outdir });
  const stack = new cdk.Stack(app, 'Corpus');
  const functions = bins.map(
    (bin) =>
      new RustFunction(stack, bin, {
        manifestPath: manifest,
        binaryName: bin,
        bundling: { builderImage: env.builderImage, knownHosts: env.knownHosts, include },
      }),
  );
  const template = captureStderr(() => app.synth()).result.getStackByName(stack.stackName).template;
  return Object.fromEntries(
    functions.map((fn) => {
      const logicalId = stack.getLogicalId(fn.node.defaultChild as cdk.CfnElement);
      const key = String(template.Resources[logicalId].Properties.Code.S3Key);
      return [fn.node.id, path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`, 'bootstrap')];
    }),
  );
}

/** `build` run once, on first use; its result (or its error) is shared by the tests of one fixture. */
function once<T>(build: () => T): () => T {
  let outcome: { value: T } | { error: unknown } | undefined;
  return () => {
    if (!outcome) {
      try {
        outcome = { value: build() };
      } catch (error) {
        outcome = { error };
      }
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  };
}

/** What a corpus bin prints for one topic (its `CORPUS_EVIDENCE`). */
function evidence(bootstrap: string, topic: string): string {
  return runBinary(bootstrap, { CORPUS_EVIDENCE: topic });
}

// assets/ is a workspace-level directory that no member holds: `bundling.include` sends it to the build (the
// vendored [patch.crates-io] fork needs nothing: cdk-rust reads the root manifest's [patch] paths).
const monorepo = once(() =>
  synthFunctions(path.join(copyFixture('corpus/monorepo', tempDir('monorepo')), 'Cargo.toml'), ['orders', 'users'], ['assets']),
);
const runtimeRepo = once(() =>
  synthFunctions(path.join(copyFixture('corpus/runtime-repo', tempDir('runtime-repo')), 'examples', 'basic-lambda', 'Cargo.toml'), [
    'basic-lambda',
  ]),
);

describe('real-world project shapes: each builds unmodified', () => {
  test('a workspace of several functions sharing a library crate, inheriting [workspace.package] and [workspace.dependencies]', () => {
    const { orders, users } = monorepo();
    for (const bootstrap of [orders, users]) expect(describeBinary(bootstrap)).toMatch(/statically linked/);
    expect(evidence(orders, 'workspace')).toBe('orders 0.3.0 on app-core 0.3.0 (3 routes)\n');
    expect(evidence(users, 'workspace')).toBe('users 0.3.0 on app-core 0.3.0 (3 routes)\n');
  });

  test('a build.rs that generates code from a file of the project (routes.txt -> OUT_DIR/routes.rs)', () => {
    expect(evidence(monorepo().orders, 'routes')).toBe(
      ['GET /orders -> list_orders', 'POST /orders -> create_order', 'GET /users/{id} -> get_user', ''].join('\n'),
    );
  });

  test('include_str!/include_bytes! of files outside src/: a template beside it and a workspace-level assets/ directory', () => {
    expect(evidence(monorepo().orders, 'include')).toBe(
      '<p>Thank you for order 42.</p>\n== monorepo banner (assets/banner.txt, a workspace-level directory) ==\n',
    );
  });

  test('[patch.crates-io] replacing a crates.io crate with a vendored fork in the repository', () => {
    // The crates.io itoa prints 1234567; the fork groups digits, in the function and in the shared crate alike.
    expect(evidence(monorepo().orders, 'patch')).toBe('1_234_567 / 9_876_543_210\n');
  });

  test('edition 2024 with resolver 3 and rust-version', () => {
    // app-core's handler_for is written with a let chain, which compiles on edition 2024 only.
    expect(evidence(monorepo().orders, 'edition')).toBe('edition 2024 (let chains): POST /orders -> create_order; rust-version 1.85\n');
  });

  test('a git dependency on a crate in a subdirectory (crates/greet/) of a git repository that is a workspace', () => {
    expect(evidence(monorepo().users, 'git')).toBe(
      'Hello, users! (toolkit-greet 0.4.1 from crates/greet of the shared-toolkit git repository)\n',
    );
  });

  test("a path dependency into a second workspace whose manifests inherit from its root (the runtime repository's examples)", () => {
    const { 'basic-lambda': bootstrap } = runtimeRepo();
    expect(describeBinary(bootstrap)).toMatch(/statically linked/);
    // The version, the edition and the itoa dependency of lambda_runtime all come from the repository's root manifest.
    expect(runBinary(bootstrap)).toBe('basic-lambda on lambda_runtime 0.14.2 (aws-lambda-rust/0.14.2), itoa 2021\n');
  });
});
