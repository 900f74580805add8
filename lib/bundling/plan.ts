/**
 * The build plan: a plain value that says exactly what to build and how, made from the user's props
 * and the Cargo workspace. It is the contract between the cargo side and the docker/local side, and
 * every check that can be made without Docker is made here, at synth time.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { ArchitectureName } from '../private/architecture';
import { ArtifactFile } from './artifact-file';
import { PlannedFile, planArtifactFiles } from './artifact-files';
import { BuildCacheSettings, resolveBuildCache } from './build-cache';
import { BuildSecret, planBuildSecrets } from './build-secrets';
import { CargoConfigFile, cargoConfigFileArgs } from './cargo-config-args';
import { validateExcludePatterns } from './exclude-patterns';
import { IncludedPaths, planIncludePaths } from './include-paths';
import { RustBundlingOptions } from './rust-bundling-options';
import { CargoPackage, CargoWorkspace, SshGitSource } from './cargo';
import { hasKnownHost, knownHostsName, validateKnownHostsLines } from './known-hosts';

/** Target triples cdk-rust can build, with the Lambda architecture each runs on. */
export const SUPPORTED_TARGETS: Readonly<Record<string, ArchitectureName>> = {
  'x86_64-unknown-linux-musl': 'x86_64',
  'x86_64-unknown-linux-gnu': 'x86_64',
  'aarch64-unknown-linux-musl': 'arm64',
  'aarch64-unknown-linux-gnu': 'arm64',
};

const DEFAULT_TARGETS: Readonly<Record<ArchitectureName, string>> = {
  x86_64: 'x86_64-unknown-linux-musl',
  arm64: 'aarch64-unknown-linux-musl',
};

/** cargo arguments that have a dedicated option, by the option's name as the user writes it. */
const ARGS_WITH_OPTIONS: Readonly<Record<string, string>> = {
  '--target': 'bundling.target',
  '--bin': 'binaryName',
  '--bins': 'binaryName',
  '--package': 'manifestPath',
  '-p': 'manifestPath',
  '--manifest-path': 'manifestPath',
  '--profile': 'bundling.profile',
  '--release': 'bundling.profile',
  '-r': 'bundling.profile',
  '--features': 'bundling.features',
  '-F': 'bundling.features',
  '--no-default-features': 'bundling.noDefaultFeatures',
};

/**
 * cargo arguments cdk-rust owns with no option to replace them, and why: cdk-rust passes
 * `--target-dir` itself (which wins over `CARGO_TARGET_DIR` and `build.target-dir`) and copies the
 * binary from there, and the compile step is always offline.
 */
const OWNED_ARGS: Readonly<Record<string, string>> = {
  '--target-dir': 'cdk-rust picks the target directory and copies the binary from there',
  '--out-dir': 'cdk-rust picks the target directory and copies the binary from there',
  '--artifact-dir': 'cdk-rust picks the target directory and copies the binary from there',
  '--offline': 'the compile step is always offline, after a fetch step',
  '--frozen': 'the compile step is always offline, after a fetch step',
};

/**
 * Variables of `bundling.buildEnvironment` that cdk-rust owns: the target directory (see above),
 * and the SSH agent, which is never given to the compile step.
 */
const RESERVED_ENVIRONMENT = new Set(['CARGO_TARGET_DIR', 'CARGO_BUILD_TARGET_DIR', 'SSH_AUTH_SOCK', 'GIT_SSH_COMMAND', 'GIT_SSH']);

/** A line break or NUL: never valid in a path, argument or value that reaches a Dockerfile or a command line. */
const CONTROL = /[\r\n\0]/;

/**
 * A Docker image reference: `[host[:port]/]path[:tag][@digest]`, lower-case path components, as
 * Docker's reference grammar has it.
 */
const IMAGE_REFERENCE =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$/;

/** What the SSH side of a build needs. */
export interface SshPlan {
  /** Forward the agent into the fetch step. */
  readonly forward: boolean;
  /** The git sources fetched over SSH. */
  readonly sources: SshGitSource[];
  /** The pinned known_hosts lines. */
  readonly knownHosts: string[];
  /** The agent socket to forward, when set explicitly. */
  readonly agentSocket?: string;
}

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
   * For a Lambda extension: the binary goes to `extensions/<name>` of the asset (a layer), not `bootstrap`.
   * Absent for functions and services, so their plans and hashes stay as they were.
   */
  readonly extensionName?: string;
  /**
   * The build cache on the host (Docker builds): restored into an empty daemon before the build, saved
   * after it. It never changes the binary, so it is not part of the asset hash. Absent when not configured.
   */
  readonly cache?: BuildCacheSettings;
}

/** Everything {@link makeBuildPlan} needs besides the workspace. */
export interface PlanProps extends RustBundlingOptions {
  /** The bin to build; required when the package (or workspace) has several. */
  readonly binaryName?: string;
  /** The Lambda architecture name (`lambda.Architecture.name`). @default 'x86_64' */
  readonly architecture?: string;
  /** The environment to read `CDK_RUST_BUILDER_IMAGE` and the `CDK_RUST_CACHE_*` settings from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * What the binary is for. A service image is always built in Docker (its CA bundle comes from the builder
   * image, so the image is the same on every machine) and exports the CA bundle too.
   * @default 'lambda'
   */
  readonly artifact?: 'lambda' | 'service' | 'extension';
  /** For a service image: export the builder image's time-zone data too. @default false */
  readonly zoneinfo?: boolean;
  /** For a service image: build cdk-rust's health probe and export it beside the binary too. @default false */
  readonly healthProbe?: boolean;
  /** For an extension: its name, the file name under `extensions/` (validated by the construct). */
  readonly extensionName?: string;
  /** Project files to ship beside the binary (see ArtifactFile). @default - none */
  readonly files?: ArtifactFile[];
}

/** Validates the props against the workspace and returns the plan. Throws {@link CdkRustError}. */
export function makeBuildPlan(workspace: CargoWorkspace, props: PlanProps): BuildPlan {
  const architecture = resolveArchitecture(props.architecture);
  const target = resolveTarget(architecture, props.target);
  if (props.artifact === 'service' && !target.endsWith('-musl')) {
    throw new CdkRustError(
      'INVALID_PROP',
      `bundling.target "${target}" links against glibc dynamically, but a service image holds only the binary: ` +
        'there is no dynamic loader or libc in it, so the container would fail to start ("no such file or directory").',
      `leave bundling.target out, or use "${DEFAULT_TARGETS[architecture]}" (a static musl binary).`,
    );
  }
  const profile = validateProfile(props.profile ?? 'release');
  const { pkg, bin } = selectBinary(workspace, props.binaryName);
  checkBinarySource(pkg, bin, props.binaryName !== undefined);
  const cache = resolveBuildCache(props.cacheDirectory, props.env ?? process.env);
  const inputs = planInputs(workspace, planIncludePaths(props.include ?? [], workspace.root));
  const buildEnvironment = validateBuildEnvironment(props.buildEnvironment ?? {});
  const cargoArgs = validateCargoArgs(props.cargoArgs ?? []);
  const configFiles = cargoConfigFileArgs(cargoArgs, workspace.root);
  const secrets = planBuildSecrets(props.buildSecrets ?? {}, buildEnvironment, props.env ?? process.env);
  const exclude = validateExcludePatterns(props.exclude ?? []);
  const files = planArtifactFiles(props.files ?? [], path.dirname(workspace.manifestPath), workspace.root, props.artifact ?? 'lambda');
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
    builderImage: resolveBuilderImage(props.builderImage, props.env ?? process.env),
    network: props.network ?? 'host',
    forceDocker: props.artifact === 'service' || (props.forceDockerBundling ?? false),
    ssh: planSsh(workspace, props),
    ...(props.artifact === 'service' ? { caBundle: true as const } : {}),
    ...(props.artifact === 'service' && props.zoneinfo ? { zoneinfo: true as const } : {}),
    ...(props.artifact === 'service' && props.healthProbe ? { healthProbe: true as const } : {}),
    ...(props.artifact === 'extension' ? { extensionName: props.extensionName ?? bin } : {}),
    ...(cache ? { cache } : {}),
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

function validateProfile(profile: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(profile)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `bundling.profile: "${profile}" is not a valid Cargo profile name.`,
      'use "release", "dev" or the name of a [profile.<name>] table in the workspace Cargo.toml.',
    );
  }
  return profile;
}

/** The features, de-duplicated and sorted (their order cannot change the binary). */
function validateFeatures(features: readonly string[]): string[] {
  const unique = [...new Set(features)].sort();
  for (const feature of unique) {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_\-+./]*$/.test(feature)) {
      throw new CdkRustError(
        'INVALID_PROP',
        `bundling.features: "${feature}" is not a valid feature name.`,
        'give one feature per array element, e.g. ["json", "my-dep/tls"].',
      );
    }
  }
  return unique;
}

function validateCargoArgs(cargoArgs: readonly string[]): string[] {
  cargoArgs.forEach((arg, i) => {
    const flag = arg.split('=')[0];
    if (CONTROL.test(arg)) {
      throw new CdkRustError(
        'INVALID_PROP',
        `bundling.cargoArgs[${i}] contains a line break or NUL character.`,
        'give one single-line argument per array element.',
      );
    }
    if (flag in ARGS_WITH_OPTIONS) {
      throw new CdkRustError(
        'INVALID_PROP',
        `bundling.cargoArgs: "${arg}" is set by cdk-rust from ${ARGS_WITH_OPTIONS[flag]}.`,
        `remove it from bundling.cargoArgs and set ${ARGS_WITH_OPTIONS[flag]} instead.`,
      );
    }
    const owned = OWNED_ARGS[flag] ?? (/target-dir|TARGET_DIR/.test(arg) ? OWNED_ARGS['--target-dir'] : undefined);
    if (owned) {
      throw new CdkRustError(
        'INVALID_PROP',
        `bundling.cargoArgs: "${arg}" is owned by cdk-rust: ${owned}.`,
        'remove it from bundling.cargoArgs.',
      );
    }
  });
  return [...cargoArgs];
}

function validateBuildEnvironment(buildEnvironment: Readonly<Record<string, string>>): Record<string, string> {
  for (const [key, value] of Object.entries(buildEnvironment)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new CdkRustError(
        'INVALID_PROP',
        `bundling.buildEnvironment: "${key}" is not a valid environment variable name.`,
        'use letters, digits and underscores, not starting with a digit.',
      );
    }
    if (RESERVED_ENVIRONMENT.has(key)) {
      throw new CdkRustError(
        'INVALID_PROP',
        `bundling.buildEnvironment.${key} is managed by cdk-rust.`,
        key.includes('TARGET_DIR')
          ? 'remove it: cdk-rust picks the target directory and copies the binary from there.'
          : 'remove it: the SSH agent reaches the fetch step only (see bundling.sshAgentSocket and bundling.knownHosts).',
      );
    }
    if (typeof value !== 'string' || CONTROL.test(value)) {
      throw new CdkRustError(
        'INVALID_PROP',
        `bundling.buildEnvironment.${key} must be a single-line string.`,
        'remove line breaks from the value.',
      );
    }
  }
  return { ...buildEnvironment };
}

/**
 * The `cargo build` arguments for a plan: the same in Docker and on the host. `targetDir` is passed
 * as `--target-dir`, which wins over `CARGO_TARGET_DIR` and any `build.target-dir` setting, so the
 * binary is always where cdk-rust copies it from.
 */
export function cargoBuildArgs(plan: BuildPlan, targetDir: string): string[] {
  const args = ['build'];
  if (plan.locked) args.push('--locked');
  args.push(
    '--profile',
    plan.profile,
    '--target',
    plan.target,
    '--package',
    plan.packageName,
    '--bin',
    plan.binaryName,
    '--target-dir',
    targetDir,
  );
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

function resolveBuilderImage(prop: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const [image, name] =
    prop !== undefined ? [prop, 'bundling.builderImage'] : [env.CDK_RUST_BUILDER_IMAGE || undefined, 'CDK_RUST_BUILDER_IMAGE'];
  if (image !== undefined && !IMAGE_REFERENCE.test(image)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `${name}: ${JSON.stringify(image)} is not a Docker image reference.`,
      'give a reference such as "my-builder:1.95" or "registry.example.com/rust-builder@sha256:<digest>".',
    );
  }
  return image;
}

function resolveArchitecture(name: string | undefined): ArchitectureName {
  const arch = name ?? 'x86_64';
  if (arch !== 'x86_64' && arch !== 'arm64') {
    throw new CdkRustError(
      'INVALID_PROP',
      `architecture: "${arch}" is not a Lambda architecture cdk-rust can build for.`,
      'use lambda.Architecture.X86_64 or lambda.Architecture.ARM_64.',
    );
  }
  return arch;
}

function resolveTarget(architecture: ArchitectureName, target: string | undefined): string {
  if (target === undefined) return DEFAULT_TARGETS[architecture];
  const targetArch = SUPPORTED_TARGETS[target];
  if (!targetArch) {
    throw new CdkRustError(
      'UNKNOWN_TARGET',
      `bundling.target: "${target}" is not a Linux target Lambda can run.`,
      `use one of ${Object.keys(SUPPORTED_TARGETS).join(', ')}.`,
    );
  }
  if (targetArch !== architecture) {
    throw new CdkRustError(
      'ARCHITECTURE_MISMATCH',
      `bundling.target "${target}" builds for ${targetArch}, but the function's architecture is ${architecture}.`,
      `set architecture to lambda.Architecture.${targetArch === 'arm64' ? 'ARM_64' : 'X86_64'}, or use target "${DEFAULT_TARGETS[architecture]}".`,
    );
  }
  return target;
}

function selectBinary(workspace: CargoWorkspace, binaryName: string | undefined): { pkg: CargoPackage; bin: string } {
  const where = workspace.selectedPackage ? `package "${workspace.selectedPackage.name}"` : `workspace ${workspace.manifestPath}`;
  const candidates = (workspace.selectedPackage ? [workspace.selectedPackage] : workspace.members).flatMap((pkg) =>
    pkg.bins.map((bin) => ({ pkg, bin: bin.name })),
  );
  const list = candidates.map((c) => `"${c.bin}" (package ${c.pkg.name})`).join(', ');
  if (binaryName !== undefined) {
    const matches = candidates.filter((c) => c.bin === binaryName);
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) {
      throw new CdkRustError(
        'BINARY_AMBIGUOUS',
        `binaryName: several packages of ${where} have a bin named "${binaryName}": ${matches.map((m) => m.pkg.name).join(', ')}.`,
        'point manifestPath at the Cargo.toml of the package that should be built.',
      );
    }
    throw new CdkRustError(
      'BINARY_NOT_FOUND',
      `binaryName: "${binaryName}" is not a bin target of ${where}.` + (list ? ` Its bins are: ${list}.` : ''),
      list ? 'set binaryName to one of those.' : 'add a [[bin]] target (or src/main.rs) to the package.',
    );
  }
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) {
    throw new CdkRustError(
      'BINARY_NOT_FOUND',
      `${where} has no bin target, so there is nothing to run on Lambda.`,
      'add src/main.rs (or a [[bin]] table) to the package, or point manifestPath at a package that has one.',
    );
  }
  throw new CdkRustError(
    'BINARY_AMBIGUOUS',
    `${where} has several bins, so binaryName is required: ${list}.`,
    'set binaryName to the one this function runs.',
  );
}

/**
 * The selected bin's source file must exist: cargo reads manifests without checking `[[bin]] path`, and would
 * otherwise fail only inside the build, naming the build container's copy of the file.
 */
function checkBinarySource(pkg: CargoPackage, binName: string, named: boolean): void {
  const bin = pkg.bins.find((b) => b.name === binName);
  if (!bin || fs.existsSync(bin.srcPath)) return;
  const packageDir = path.dirname(pkg.manifestPath);
  const relative = path.relative(packageDir, bin.srcPath).split(path.sep).join('/');
  throw new CdkRustError(
    'BINARY_NOT_FOUND',
    `${named ? 'binaryName' : 'manifestPath'}: the bin "${bin.name}" of package "${pkg.name}" has its source at ${relative}, ` +
      `which does not exist (${bin.srcPath}).`,
    `create ${relative}, or correct \`path\` in the [[bin]] table named "${bin.name}" of ${pkg.manifestPath}.`,
  );
}

function planSsh(workspace: CargoWorkspace, props: PlanProps): SshPlan {
  const sources = workspace.sshGitSources;
  const knownHosts = [...(props.knownHosts ?? [])];
  const problems = validateKnownHostsLines(knownHosts);
  if (problems.length > 0) {
    throw new CdkRustError(
      'INVALID_PROP',
      `bundling.${problems.join('; ')}.`,
      "copy the lines from your git host's documentation or from ~/.ssh/known_hosts.",
    );
  }
  for (const source of sources) {
    if (!source.url.startsWith('ssh://')) {
      throw new CdkRustError(
        'INVALID_PROP',
        `${source.foundIn}: git URL "${source.url}" uses the scp-like form, which Cargo does not support.`,
        `write it as ssh://${source.url.replace(':', '/')}.`,
      );
    }
  }
  const forward = props.forwardSshAgent ?? sources.length > 0;
  if (forward) {
    const missing = sources.filter((s) => !hasKnownHost(knownHosts, s.host, s.port));
    if (missing.length > 0) {
      const names = [...new Set(missing.map((s) => knownHostsName(s.host, s.port)))];
      throw new CdkRustError(
        'KNOWN_HOSTS_MISSING',
        `bundling.knownHosts has no entry for ${names.join(', ')}, which ${path.basename(missing[0].foundIn)} fetches over SSH ` +
          `(${missing[0].url}). cdk-rust never trusts a host key it has not been given.`,
        `add the host's pinned key line, e.g. knownHosts: ['${names[0]} ssh-ed25519 AAAA...'] ` +
          "(from your git host's documentation, or from a known_hosts file you have verified).",
      );
    }
  }
  return { forward, sources, knownHosts, agentSocket: props.sshAgentSocket };
}

function profileDirectory(profile: string): string {
  if (profile === 'dev' || profile === 'test') return 'debug';
  if (profile === 'bench') return 'release';
  return profile;
}

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
