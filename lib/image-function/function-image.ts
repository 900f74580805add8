/**
 * A function's container image (`packaging: FunctionPackaging.IMAGE`): the same build and image writer as a service
 * image (lib/service/), with Lambda's layout. The binary is the entrypoint at `/var/task/bootstrap` (Lambda gives the
 * container `AWS_LAMBDA_RUNTIME_API`, and the binary speaks the Runtime API itself, so no runtime interface client is
 * needed), the working directory is `/var/task`, and `files` land under it as they land beside `bootstrap` in the
 * zip. No exposed port and no health check: Lambda runs the container, not a load balancer.
 */
import { Construct } from 'constructs';
import { BundlingProps, PreparedBuild, prepareBuildFor } from '../bundling/prepared-build';
import { LAMBDA_ZIP } from '../bundling/output-layout';
import { WriteOutput } from '../bundling/output-layout';
import { CdkRustError } from '../errors';
import { ImagePlanSettings, PlannedImage, imageBundlingProps, planImageOf, writeImage } from '../service/service-image-build';

/** Where Lambda looks for a function's code, in a zip's unpacked form and in an image: `LAMBDA_TASK_ROOT`. */
export const LAMBDA_TASK_ROOT = '/var/task';

/** The binary's path in a function image: where the zip's `bootstrap` is unpacked. */
export const FUNCTION_IMAGE_BOOTSTRAP = `${LAMBDA_TASK_ROOT}/bootstrap`;

/**
 * The variables a function image records, as Lambda's own base images set them (after SSL_CERT_FILE, which every
 * cdk-rust image sets). Lambda adds its reserved variables (`AWS_LAMBDA_RUNTIME_API`, `AWS_REGION`, ...) and the
 * function's own when it starts the container.
 */
export const FUNCTION_IMAGE_ENVIRONMENT: ReadonlyArray<readonly [string, string]> = [
  ['PATH', '/usr/local/bin:/usr/bin/:/bin:/opt/bin'],
  ['LAMBDA_TASK_ROOT', LAMBDA_TASK_ROOT],
  ['LAMBDA_RUNTIME_DIR', '/var/runtime'],
];

/** What a function image records besides its build: the same for every function. */
export const FUNCTION_IMAGE_SETTINGS: ImagePlanSettings = {
  environment: FUNCTION_IMAGE_ENVIRONMENT,
  workingDirectory: LAMBDA_TASK_ROOT,
  binaryPath: FUNCTION_IMAGE_BOOTSTRAP,
};

/** A function image, prepared and planned: its build, what it records, its hash, and its writer; nothing is built. */
export interface PreparedFunctionImage {
  readonly prepared: PreparedBuild;
  readonly planned: PlannedImage;
  /** The image's hash: the build's and the settings' (the staged asset's custom hash; the tag starts with it). */
  readonly imageHash: string;
  /** Writes `image.tar` from the build's files (the service's image writer). */
  readonly write: WriteOutput;
}

/**
 * Prepares the image of a function whose build is `build` (project, bin, architecture, bundling options, files):
 * the build also exports the builder image's CA bundle, and `files` keep the zip's rules (relative, not `bootstrap`).
 * Errors name `<scope path>/<id>`.
 */
export function prepareFunctionImage(build: BundlingProps, scope?: Construct, id?: string): PreparedFunctionImage {
  const prepared = prepareBuildFor(imageBundlingProps(build, { timeZones: false, healthProbe: false }, LAMBDA_ZIP), scope, id);
  return { prepared, ...planFunctionImage(prepared, scope ? [scope.node.path, id].filter((p) => p).join('/') : undefined) };
}

/** The plan of a function image from its prepared build (what `prepareFunctionImage` adds to it). */
export function planFunctionImage(prepared: PreparedBuild, where?: string): Omit<PreparedFunctionImage, 'prepared'> {
  try {
    const { planned, imageHash } = planImageOf(prepared, FUNCTION_IMAGE_SETTINGS);
    return { planned, imageHash, write: writeImage(planned, prepared) };
  } catch (error) {
    throw where ? CdkRustError.inConstruct(error, where) : error;
  }
}
