/**
 * The build plan: a plain value that says exactly what to build and how, made from the user's props
 * and the Cargo workspace. It is the contract between the cargo side and the docker/local side, and
 * every check that can be made without Docker is made here, at synth time.
 */
import * as path from 'path';
import { CdkRustError } from '../errors';
import { ArchitectureName } from '../private/architecture';
import { ArtifactFile } from './artifact-file';
import { ArtifactKind, PlannedFile, planArtifactFiles } from './artifact-files';
import { checkBinarySource, selectBinary } from './bin-selection';
import { BuildCacheSettings, resolveBuildCache } from './build-cache';
import { BuildSecret, planBuildSecrets } from './build-secrets';
import { CargoWorkspace } from './cargo';
import { CargoConfigFile, cargoConfigFileArgs } from './cargo-config-args';
import { validateExcludePatterns } from './exclude-patterns';
import { IncludedPaths, planIncludePaths } from './include-paths';
import {
  CONTROL,
  profileDirectory,
  resolveBuilderImage,
  validateBuildEnvironment,
  validateBuilder,
  validateCargoArgs,
  validateFeatures,
  validateProfile,
} from './plan-checks';
import { RustBundlingOptions } from './rust-bundling-options';
import { SshPlan, planSsh } from './ssh-plan';
import { checkStaticTarget, resolveArchitecture, resolveTarget } from './target';

export { cargoBuildArgs, cargoFetchArgs } from './cargo-args';
export type { SshPlan } from './ssh-plan';

/** A complete description of one build. Plain data: it can be printed, compared and hashed. */
export interface BuildPlan {
  /** Absolute directory of the workspace root. */
  readonly workspaceRoot: string;
  /** Absolute directory whose inputs form the build context (the workspace root, or a common ancestor of it and external path dependencies). */
  readonly contextRoot: string;
  /** The workspace root relative to `contextRoot`, POSIX style ('' when they are the same). */
  readonly workdir: string;
  /** Directories whose files are build inputs, absolute. */
  readonly inputDirs: string[];
  /** Single files that are build inputs, absolute. */
  readonly inputFiles: string[];
  readonly packageName: string;
  readonly binaryName: string;
  readonly architecture: ArchitectureName;
  readonly target: string;
  readonly profile: string;
  /** The directory under `target/<triple>/` that the profile writes to. */
  readonly profileDir: string;
  readonly features: string[];
  readonly noDefaultFeatures: boolean;
  readonly cargoArgs: string[];
  readonly buildEnvironment: Record<string, string>;
  /** `bundling.buildSecrets`, sorted by id: where each value comes from, never the value. Absent when there are none. */
  readonly buildSecrets?: BuildSecret[];
  /** The `--config` files of `cargoArgs` (also in `inputFiles`). Absent when there are none. */
  readonly cargoConfigFiles?: CargoConfigFile[];
  /** `bundling.exclude`: glob patterns, relative to the workspace root, of files kept out of the build. Absent when there are none. */
  readonly exclude?: string[];
  /**
   * `files`: project files and directories that ship beside the binary (in the zip, layer or image), checked.
   * Not build inputs: the build never sees them. Absent when there are none.
   */
  readonly files?: PlannedFile[];
  /** Build with `--locked` (there is a Cargo.lock). */
  readonly locked: boolean;
  /** The builder image, or undefined for cdk-rust's default image. */
  readonly builderImage?: string;
  /**
   * `bundling.builder`: the buildx builder that runs the build (`--builder`). It never changes the binary, so it
   * is not part of the asset hash. Absent when not set (buildx's own choice: `BUILDX_BUILDER`, `docker buildx use`).
   */
  readonly builder?: string;
  readonly network: string;
  readonly forceDocker: boolean;
  readonly ssh: SshPlan;
  /**
   * Also export the builder image's CA bundle beside the binary (for a container image, which has no other
   * source of TLS roots). Absent for Lambda builds, so their plans and hashes stay as they were.
   */
  readonly caBundle?: true;
  /** Also export the builder image's time-zone data (`/usr/share/zoneinfo`, without `right/`). Absent unless asked. */
  readonly zoneinfo?: true;
  /**
   * Also build cdk-rust's health probe (health-probe.ts) and export it as `healthcheck` beside the binary, for a
   * service image's container health check. Absent unless asked, so other plans and hashes stay as they were.
   */
  readonly healthProbe?: true;
  /**
   * The build cache on the host (Docker builds): restored into an empty daemon before the build, saved
   * after it. It never changes the binary, so it is not part of the asset hash. Absent when not configured.
   */
  readonly cache?: BuildCacheSettings;
}

/**
 * What a container image needs from the build besides the binary (RustServiceImage): plain data, part of the
 * build. Such a build always runs in Docker (the image's CA bundle comes from the builder image, so the image is
 * the same on every machine), needs a static (musl) target, and exports the builder image's CA bundle.
 */
export interface ContainerImageBuild {
  /** Also export the builder image's time-zone data. @default false */
  readonly zoneinfo?: boolean;
  /** Also build cdk-rust's health probe and export it beside the binary. @default false */
  readonly healthProbe?: boolean;
}

/** Everything {@link makeBuildPlan} needs besides the workspace. */
export interface PlanProps extends RustBundlingOptions {
  /** The bin to build; required when the package (or workspace) has several. */
  readonly binaryName?: string;
  /** The Lambda architecture name (`lambda.Architecture.name`). @default 'x86_64' */
  readonly architecture?: string;
  /** The environment to read `CDK_RUST_BUILDER_IMAGE` and the `CDK_RUST_CACHE_*` settings from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Set when the binary goes into a container image: what that image needs from the build. @default - Lambda code */
  readonly containerImage?: ContainerImageBuild;
  /** Project files to ship beside the binary (see ArtifactFile). @default - none */
  readonly files?: ArtifactFile[];
  /** What `files` go into, which decides where they may go (artifact-files.ts). @default 'lambda' */
  readonly filesGoInto?: ArtifactKind;
}

/** Validates the props against the workspace and returns the plan. Throws {@link CdkRustError}. */
export function makeBuildPlan(workspace: CargoWorkspace, props: PlanProps): BuildPlan {
  const env = props.env ?? process.env;
  const { architecture, target } = planTarget(props);
  const profile = validateProfile(props.profile ?? 'release');
  const { pkg, bin } = selectBinary(workspace, props.binaryName);
  checkBinarySource(pkg, bin, props.binaryName !== undefined);
  const cache = resolveBuildCache(props.cacheDirectory, env);
  const inputs = planInputs(workspace, planIncludePaths(props.include ?? [], workspace.root));
  const buildEnvironment = validateBuildEnvironment(props.buildEnvironment ?? {});
  const cargoArgs = validateCargoArgs(props.cargoArgs ?? []);
  const configFiles = cargoConfigFileArgs(cargoArgs, workspace.root);
  const secrets = planBuildSecrets(props.buildSecrets ?? {}, buildEnvironment, env);
  const exclude = validateExcludePatterns(props.exclude ?? []);
  const files = planArtifactFiles(props.files ?? [], path.dirname(workspace.manifestPath), workspace.root, props.filesGoInto ?? 'lambda');
  return {
    ...inputs,
    inputFiles: [...inputs.inputFiles, ...configFiles.map((f) => f.absolute)],
    packageName: pkg.name,
    binaryName: bin,
    architecture,
    target,
    profile,
    profileDir: profileDirectory(profile),
    features: validateFeatures(props.features ?? []),
    noDefaultFeatures: props.noDefaultFeatures ?? false,
    cargoArgs,
    buildEnvironment,
    ...(secrets.length > 0 ? { buildSecrets: secrets } : {}),
    ...(configFiles.length > 0 ? { cargoConfigFiles: configFiles } : {}),
    ...(exclude.length > 0 ? { exclude } : {}),
    ...(files.length > 0 ? { files } : {}),
    locked: workspace.lockFile !== undefined,
    builderImage: resolveBuilderImage(props.builderImage, env),
    ...(props.builder !== undefined ? { builder: validateBuilder(props.builder) } : {}),
    network: props.network ?? 'host',
    forceDocker: props.containerImage !== undefined || (props.forceDockerBundling ?? false),
    ssh: planSsh(workspace, props),
    ...containerImageExports(props.containerImage),
    ...(cache ? { cache } : {}),
  };
}

/** The architecture and target triple; a container image's target must be static. */
function planTarget(props: PlanProps): { architecture: ArchitectureName; target: string } {
  const architecture = resolveArchitecture(props.architecture);
  const target = resolveTarget(architecture, props.target);
  if (props.containerImage) checkStaticTarget(architecture, target);
  return { architecture, target };
}

/** What a container image's build exports besides the binary; nothing for Lambda code, so its plans and hashes stay as they were. */
function containerImageExports(image: ContainerImageBuild | undefined): Pick<BuildPlan, 'caBundle' | 'zoneinfo' | 'healthProbe'> {
  if (!image) return {};
  return {
    caBundle: true,
    ...(image.zoneinfo ? { zoneinfo: true as const } : {}),
    ...(image.healthProbe ? { healthProbe: true as const } : {}),
  };
}

/**
 * Where the build's inputs are: every member's directory and the path dependencies outside the
 * workspace, under a context root that reaches them all (members may live outside the workspace root,
 * `members = ["../x"]`), plus the workspace files and the root manifests of other workspaces that those path
 * dependencies inherit from.
 */
function planInputs(
  workspace: CargoWorkspace,
  included: IncludedPaths,
): Pick<BuildPlan, 'workspaceRoot' | 'contextRoot' | 'workdir' | 'inputDirs' | 'inputFiles'> {
  const inputDirs = dedupeNested([
    ...workspace.members.map((m) => path.dirname(m.manifestPath)),
    ...workspace.externalPathDependencies,
    ...included.dirs,
  ]);
  const otherFiles = [...workspace.externalWorkspaceManifests, ...included.files];
  const contextRoot = commonAncestor([workspace.root, ...inputDirs, ...otherFiles.map((m) => path.dirname(m))]);
  for (const dir of [contextRoot, ...inputDirs]) {
    if (CONTROL.test(dir)) {
      throw new CdkRustError(
        'INVALID_PROP',
        `manifestPath: the directory ${JSON.stringify(dir)} contains a line break or NUL character.`,
        "rename the directory: cdk-rust writes project paths into the build's Dockerfile and command lines.",
      );
    }
  }
  return {
    workspaceRoot: workspace.root,
    contextRoot,
    workdir: toPosix(path.relative(contextRoot, workspace.root)),
    inputDirs,
    // The root manifests that external path dependencies inherit from (that file only, not their workspaces),
    // and the files of bundling.include.
    inputFiles: [...WORKSPACE_FILES.map((f) => path.join(workspace.root, f)), ...otherFiles],
  };
}

/** Files of the workspace root that change a build (besides the members' own). */
const WORKSPACE_FILES = ['Cargo.toml', 'Cargo.lock', '.cargo/config.toml', '.cargo/config', 'rust-toolchain', 'rust-toolchain.toml'];

function commonAncestor(dirs: string[]): string {
  let common = dirs[0];
  for (const dir of dirs.slice(1)) {
    while (dir !== common && !dir.startsWith(common.endsWith(path.sep) ? common : common + path.sep)) {
      const parent = path.dirname(common);
      if (parent === common) break;
      common = parent;
    }
  }
  return common;
}

function dedupeNested(dirs: string[]): string[] {
  const sorted = [...new Set(dirs)].sort();
  return sorted.filter((dir) => !sorted.some((other) => other !== dir && dir.startsWith(other + path.sep)));
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
