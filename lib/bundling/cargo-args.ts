/**
 * The cargo command lines of a build, the same in Docker and on the host.
 */
import { BuildPlan } from './plan';

/** One bin of a build: its package and its name (a group build has several, see build-group.ts). */
export interface BinRef {
  readonly packageName: string;
  readonly binaryName: string;
}

/**
 * The `cargo build` arguments for a plan (or for several bins built with its settings, `bins`): the same in Docker
 * and on the host. `targetDir` is passed
 * as `--target-dir`, which wins over `CARGO_TARGET_DIR` and any `build.target-dir` setting, so the
 * binary is always where cdk-rust copies it from.
 */
export function cargoBuildArgs(plan: BuildPlan, targetDir: string, bins: readonly BinRef[] = [plan]): string[] {
  const args = ['build'];
  if (plan.locked) args.push('--locked');
  args.push('--profile', plan.profile, '--target', plan.target);
  // Dependency features are resolved for the whole workspace, as `cargo build --workspace` does, so a bin's binary is
  // the same whichever other bins are built with it (build-group.ts). Features are a package's own: a plan that
  // selects them builds its package only.
  if (plan.features.length > 0 || plan.noDefaultFeatures) {
    for (const name of [...new Set(bins.map((b) => b.packageName))]) args.push('--package', name);
  } else {
    args.push('--workspace');
  }
  for (const name of [...new Set(bins.map((b) => b.binaryName))]) args.push('--bin', name);
  args.push('--target-dir', targetDir);
  if (plan.noDefaultFeatures) args.push('--no-default-features');
  if (plan.features.length > 0) args.push('--features', plan.features.join(','));
  if (plan.target.endsWith('-gnu')) {
    // Lambda's image has an older glibc than most build hosts: link glibc statically.
    args.push('--config', `target.${plan.target}.rustflags=["-C","target-feature=+crt-static"]`);
  }
  args.push(...plan.cargoArgs);
  return args;
}

/**
 * The `cargo fetch` arguments for a plan. It fetches for every platform, so that the compile step
 * that follows can run `--offline`: build dependencies run on the build host, not on the target.
 */
export function cargoFetchArgs(plan: BuildPlan): string[] {
  return ['fetch', ...(plan.locked ? ['--locked'] : [])];
}
