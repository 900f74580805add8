/**
 * RustServiceImage: a Cargo project as a container image for ECS, built from the same static binary as a Lambda
 * function, with no Dockerfile and no base image.
 *
 * The binary is built by the same Docker BuildKit build as RustFunction's (the plan asks it to export the builder
 * image's CA bundle too), then written into a docker-archive tarball by cdk-rust itself (image-archive.ts):
 * deterministic, so its bytes follow the source hash. CDK publishes it as a TarballImageAsset (`cdk deploy` runs
 * `docker load`, then pushes to the bootstrap ECR repository).
 */
import * as fs from 'fs';
import * as path from 'path';
import { AssetHashType, AssetStaging, BundlingOutput, DockerImage, Duration, Stack } from 'aws-cdk-lib';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { Bundling, PreparedBuild } from '../bundling/bundling';
import { ArtifactFile } from '../bundling/artifact-file';
import { healthProbeArguments } from '../bundling/health-probe';
import { RustBundlingOptions } from '../bundling/rust-bundling-options';
import { CdkRustError } from '../errors';
import { readRegularFile } from '../private/no-follow';
import { progress } from '../private/progress';
import { shortHash } from '../private/short-hash';
import { writeImageArchive } from './image-archive';
import {
  binaryPathInImage,
  checkServiceImageSpec,
  DEFAULT_WORKING_DIRECTORY,
  HEALTH_PROBE_PATH,
  ServiceImageHealthCheck,
  ServiceImageSpec,
} from './image-spec';

/**
 * The container's own health check. The image has no shell or curl, so it runs cdk-rust's health probe (a small
 * static program cdk-rust builds and adds at `/cdk-rust/healthcheck`, which requests `path` on 127.0.0.1) or, with
 * `args`, the service's own binary.
 */
export interface ServiceHealthCheck {
  /**
   * Whether the container has a health check at all.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The path the health probe requests on `127.0.0.1:<port>`: healthy when it answers 200-399 within 4 s.
   * Not used with `args`.
   *
   * @default - RustService: its `healthCheckPath`; RustServiceImage: '/health'
   */
  readonly path?: string;

  /**
   * Run the service binary with these arguments instead of the probe, e.g. `['healthcheck']` for a subcommand
   * that requests the service's health path and exits 0 when it answers 2xx. Not with `path`.
   *
   * @default - cdk-rust's health probe
   */
  readonly args?: string[];

  /**
   * Time between checks.
   *
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;

  /**
   * Time a check may take before it counts as failed.
   *
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;

  /**
   * Time after the start during which failures do not count.
   *
   * @default - none
   */
  readonly startPeriod?: Duration;

  /**
   * Failed checks in a row that make the container unhealthy.
   *
   * @default 3
   */
  readonly retries?: number;
}

/** Props of {@link RustServiceImage}. */
export interface RustServiceImageProps {
  /** Path of the Cargo.toml of the package, or of the workspace, to build. */
  readonly manifestPath: string;

  /**
   * The bin target to run. Required when the package (or workspace) has several.
   *
   * @default - the only bin target
   */
  readonly binaryName?: string;

  /**
   * How the binary is built. The image is always built in Docker (so it is the same on every machine), with a
   * static musl target: a glibc target is refused, as nothing in the image could load it.
   *
   * @default - a release build for the architecture's musl target
   */
  readonly bundling?: RustBundlingOptions;

  /**
   * The CPU architecture of the image (and of the binary).
   *
   * @default ecs.CpuArchitecture.X86_64
   */
  readonly architecture?: ecs.CpuArchitecture;

  /**
   * The TCP port the service listens on, recorded as the image's exposed port.
   *
   * @default 8080
   */
  readonly port?: number;

  /**
   * Environment variables recorded in the image config (a task definition's own variables override them).
   *
   * @default - only PATH and SSL_CERT_FILE
   */
  readonly environment?: Record<string, string>;

  /**
   * Whether the image holds time-zone data (the builder image's `/usr/share/zoneinfo`, without the leap-second
   * `right/` variants, `posix/` and `localtime`, about 1.5 MB), for services that convert times to named zones
   * (`TZ=Europe/Paris`, chrono-tz does not need it). It is copied in a build stage of its own, where no build
   * script runs, with tzdata's links resolved into files: the image holds no link.
   *
   * @default false
   */
  readonly timeZones?: boolean;

  /**
   * The container health check, recorded in the image config: cdk-rust's health probe requesting
   * `healthCheck.path`, or the service binary with `healthCheck.args`.
   *
   * @default - none
   */
  readonly healthCheck?: ServiceHealthCheck;

  /**
   * Project files and directories to place in the image, such as `configuration/`, templates, static assets or
   * migrations that the service reads at run time.
   *
   * A relative destination is relative to `workingDirectory` (`{ source: 'configuration' }` is
   * `/app/configuration`, the image of a Dockerfile's `WORKDIR /app` + `COPY configuration configuration`); an
   * absolute one is used as it is. Files are owned by root, 0644 (0755 when executable here), with fixed times:
   * readable, not writable, by the service's user. Links, files outside the workspace and credentials are
   * refused; contents are part of the image's hash. See {@link ArtifactFile}.
   *
   * @default - none
   */
  readonly files?: ArtifactFile[];

  /**
   * The directory the service starts in (the image's `WorkingDir`): where relative paths such as
   * `configuration/base.yaml` are read from.
   *
   * @default '/app' (where the binary is, as `WORKDIR /app` in a Dockerfile)
   */
  readonly workingDirectory?: string;
}

/** The exposed port of a RustServiceImage that does not set `port`. */
const DEFAULT_PORT = 8080;

/**
 * A minimal container image holding one static Rust binary, for ECS.
 *
 * The image holds `/app/<binaryName>` as its exec-form entrypoint, the builder image's CA bundle
 * (`/etc/ssl/certs/ca-certificates.crt`, with `SSL_CERT_FILE` pointing at it), `/etc/passwd` and `/etc/group`
 * with the non-root user 65532 that it runs as, and `/tmp` (mode 1777); nothing else, not even a shell. The
 * same sources and builder image give a byte-identical image on any machine, so nothing is built when nothing
 * changed. In stacks that are not being synthesized nothing is built and `image` names a placeholder.
 */
export class RustServiceImage extends Construct {
  /** The port of a RustServiceImage that does not set `port`. */
  public static readonly DEFAULT_PORT: number = DEFAULT_PORT;

  /** The image, for a container definition (`image: serviceImage.image`). */
  public readonly image: ecs.ContainerImage;

  /** The image's entrypoint: the binary's path in the image, `/app/<binaryName>`. */
  public readonly binaryPath: string;

  /** The port the service listens on. */
  public readonly port: number;

  /**
   * The container health check's command (exec form, without `CMD`): the probe or the binary with its arguments,
   * as the image config records it. Undefined without a health check.
   */
  public readonly healthCheckCommand?: string[];

  /** The published tarball, when the stack is being synthesized (and so built). */
  public readonly tarballAsset?: ecrAssets.TarballImageAsset;

  /**
   * @param scope the construct to create the image in
   * @param id the construct id, unique within `scope`
   * @param props the Cargo project, its build, and what the image records
   */
  constructor(scope: Construct, id: string, props: RustServiceImageProps) {
    super(scope, id);
    const architecture = props.architecture === ecs.CpuArchitecture.ARM64 ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64;
    this.port = props.port ?? DEFAULT_PORT;
    const check = props.healthCheck?.enabled === false ? undefined : props.healthCheck;
    const probe = check !== undefined && check.args === undefined;
    const bundlingRequired = Stack.of(this).bundlingRequired;

    // Errors name this construct; the notices of every artifact (no Cargo.lock, files left out) are given here.
    const prepared: PreparedBuild = Bundling.prepareFor(
      {
        ...props.bundling,
        manifestPath: props.manifestPath,
        binaryName: props.binaryName,
        architecture,
        artifact: 'service',
        zoneinfo: props.timeZones,
        files: props.files,
        healthProbe: probe,
      },
      this,
    );
    const binaryName = prepared.plan.binaryName;
    let settings: Omit<ServiceImageSpec, 'binary' | 'caBundle' | 'repoTag'>;
    try {
      settings = {
        binaryName,
        architecture: prepared.plan.architecture,
        port: this.port,
        environment: Object.entries(props.environment ?? {}),
        workingDirectory: props.workingDirectory ?? DEFAULT_WORKING_DIRECTORY,
        healthCheck: check ? imageHealthCheck(check, binaryPathInImage({ binaryName }), this.port) : undefined,
      };
    } catch (error) {
      throw CdkRustError.inConstruct(error, this.node.path);
    }
    // The image follows the binary's build and the image settings: either changing makes another image.
    const imageHash = shortHash(JSON.stringify({ build: prepared.assetHash, settings }), 64);
    const repoTag = `cdk-rust/${binaryName.toLowerCase().replace(/[^a-z0-9._-]/g, '-')}:${imageHash.slice(0, 16)}`;
    const spec: Omit<ServiceImageSpec, 'binary' | 'caBundle'> = { ...settings, repoTag };
    try {
      // With the files: where each lands is checked now, before anything is built.
      checkServiceImageSpec({ ...spec, files: prepared.files, ...(probe ? { healthProbe: true as const } : {}) });
    } catch (error) {
      throw CdkRustError.inConstruct(error, this.node.path);
    }
    this.binaryPath = binaryPathInImage(spec);
    this.healthCheckCommand = settings.healthCheck ? [...settings.healthCheck.command] : undefined;

    if (!bundlingRequired) {
      // Not deployed by this synth (another stack was selected): name what would have been built.
      this.image = ecs.ContainerImage.fromRegistry(repoTag);
      return;
    }

    const where = this.node.path;
    const staging = new AssetStaging(this, 'Build', {
      sourcePath: prepared.plan.workspaceRoot,
      assetHash: imageHash,
      assetHashType: AssetHashType.CUSTOM,
      bundling: {
        // Never run: the build happens in `local.tryBundle`, which always succeeds or throws.
        image: DockerImage.fromRegistry('cdk-rust-builds-with-buildkit'),
        // The output is one .tar file, which CDK would otherwise stage as the asset itself, not as a directory.
        outputType: BundlingOutput.NOT_ARCHIVED,
        local: {
          tryBundle: (outputDir: string) => {
            const buildDir = path.join(outputDir, '.cdk-rust-build');
            try {
              const built = Bundling.build(prepared, buildDir);
              const digests = writeImageArchive(
                {
                  ...spec,
                  binary: built.bootstrap,
                  caBundle: readCaBundle(built.caBundle!),
                  zoneinfo: built.zoneinfo,
                  files: prepared.files,
                  healthProbe: built.healthProbe,
                },
                path.join(outputDir, IMAGE_ARCHIVE),
              );
              progress(`wrote the image of ${binaryName}: ${repoTag} (${digests.configDigest.slice(0, 19)})`);
            } catch (error) {
              throw CdkRustError.inConstruct(error, where);
            } finally {
              fs.rmSync(buildDir, { recursive: true, force: true });
            }
            return true;
          },
        },
      },
    });
    this.tarballAsset = new ecrAssets.TarballImageAsset(this, 'Image', {
      tarballFile: path.join(staging.absoluteStagedPath, IMAGE_ARCHIVE),
    });
    this.image = ecs.ContainerImage.fromEcrRepository(this.tarballAsset.repository, this.tarballAsset.imageTag);
  }
}

/** The CA bundle the build exported: a regular file, read without following a link (see build-output.ts). */
function readCaBundle(file: string): Buffer {
  return readRegularFile(
    file,
    (kind) =>
      new CdkRustError(
        'INVALID_IMAGE',
        `the CA bundle ${file} is a ${kind}, which the image writer refuses: it never follows a link, which could lead to this machine's own files.`,
        "use a builder image whose /etc/ssl/certs/ca-certificates.crt is Debian's ca-certificates bundle (the default one has it).",
      ),
  );
}

/** The path the health probe requests unless `healthCheck.path` says otherwise. */
const DEFAULT_HEALTH_PATH = '/health';

/** The archive's name in the staged asset directory. */
const IMAGE_ARCHIVE = 'image.tar';

/** What ECS accepts for a container health check (its task definitions carry the same check), in seconds. */
const ECS_HEALTH_CHECK_RANGES = { interval: [5, 300], timeout: [2, 120], startPeriod: [0, 300] } as const;

/** The image config's health check: the probe requesting the path, or the binary with the user's arguments; timings in seconds. */
function imageHealthCheck(check: ServiceHealthCheck, binaryPath: string, port: number): ServiceImageHealthCheck {
  if (check.args !== undefined && check.path !== undefined) {
    throw new CdkRustError(
      'INVALID_PROP',
      'healthCheck: both args and path are given, but a health check runs either the service binary (args) or the health probe (path).',
      "keep args to run your binary, or path to let cdk-rust's probe request it.",
    );
  }
  const command =
    check.args !== undefined
      ? [binaryPath, ...check.args]
      : [HEALTH_PROBE_PATH, ...healthProbeArguments(port, check.path ?? DEFAULT_HEALTH_PATH, 'healthCheck.path')];
  const seconds = (duration: Duration | undefined, prop: keyof typeof ECS_HEALTH_CHECK_RANGES): number | undefined => {
    if (duration === undefined) return undefined;
    if (duration.isUnresolved()) {
      throw new CdkRustError(
        'INVALID_PROP',
        `healthCheck.${prop} is a token, but it is written into the image at synth time.`,
        'pass a literal duration, e.g. Duration.seconds(10).',
      );
    }
    const value = duration.toMilliseconds() / 1000;
    const [least, most] = ECS_HEALTH_CHECK_RANGES[prop];
    if (!Number.isInteger(value) || value < least || value > most) {
      throw new CdkRustError(
        'INVALID_PROP',
        `healthCheck.${prop}: ${value} s is outside what ECS accepts for a container health check.`,
        `use a whole number of seconds from ${least} to ${most}.`,
      );
    }
    return value;
  };
  if (check.retries !== undefined && (!Number.isInteger(check.retries) || check.retries < 1 || check.retries > 10)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `healthCheck.retries: ${check.retries} is outside what ECS accepts for a container health check.`,
      'use a whole number from 1 to 10.',
    );
  }
  return {
    command,
    interval: seconds(check.interval, 'interval'),
    timeout: seconds(check.timeout, 'timeout'),
    startPeriod: seconds(check.startPeriod, 'startPeriod'),
    retries: check.retries,
  };
}
