/**
 * RustServiceImage: a Cargo project as a container image for ECS, built from the same static binary as a Lambda
 * function, with no Dockerfile and no base image.
 *
 * The binary is built by the same Docker BuildKit build as RustFunction's (the plan asks it to export the builder
 * image's CA bundle too), then written into a docker-archive tarball by cdk-rust itself (image-archive.ts):
 * deterministic, so its bytes follow the source hash. CDK publishes it as a TarballImageAsset (`cdk deploy` runs
 * `docker load`, then pushes to the bootstrap ECR repository).
 */
import { Stack } from 'aws-cdk-lib';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import { ArtifactFile } from '../bundling/artifact-file';
import { RustBundlingOptions } from '../bundling/rust-bundling-options';
import { binaryPathInImage } from './image-spec';
import { ServiceHealthCheck } from './service-health-check';
import { planImage, prepareImageBuild, writeImage } from './service-image-build';
import { recordServiceImage } from './service-image-record';
import { SynthTimeImage } from './synth-time-image';

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

  /**
   * The published tarball, once the app is synthesized (the image is built with the app's other builds, see
   * RustFunction); undefined before, and in a stack that is not being synthesized.
   */
  public get tarballAsset(): ecrAssets.TarballImageAsset | undefined {
    return this.synthTimeImage?.asset;
  }

  private readonly synthTimeImage?: SynthTimeImage;

  /**
   * @param scope the construct to create the image in
   * @param id the construct id, unique within `scope`
   * @param props the Cargo project, its build, and what the image records
   */
  constructor(scope: Construct, id: string, props: RustServiceImageProps) {
    super(scope, id);
    this.port = props.port ?? DEFAULT_PORT;
    const check = props.healthCheck?.enabled === false ? undefined : props.healthCheck;
    const prepared = prepareImageBuild(this, props, check !== undefined && check.args === undefined);
    const { planned, imageHash, settings } = planImage(this, prepared, { ...props, port: this.port }, check);
    this.binaryPath = binaryPathInImage(planned);
    this.healthCheckCommand = planned.healthCheck ? [...planned.healthCheck.command] : undefined;
    // For `cdk-rust run --watch`: how to build this image again (in the assembly's metadata, never in the template).
    const { manifestPath, binaryName, bundling } = props;
    const build = { manifestPath, binaryName, bundling, architecture: { name: prepared.plan.architecture }, plan: prepared.plan };
    recordServiceImage(this, { ...build, assetHash: prepared.assetHash }, settings, imageHash, () => this.tarballAsset?.imageTag);
    if (!Stack.of(this).bundlingRequired) {
      // Not deployed by this synth (another stack was selected): name what would have been built.
      this.image = ecs.ContainerImage.fromRegistry(planned.repoTag);
      return;
    }
    this.synthTimeImage = new SynthTimeImage(this, prepared, imageHash, writeImage(planned, prepared));
    this.image = this.synthTimeImage;
  }
}
