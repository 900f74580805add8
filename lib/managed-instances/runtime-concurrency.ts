/**
 * Whether a crate's Lambda runtime can serve several invocations at once, from `cargo metadata` with its
 * dependencies resolved: lambda_runtime's `concurrency-tokio` feature, as Cargo unifies features for the target.
 *
 * Only the resolved graph counts (the feature may be switched on by lambda_http, a workspace member or a
 * dependency), never a search of the sources. `cargo metadata` runs no build script; `--locked` keeps it from
 * writing Cargo.lock, and it tries the local cache (`--offline`) before the registry.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

/** The feature of lambda_runtime that `run_concurrent` needs. */
export const CONCURRENCY_FEATURE = 'concurrency-tokio';

/** What the resolved dependency graph says about the runtime of one package. */
export type RuntimeConcurrency =
  /** lambda_runtime is built with `concurrency-tokio`: `run_concurrent` serves `AWS_LAMBDA_MAX_CONCURRENCY` at once. */
  | { readonly kind: 'concurrent'; readonly version: string }
  /** lambda_runtime is built without it: the function takes one invocation at a time. */
  | { readonly kind: 'sequential'; readonly version: string }
  /** The package does not depend on lambda_runtime: cdk-rust cannot tell how its runtime polls. */
  | { readonly kind: 'no-runtime' }
  /** `cargo metadata` failed (no lock file, no network, a private dependency): `reason` is cargo's last words. */
  | { readonly kind: 'unknown'; readonly reason: string };

/** The part of `cargo metadata --format-version 1` read here. */
export interface ResolvedMetadata {
  readonly workspace_members?: readonly string[];
  readonly packages: ReadonlyArray<{
    readonly id: string;
    readonly name: string;
    readonly version: string;
    readonly manifest_path: string;
  }>;
  readonly resolve: {
    readonly nodes: ReadonlyArray<{
      readonly id: string;
      readonly features?: readonly string[];
      readonly deps?: ReadonlyArray<{ readonly pkg: string; readonly dep_kinds?: ReadonlyArray<{ readonly kind: string | null }> }>;
    }>;
  } | null;
}

/** Runs `cargo metadata` for `manifestPath` on `target` and reads the concurrency of `packageName`'s runtime. */
export function runtimeConcurrency(manifestPath: string, packageName: string, target: string, cargo = 'cargo'): RuntimeConcurrency {
  const args = ['metadata', '--format-version', '1', '--locked', '--filter-platform', target, '--manifest-path', manifestPath];
  let failure = '';
  for (const extra of [['--offline'], []]) {
    const result = spawnSync(cargo, [...args, ...extra], {
      encoding: 'utf-8',
      maxBuffer: 256 * 1024 * 1024,
      cwd: path.dirname(manifestPath),
      timeout: 120_000,
    });
    if (result.status === 0) return concurrencyIn(JSON.parse(result.stdout) as ResolvedMetadata, packageName);
    failure = result.error ? result.error.message : lastLines(result.stderr);
  }
  return { kind: 'unknown', reason: failure };
}

/**
 * The concurrency of `packageName`'s runtime in a resolved graph: the lambda_runtime its normal (non-dev, non-build)
 * dependencies reach, directly or through lambda_http and the like.
 */
export function concurrencyIn(metadata: ResolvedMetadata, packageName: string): RuntimeConcurrency {
  const byId = new Map(metadata.packages.map((p) => [p.id, p]));
  const nodes = new Map((metadata.resolve?.nodes ?? []).map((n) => [n.id, n]));
  const members = new Set(metadata.workspace_members ?? metadata.packages.map((p) => p.id));
  const root = metadata.packages.find((p) => p.name === packageName && members.has(p.id));
  if (!root) return { kind: 'unknown', reason: `cargo metadata lists no package ${packageName}` };
  const seen = new Set<string>();
  const stack = [root.id];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const pkg = byId.get(id);
    const node = nodes.get(id);
    if (pkg?.name === 'lambda_runtime' && node) {
      const kind = (node.features ?? []).includes(CONCURRENCY_FEATURE) ? 'concurrent' : 'sequential';
      return { kind, version: pkg.version };
    }
    for (const dep of node?.deps ?? []) {
      if ((dep.dep_kinds ?? [{ kind: null }]).some((k) => k.kind === null)) stack.push(dep.pkg);
    }
  }
  return { kind: 'no-runtime' };
}

function lastLines(text: string): string {
  const lines = text
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '');
  return lines.slice(-3).join(' ').trim() || 'cargo metadata failed without a message';
}
