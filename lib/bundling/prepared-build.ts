/**
 * A prepared build: the project read and checked, the build plan made, its inputs listed and its asset hash
 * computed, all without building anything. CDK compares the hash with `cdk.out/asset.<hash>` to skip the build.
 */
import * as path from 'path';
import { Annotations, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { CdkRustError } from '../errors';
import { progress, warn } from '../private/progress';
import { ArtifactFile } from './artifact-file';
import { ArtifactEntry, hashArtifactFiles, listArtifactFiles } from './artifact-files';
import { DEFAULT_BUILDER_IMAGE, builderImageIdentity } from './builder-image';
import { readCargoWorkspace } from './cargo';
import { detectDocker } from './docker';
import { renderDockerfile } from './dockerfile';
import { FRESHEN_SCRIPT } from './freshen';
import { ExcludedFile, InputFile, assetHash, collectInputs, exclusionReason, hashInputs } from './hash';
import { hashedInputs } from './hashed-inputs';
import { localRecipe, localToolchainFor } from './local';
import { LAMBDA_ZIP, OutputLayout } from './output-layout';
import { BuildPlan, ContainerImageBuild, makeBuildPlan } from './plan';
import { RustBundlingOptions } from './rust-bundling-options';
import { checkPinnedToolchain } from './toolchain-file';

/** What a build is prepared from: the construct's props and its output layout. */
export interface BundlingProps extends RustBundlingOptions {
  /** Path of the Cargo.toml of the package, or of the workspace, to build. */
  readonly manifestPath: string;
  /** The bin target to build. Required when the package or workspace has several. */
  readonly binaryName?: string;
  /** The function's architecture: selects the default target. @default lambda.Architecture.X86_64 */
  readonly architecture?: lambda.Architecture;
  /** Project files that ship beside the binary (see ArtifactFile). @default - none */
  readonly files?: ArtifactFile[];
  /** Set when the binary goes into a container image: what the image needs from the build (see plan.ts). @default - Lambda code */
  readonly containerImage?: ContainerImageBuild;
  /** What the construct makes of the build (output-layout.ts). @default LAMBDA_ZIP */
  readonly layout?: OutputLayout;
}

/** Options of {@link prepareBuild}. */
export interface PrepareOptions {
  /**
   * Ask Docker for the builder image's identity (building or pulling it when missing), so that the
   * hash follows the toolchain. Off only where the hash is never used for a build (stacks that are
   * not being synthesized); a digest-pinned image needs no Docker either way.
   * @default true
   */
  readonly resolveImage?: boolean;
}

/** A build that is ready to run: its plan, inputs and hash. */
export interface PreparedBuild {
  readonly plan: BuildPlan;
  readonly inputs: InputFile[];
  /** `rustc -vV` of the host toolchain when the build runs locally; undefined when it runs in Docker. */
  readonly localToolchain?: string;
  /** Files of the project kept out of the build (credentials, links leading outside the project). */
  readonly excluded: ExcludedFile[];
  /** What `files` ships beside the binary, every file and directory listed; empty without `files`. */
  readonly files: ArtifactEntry[];
  /** Files under a directory of `files` left out because they look like credentials (absolute paths). */
  readonly filesExcluded: string[];
  /** The builder image, when the build runs in Docker. */
  readonly image: string;
  /** What identifies the builder image's contents: its digest or local id (see builderImageIdentity). */
  readonly imageIdentity: string;
  /** The Cargo target directory for local builds. */
  readonly targetDirectory: string;
  /** The asset hash: changes exactly when the binary can change. */
  readonly assetHash: string;
}

/** Cache ids are left out of the hash: they name where caches live, not what is built. */
const HASHED_CACHE_IDS = { registry: 'registry', git: 'git', target: 'target' };

/** Reads and validates the project and computes the asset hash, without building anything. */
export function prepareBuild(props: BundlingProps, options: PrepareOptions = {}): PreparedBuild {
  const layout = props.layout ?? LAMBDA_ZIP;
  const workspace = readCargoWorkspace(props.manifestPath);
  const plan = makeBuildPlan(workspace, { ...props, architecture: props.architecture?.name, filesGoInto: layout.filesGoInto });
  const { inputs, excluded } = collectInputs(plan);
  const files = listArtifactFiles(plan.files ?? []);
  const localToolchain = plan.forceDocker ? undefined : localToolchainFor(plan.target, plan.workspaceRoot);
  // A rust-toolchain(.toml) pinning a toolchain the default builder image lacks: said now, not deep in Docker.
  if (!localToolchain) checkPinnedToolchain(plan);
  const image = plan.builderImage ?? DEFAULT_BUILDER_IMAGE;
  const imageIdentity =
    !localToolchain && (options.resolveImage ?? true) ? builderImageIdentity(image, () => detectDocker(), plan.builder) : image;
  const recipe = localToolchain
    ? localRecipe(plan, localToolchain)
    : `${imageIdentity}\n${renderDockerfile(plan, image, HASHED_CACHE_IDS)}${FRESHEN_SCRIPT}`;
  const filesHash = plan.files ? hashArtifactFiles(files.entries) : undefined;
  return {
    plan,
    inputs,
    excluded,
    files: files.entries,
    filesExcluded: files.excluded,
    localToolchain,
    image,
    imageIdentity,
    targetDirectory: workspace.targetDirectory,
    assetHash: assetHash(plan, hashInputs(hashedInputs(workspace, plan.packageName, inputs)), recipe, filesHash, layout.hashed?.(plan)),
  };
}

/** Where errors about a construct's build point: `<scope path>/<id>`. Undefined without a scope. */
export function buildSite(scope?: IConstruct, id?: string): string | undefined {
  return scope ? [scope.node.path, id].filter((p) => p).join('/') : undefined;
}

/**
 * {@link prepareBuild} for a construct: errors name `<scope path>/<id>`, stacks that are not being synthesized
 * (`Stack.bundlingRequired`) ask Docker nothing, and the notices every artifact gets are given: a missing
 * Cargo.lock (a warning on `scope`) and the files left out of the build or of `files` (a progress line).
 */
export function prepareBuildFor(props: BundlingProps, scope?: IConstruct, id?: string): PreparedBuild {
  const where = buildSite(scope, id);
  let prepared: PreparedBuild;
  try {
    prepared = prepareBuild(props, { resolveImage: scope ? Stack.of(scope).bundlingRequired : true });
  } catch (error) {
    throw where ? CdkRustError.inConstruct(error, where) : error;
  }
  reportNotices(prepared, props.manifestPath, scope, where);
  return prepared;
}

/** The notices of a prepared build: a missing Cargo.lock (a warning on `scope`), and what was left out (a progress line). */
function reportNotices(prepared: PreparedBuild, manifestPath: string, scope: IConstruct | undefined, where: string | undefined): void {
  if (!prepared.plan.locked) {
    const message =
      `${where ?? manifestPath}: the workspace has no Cargo.lock, so dependency versions are resolved anew ` +
      'on every build and the build is not reproducible (no --locked). Commit a Cargo.lock (cargo generate-lockfile) to pin them.';
    if (scope) Annotations.of(scope).addWarningV2('cdk-rust:missingCargoLock', message);
    else warn(message);
  }
  const { binaryName, workspaceRoot } = prepared.plan;
  if (prepared.excluded.length > 0) {
    progress(
      `left out of the build of ${binaryName}: ` + prepared.excluded.map((e) => `${e.relative} (${exclusionReason(e.reason)})`).join(', '),
    );
  }
  if (prepared.filesExcluded.length > 0) {
    progress(
      `left out of the files of ${binaryName}: ` +
        prepared.filesExcluded.map((f) => `${path.relative(workspaceRoot, f)} (${exclusionReason('secret')})`).join(', '),
    );
  }
}
