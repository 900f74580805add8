/**
 * The steps of a RustServiceImage: its build prepared (a container image's build, see plan.ts), the image's
 * settings and name checked before anything is built, and its output layout, the image writer (image-archive.ts)
 * run by the synth-time build every construct uses (lib/bundling/synth-build.ts).
 */
import * as path from 'path';
import { IMAGE_ARCHIVE } from './synth-time-image';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { Bundling, BundlingProps, PreparedBuild } from '../bundling/bundling';
import { OutputLayout, WriteOutput } from '../bundling/output-layout';
import { CdkRustError } from '../errors';
import { fromCpuArchitecture, toLambdaArchitecture } from '../private/architecture';
import { readRegularFile } from '../private/no-follow';
import { progress } from '../private/progress';
import { shortHash } from '../private/short-hash';
import { writeImageArchive } from './image-archive';
import {
  binaryPathInImage,
  checkServiceImageSpec,
  DEFAULT_WORKING_DIRECTORY,
  ServiceImageHealthCheck,
  ServiceImageSpec,
} from './image-spec';
import type { RustServiceImageProps } from './rust-service-image';
import { ServiceHealthCheck, imageHealthCheck } from './service-health-check';

/** A service image's layout: `files` may go anywhere in the image (a relative destination is under the working directory). */
const CONTAINER_IMAGE: OutputLayout = { filesGoInto: 'service' };

/** What the image records, and its name: everything but the files the build makes. */
export type PlannedImage = Omit<ServiceImageSpec, 'binary' | 'caBundle'>;

/**
 * What a RustServiceImage's image holds besides its build, from its props (checked when the image is planned): the
 * settings its image config records, and what its build exports for it. A RustServiceImage records them for
 * `cdk-rust run --watch` (service-image-record.ts), which builds the same image again from them.
 */
export interface ImageSettings {
  /** The exposed port. */
  readonly port: number;
  /** The image config's variables, in order. */
  readonly environment: ReadonlyArray<readonly [string, string]>;
  /** The directory the service starts in. */
  readonly workingDirectory: string;
  /** The image config's health check (its command, timings in seconds); absent without one. */
  readonly healthCheck?: ServiceImageHealthCheck;
  /** Whether the image holds time-zone data. */
  readonly timeZones: boolean;
  /** Whether the image holds cdk-rust's health probe. */
  readonly healthProbe: boolean;
}

/**
 * What an image's plan is made from: a service's settings, or a function image's (no exposed port, no health check,
 * the binary at `binaryPath` instead of `/app/<binaryName>`).
 */
export type ImagePlanSettings = Pick<ImageSettings, 'environment' | 'workingDirectory' | 'healthCheck'> & {
  readonly port?: number;
  readonly binaryPath?: string;
};

/**
 * The props `Bundling.prepare` takes for an image: `build` (the project, its bin, architecture, bundling options and
 * files) with what the image needs from the build (CA bundle, time zones, health probe) and the image's layout (a
 * service's by default, where `files` may go anywhere; a function image keeps the zip's, under its task root).
 */
export function imageBundlingProps(
  build: BundlingProps,
  image: Pick<ImageSettings, 'timeZones' | 'healthProbe'>,
  layout: OutputLayout = CONTAINER_IMAGE,
): BundlingProps {
  return { ...build, containerImage: { zoneinfo: image.timeZones, healthProbe: image.healthProbe }, layout };
}

/**
 * The image's build, prepared: errors name the construct, and the notices of every artifact (no Cargo.lock, files
 * left out) are given. `probe`: build cdk-rust's health probe too.
 */
export function prepareImageBuild(scope: Construct, props: RustServiceImageProps, probe: boolean): PreparedBuild {
  let architecture: lambda.Architecture;
  try {
    architecture = toLambdaArchitecture(fromCpuArchitecture(props.architecture));
  } catch (error) {
    throw CdkRustError.inConstruct(error, scope.node.path);
  }
  const build = { ...props.bundling, manifestPath: props.manifestPath, binaryName: props.binaryName, architecture, files: props.files };
  return Bundling.prepareFor(imageBundlingProps(build, { timeZones: props.timeZones ?? false, healthProbe: probe }), scope);
}

/**
 * The image's settings from the construct's props (the health check computed for the prepared build's bin), and its
 * plan ({@link planImageOf}); errors name the construct.
 */
export function planImage(
  scope: Construct,
  prepared: PreparedBuild,
  props: RustServiceImageProps & { readonly port: number },
  check: ServiceHealthCheck | undefined,
): { planned: PlannedImage; imageHash: string; settings: ImageSettings } {
  try {
    const binaryName = prepared.plan.binaryName;
    const settings: ImageSettings = {
      port: props.port,
      environment: Object.entries(props.environment ?? {}),
      workingDirectory: props.workingDirectory ?? DEFAULT_WORKING_DIRECTORY,
      healthCheck: check ? imageHealthCheck(check, binaryPathInImage({ binaryName }), props.port) : undefined,
      timeZones: props.timeZones ?? false,
      healthProbe: prepared.plan.healthProbe === true,
    };
    return { ...planImageOf(prepared, settings), settings };
  } catch (error) {
    throw CdkRustError.inConstruct(error, scope.node.path);
  }
}

/**
 * The image's settings and name, checked (with where each file lands) before anything is built, and the image's
 * hash, which its tag starts with: it follows the binary's build and the settings, either changing makes another image.
 */
export function planImageOf(prepared: PreparedBuild, image: ImagePlanSettings): { planned: PlannedImage; imageHash: string } {
  const binaryName = prepared.plan.binaryName;
  // Unset fields (a service's binaryPath, a function image's port) leave the JSON, and so the hash, as it was.
  const settings = {
    binaryName,
    architecture: prepared.plan.architecture,
    port: image.port,
    environment: image.environment,
    workingDirectory: image.workingDirectory,
    healthCheck: image.healthCheck,
    binaryPath: image.binaryPath,
  };
  const imageHash = shortHash(JSON.stringify({ build: prepared.assetHash, settings }), 64);
  const repoTag = `cdk-rust/${binaryName.toLowerCase().replace(/[^a-z0-9._-]/g, '-')}:${imageHash.slice(0, 16)}`;
  const planned: PlannedImage = { ...settings, repoTag };
  const probe = prepared.plan.healthProbe ? { healthProbe: true as const } : {};
  checkServiceImageSpec({ ...planned, files: prepared.files, ...probe });
  return { planned, imageHash };
}

/** The image's layout: a docker-archive tarball, `image.tar`, written from the build's files by cdk-rust itself. */
export function writeImage(planned: PlannedImage, prepared: PreparedBuild): WriteOutput {
  return (built, outputDir) => {
    const digests = writeImageArchive(
      {
        ...planned,
        binary: built.bootstrap,
        caBundle: readCaBundle(built.caBundle!),
        zoneinfo: built.zoneinfo,
        files: prepared.files,
        healthProbe: built.healthProbe,
      },
      path.join(outputDir, IMAGE_ARCHIVE),
    );
    progress(`wrote the image of ${planned.binaryName}: ${planned.repoTag} (${digests.configDigest.slice(0, 19)})`);
  };
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
