/**
 * Bundling: turns a Cargo project into a Lambda asset holding `bootstrap`, and gives every construct and the watch
 * loop one door to the build's steps: prepare (prepared-build.ts), build once (run-build.ts), and the synth-time
 * build with the construct's layout (synth-build.ts).
 */
import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { writeLambdaZip } from './output-layout';
import { BuildPlan } from './plan';
import { BundlingProps, PrepareOptions, PreparedBuild, buildSite, prepareBuild, prepareBuildFor } from './prepared-build';
import { BuildOutput, RunBuildOptions, runBuild } from './run-build';
import { buildInto } from './synth-build';
import { SynthTimeCode } from './synth-time-code';

export type { BundlingProps, PrepareOptions, PreparedBuild } from './prepared-build';
export type { BuildOutput, RunBuildOptions } from './run-build';

/** Turns Cargo projects into Lambda code. */
export class Bundling {
  /** Reads and validates the project and computes the asset hash, without building anything. */
  public static prepare(props: BundlingProps, options: PrepareOptions = {}): PreparedBuild {
    return prepareBuild(props, options);
  }

  /**
   * {@link prepare} for a construct: errors name `<scope path>/<id>`, stacks that are not being synthesized
   * (`Stack.bundlingRequired`) ask Docker nothing, and the notices every artifact gets are given.
   */
  public static prepareFor(props: BundlingProps, scope?: IConstruct, id?: string): PreparedBuild {
    return prepareBuildFor(props, scope, id);
  }

  /**
   * A function's code for the project: built at synth time when (and only when) its hash is new.
   *
   * `scope` is where the code is used: stacks that are not being synthesized (`Stack.bundlingRequired`)
   * neither build nor ask Docker anything, errors name `<scope path>/<id>`, and a missing Cargo.lock is
   * reported there as a warning.
   */
  public static bundle(props: BundlingProps, scope?: IConstruct, id?: string): lambda.Code {
    return Bundling.bundleWithPlan(props, scope, id).code;
  }

  /** {@link bundle}, also returning the build plan (what was chosen: the bin, the target, ...) and the asset hash. */
  public static bundleWithPlan(
    props: BundlingProps,
    scope?: IConstruct,
    id?: string,
  ): { code: lambda.Code; plan: BuildPlan; assetHash: string } {
    const prepared = prepareBuildFor(props, scope, id);
    const code = new SynthTimeCode(prepared, buildSite(scope, id), writeLambdaZip(prepared.files));
    return { code, plan: prepared.plan, assetHash: prepared.assetHash };
  }

  /**
   * A function's asset in `outputDir`: {@link build}, then `files` written beside `bootstrap`.
   * On failure nothing is left behind. `options.dependenciesFetched` skips the check and fetch runs (the edit loop).
   */
  public static buildLambdaAsset(prepared: PreparedBuild, outputDir: string, options: RunBuildOptions = {}): BuildOutput {
    const built = buildInto(prepared, outputDir, writeLambdaZip(prepared.files), undefined, options);
    return { log: built.log, bootstrap: path.join(outputDir, 'bootstrap') };
  }

  /**
   * Builds into `outputDir`, which ends up holding just `bootstrap` (mode 0755), plus what the plan exports for a
   * container image, and returns the build's output. On failure nothing is left behind: `outputDir` is removed and
   * the error is thrown.
   */
  public static build(prepared: PreparedBuild, outputDir: string): BuildOutput {
    return runBuild(prepared, outputDir);
  }
}
