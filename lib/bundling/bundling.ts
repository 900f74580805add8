/**
 * Bundling: turns a Cargo project into a Lambda asset holding `bootstrap`.
 *
 * It plugs into CDK's asset staging with a hash computed from the sources before any build, so CDK
 * skips the build when `cdk.out/asset.<hash>` exists already, and skips it for stacks that are not
 * being synthesized (`Stack.bundlingRequired`). The build itself runs as CDK "local" bundling: our own
 * `docker build` with BuildKit (which CDK's `docker run` bundling cannot do: no `--ssh`, no `--output`),
 * or the host's cargo.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Annotations, AssetHashType, DockerImage, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { CdkRustError } from '../errors';
import { entryKindAt } from '../private/no-follow';
import { progress, warn } from '../private/progress';
import { ArtifactFile } from './artifact-file';
import { ArtifactEntry, hashArtifactFiles, listArtifactFiles, writeArtifactFiles } from './artifact-files';
import { RustBundlingOptions } from './rust-bundling-options';
import { BuildCacheDirectory, cacheKeyOf } from './build-cache';
import { restoreBuildCache, saveBuildCache } from './build-cache-steps';
import { DEFAULT_BUILDER_IMAGE, builderImageIdentity } from './builder-image';
import { readCargoWorkspace } from './cargo';
import { detectDocker, runDockerBuild } from './docker';
import { CA_BUNDLE, CA_BUNDLE_FILE, ZONEINFO, ZONEINFO_DIR_NAME, cacheIdsFor, renderDockerfile } from './dockerfile';
import { FRESHEN_SCRIPT } from './freshen';
import { HEALTH_PROBE_FILE } from './health-probe';
import { checkBuildOutput } from './build-output';
import { ExcludedFile, InputFile, assetHash, collectInputs, exclusionReason, hashInputs } from './hash';
import { localRecipe, localToolchainFor, runLocalBuild } from './local';
import { BuildPlan, makeBuildPlan } from './plan';
import { checkSshAgent } from './ssh-agent';
import { checkPinnedToolchain } from './toolchain-file';

/** What {@link Bundling.bundle} needs. */
export interface BundlingProps extends RustBundlingOptions {
  /** Path of the Cargo.toml of the package, or of the workspace, to build. */
  readonly manifestPath: string;
  /** The bin target to build. Required when the package or workspace has several. */
  readonly binaryName?: string;
  /** The function's architecture: selects the default target. @default lambda.Architecture.X86_64 */
  readonly architecture?: lambda.Architecture;
  /** What the binary is for (see PlanProps.artifact). @default 'lambda' */
  readonly artifact?: 'lambda' | 'service' | 'extension';
  /** For an extension: the file name under `extensions/`. @default - the binary's name */
  readonly extensionName?: string;
  /** Project files that ship beside the binary (see ArtifactFile). @default - none */
  readonly files?: ArtifactFile[];
  /** For a service image: export the builder image's time-zone data too. @default false */
  readonly zoneinfo?: boolean;
  /** For a service image: build cdk-rust's health probe and export it beside the binary too. @default false */
  readonly healthProbe?: boolean;
}

/** Options of {@link Bundling.prepare}. */
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

/** What a finished build reports. */
export interface BuildOutput {
  /** Everything the build printed (also streamed to stderr while it ran). */
  readonly log: string;
  /** The absolute path of the built binary: `bootstrap`, or `extensions/<name>` for an extension. */
  readonly bootstrap: string;
  /** The builder image's CA bundle, beside `bootstrap`, when the plan asks for it (service images). */
  readonly caBundle?: string;
  /** The builder image's time-zone data, a directory beside `bootstrap`, when the plan asks for it. */
  readonly zoneinfo?: string;
  /** cdk-rust's health probe (health-probe.ts), an executable beside `bootstrap`, when the plan asks for it. */
  readonly healthProbe?: string;
}

/** Cache ids are left out of the hash: they name where caches live, not what is built. */
const HASHED_CACHE_IDS = { registry: 'registry', git: 'git', target: 'target' };

/** Turns Cargo projects into Lambda code. */
export class Bundling {
  /** Reads and validates the project and computes the asset hash, without building anything. */
  public static prepare(props: BundlingProps, options: PrepareOptions = {}): PreparedBuild {
    const workspace = readCargoWorkspace(props.manifestPath);
    const plan = makeBuildPlan(workspace, { ...props, architecture: props.architecture?.name });
    const { inputs, excluded } = collectInputs(plan);
    const files = listArtifactFiles(plan.files ?? []);
    const localToolchain = plan.forceDocker ? undefined : localToolchainFor(plan.target, plan.workspaceRoot);
    // A rust-toolchain(.toml) pinning a toolchain the default builder image lacks: said now, not deep in Docker.
    if (!localToolchain) checkPinnedToolchain(plan);
    const image = plan.builderImage ?? DEFAULT_BUILDER_IMAGE;
    const imageIdentity = !localToolchain && (options.resolveImage ?? true) ? builderImageIdentity(image, () => detectDocker()) : image;
    const recipe = localToolchain
      ? localRecipe(plan, localToolchain)
      : `${imageIdentity}\n${renderDockerfile(plan, image, HASHED_CACHE_IDS)}${FRESHEN_SCRIPT}`;
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
      assetHash: assetHash(plan, hashInputs(inputs), recipe, plan.files ? hashArtifactFiles(files.entries) : undefined),
    };
  }

  /**
   * Lambda code for the project: built at synth time when (and only when) its hash is new.
   *
   * `scope` is where the code is used: stacks that are not being synthesized (`Stack.bundlingRequired`)
   * neither build nor ask Docker anything, errors name `<scope path>/<id>`, and a missing Cargo.lock is
   * reported there as a warning.
   */
  public static bundle(props: BundlingProps, scope?: IConstruct, id?: string): lambda.AssetCode {
    return Bundling.bundleWithPlan(props, scope, id).code;
  }

  /**
   * {@link prepare} for a construct: errors name `<scope path>/<id>`, stacks that are not being synthesized
   * (`Stack.bundlingRequired`) ask Docker nothing, and the notices every artifact gets are given: a missing
   * Cargo.lock (a warning on `scope`) and the files left out of the build or of `files` (a progress line).
   */
  public static prepareFor(props: BundlingProps, scope?: IConstruct, id?: string): PreparedBuild {
    const where = scope ? [scope.node.path, id].filter((p) => p).join('/') : undefined;
    let prepared: PreparedBuild;
    try {
      prepared = Bundling.prepare(props, { resolveImage: scope ? Stack.of(scope).bundlingRequired : true });
    } catch (error) {
      throw where ? CdkRustError.inConstruct(error, where) : error;
    }
    reportNotices(prepared, props.manifestPath, scope, where);
    return prepared;
  }

  /** {@link bundle}, also returning the build plan (what was chosen: the bin, the target, ...) and the asset hash. */
  public static bundleWithPlan(
    props: BundlingProps,
    scope?: IConstruct,
    id?: string,
  ): { code: lambda.AssetCode; plan: BuildPlan; assetHash: string } {
    const where = scope ? [scope.node.path, id].filter((p) => p).join('/') : undefined;
    const prepared = Bundling.prepareFor(props, scope, id);
    const code = lambda.Code.fromAsset(prepared.plan.workspaceRoot, {
      assetHash: prepared.assetHash,
      assetHashType: AssetHashType.CUSTOM,
      bundling: {
        // Never run: cdk-rust builds in `local.tryBundle`, which always succeeds or throws.
        image: DockerImage.fromRegistry('cdk-rust-builds-with-buildkit'),
        local: {
          tryBundle: (outputDir: string) => {
            try {
              Bundling.buildLambdaAsset(prepared, outputDir);
            } catch (error) {
              throw where ? CdkRustError.inConstruct(error, where) : error;
            }
            return true;
          },
        },
      },
    });
    return { code, plan: prepared.plan, assetHash: prepared.assetHash };
  }

  /**
   * A function's or extension's asset: {@link build}, then `files` written beside `bootstrap` (or `extensions/`).
   * On failure nothing is left behind.
   */
  public static buildLambdaAsset(prepared: PreparedBuild, outputDir: string): BuildOutput {
    const output = Bundling.build(prepared, outputDir);
    try {
      writeArtifactFiles(prepared.files, outputDir);
    } catch (error) {
      fs.rmSync(outputDir, { recursive: true, force: true });
      throw error;
    }
    return output;
  }

  /**
   * Builds into `outputDir`, which ends up holding just `bootstrap` (mode 0755), and returns the build's
   * output. On failure nothing is left behind: `outputDir` is removed and the error is thrown.
   */
  public static build(prepared: PreparedBuild, outputDir: string): BuildOutput {
    const { plan } = prepared;
    const started = Date.now();
    const exportDir = path.join(outputDir, '.cdk-rust-export');
    try {
      // An interrupted earlier build may have left files here.
      fs.rmSync(outputDir, { recursive: true, force: true });
      fs.mkdirSync(exportDir, { recursive: true });
      const what = `${plan.packageName}/${plan.binaryName} for ${plan.target} (profile ${plan.profile})`;
      let log: string;
      if (prepared.localToolchain) {
        const socket = plan.ssh.forward ? checkSshAgent(plan) : undefined;
        progress(`building ${what} with the host toolchain` + (socket ? ', SSH agent for the fetch only' : ''));
        log = runLocalBuild(plan, prepared.targetDirectory, exportDir);
      } else {
        const client = detectDocker();
        const socket = plan.ssh.forward ? checkSshAgent(plan) : undefined;
        progress(`building ${what} in Docker (${client.mode}) with ${prepared.image}` + (socket ? ', SSH agent forwarded' : ''));
        const cacheIds = cacheIdsFor(plan, prepared.imageIdentity);
        const dockerfile = renderDockerfile(plan, prepared.image, cacheIds);
        const cache = plan.cache ? new BuildCacheDirectory(plan.cache) : undefined;
        // The key reads Cargo.lock: only for builds that use the cache.
        const cached = cache && { client, plan, image: prepared.image, cacheIds, key: cacheKeyOf(plan, prepared.imageIdentity) };
        const restored = cache && cached ? restoreBuildCache(cached, cache) : undefined;
        log = runDockerBuild(
          client,
          { plan, image: prepared.image, dockerfile, inputs: prepared.inputs, outputDir: exportDir },
          socket,
        ).log;
        if (cache && cached && restored) saveBuildCache(cached, cache, restored, log);
      }
      // Before anything here reads, moves or chmods the export: only regular files and directories.
      checkBuildOutput(exportDir, plan.binaryName);
      const { caBundle, zoneinfo, healthProbe } = takeExport(prepared, exportDir, outputDir);
      fs.rmSync(exportDir, { recursive: true, force: true });
      let binary = path.join(outputDir, 'bootstrap');
      if (plan.extensionName !== undefined) {
        // A layer: Lambda starts every executable in /opt/extensions as an extension.
        const extension = path.join(outputDir, 'extensions', plan.extensionName);
        fs.mkdirSync(path.dirname(extension));
        fs.renameSync(binary, extension);
        binary = extension;
      }
      const size = fs.statSync(binary).size;
      progress(`built ${plan.binaryName}: ${(size / 1024 / 1024).toFixed(2)} MiB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return { log, bootstrap: binary, caBundle, zoneinfo, healthProbe };
    } catch (error) {
      fs.rmSync(outputDir, { recursive: true, force: true });
      throw error;
    }
  }
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

/** What {@link takeExport} moved beside `bootstrap`. */
interface TakenExport {
  readonly caBundle?: string;
  readonly zoneinfo?: string;
  readonly healthProbe?: string;
}

/**
 * Moves the build's files from `exportDir` into `outputDir`: `bootstrap` (made 0755), and the CA bundle, the
 * time-zone data and the health probe (made 0755) when the plan asks for them. The export has been checked to hold no link (checkBuildOutput), and
 * each file is looked at with `lstat` anyway: nothing here follows a link.
 */
function takeExport(prepared: PreparedBuild, exportDir: string, outputDir: string): TakenExport {
  const { plan } = prepared;
  const built = path.join(exportDir, 'bootstrap');
  if (entryKindAt(built) !== 'file') {
    throw new CdkRustError(
      'BUILD_FAILED',
      `the build of ${plan.binaryName} finished but produced no bootstrap.`,
      'check that the builder image copies the binary to /out/bootstrap (it must not override the Dockerfile).',
    );
  }
  fs.chmodSync(built, 0o755);
  fs.renameSync(built, path.join(outputDir, 'bootstrap'));
  const caBundle = plan.caBundle ? path.join(outputDir, CA_BUNDLE_FILE) : undefined;
  if (caBundle) {
    if (entryKindAt(path.join(exportDir, CA_BUNDLE_FILE)) !== 'file') {
      throw new CdkRustError(
        'BUILD_FAILED',
        `the builder image ${prepared.image} has no CA bundle at ${CA_BUNDLE}, which the service image needs for TLS.`,
        'use a builder image with the ca-certificates package installed (the default one has it).',
      );
    }
    fs.renameSync(path.join(exportDir, CA_BUNDLE_FILE), caBundle);
  }
  const zoneinfo = plan.zoneinfo ? path.join(outputDir, ZONEINFO_DIR_NAME) : undefined;
  if (zoneinfo) {
    if (entryKindAt(path.join(exportDir, ZONEINFO_DIR_NAME)) !== 'directory') {
      throw new CdkRustError(
        'BUILD_FAILED',
        `the builder image ${prepared.image} has no time-zone data at ${ZONEINFO}, which timeZones asks for.`,
        'use a builder image with the tzdata package installed (the default one has it), or leave timeZones out.',
      );
    }
    fs.renameSync(path.join(exportDir, ZONEINFO_DIR_NAME), zoneinfo);
  }
  const healthProbe = plan.healthProbe ? path.join(outputDir, HEALTH_PROBE_FILE) : undefined;
  if (healthProbe) {
    const exported = path.join(exportDir, HEALTH_PROBE_FILE);
    if (entryKindAt(exported) !== 'file') {
      throw new CdkRustError(
        'BUILD_FAILED',
        `the build of ${plan.binaryName} finished but produced no health probe (${HEALTH_PROBE_FILE} beside bootstrap).`,
        `check that the builder image ${prepared.image} can build a std-only crate for ${plan.target} offline with its own cargo, ` +
          'and that it does not override the Dockerfile.',
      );
    }
    fs.chmodSync(exported, 0o755);
    fs.renameSync(exported, healthProbe);
  }
  return { caBundle, zoneinfo, healthProbe };
}
