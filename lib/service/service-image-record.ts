/**
 * The service image record: what `cdk-rust run --watch` needs to build a RustServiceImage's image again through the
 * same hash and build as synth. RustServiceImage records it as construct metadata (type `cdk-rust:service-image`),
 * which lands in the cloud assembly's manifest, never in the template.
 *
 * It holds the binary's build as RustFunction records it (build-record.ts: no SSH agent socket, no value of
 * `bundling.buildEnvironment`, only a digest of each, and `bundling.buildSecrets` as the sources they are, never a
 * value), the image's settings (port, environment, working directory, health check, time zones, probe), the image
 * hash synth computed (so the loop can tell the synthesized image is still the sources' image), and the tag the
 * template gives the image, the tarball asset's hash, which is how a task definition's container is matched to it.
 */
import { Lazy } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { CdkRustError } from '../errors';
import { listAssemblyStacks } from '../invoke/assembly';
import { BuildRecord, RecordedBuild, buildRecordOf, metadataOf, parseBuildRecord } from '../watch/build-record';
import { AssemblyService } from './assembly-service';
import { ImageSettings } from './service-image-build';

/** The metadata type of a service image record in the cloud assembly's manifest. */
export const SERVICE_IMAGE_RECORD_TYPE = 'cdk-rust:service-image';

/** How a RustServiceImage's image was built: enough to build it again. */
export interface ServiceImageRecord {
  /** The binary's build, recorded as RustFunction records its own. */
  readonly build: BuildRecord;
  /** The image's settings. */
  readonly image: ImageSettings;
  /** The image hash synth computed from the build's hash and the settings (its name's tag starts with it). */
  readonly imageHash: string;
  /** The tag the template gives the image (the tarball asset's hash); absent in a stack that synth did not build. */
  readonly imageTag?: string;
}

/**
 * Records how `construct`'s image is built, as `cdk-rust:service-image` metadata on it. `imageTag` is asked when the
 * stack is synthesized (the tarball asset, and so its hash, only exists once the app's builds have run).
 */
export function recordServiceImage(
  construct: IConstruct,
  build: RecordedBuild,
  image: ImageSettings,
  imageHash: string,
  imageTag: () => string | undefined,
): void {
  construct.node.addMetadata(SERVICE_IMAGE_RECORD_TYPE, {
    build: buildRecordOf(build),
    image: JSON.parse(JSON.stringify(image)),
    imageHash,
    imageTag: Lazy.uncachedString({ produce: imageTag }),
  });
}

/** A record found in an assembly, with where it is. */
export interface FoundServiceImageRecord {
  readonly stackArtifactId: string;
  /** The construct path of the RustServiceImage, e.g. `MyStack/Service/Image`. */
  readonly constructPath: string;
  readonly record: ServiceImageRecord;
}

/** Every service image record of the cloud assembly in `assemblyDir`. */
export function listServiceImageRecords(assemblyDir: string): FoundServiceImageRecord[] {
  return listAssemblyStacks(assemblyDir).flatMap((stack) =>
    Object.entries(metadataOf(stack.root, stack.dir, stack.artifactId)).flatMap(([constructPath, entries]) =>
      (Array.isArray(entries) ? entries : [])
        .filter((entry) => entry?.type === SERVICE_IMAGE_RECORD_TYPE)
        .map((entry) => parseServiceImageRecord(entry.data))
        .filter((record): record is ServiceImageRecord => record !== undefined)
        .map((record) => ({ stackArtifactId: stack.artifactId, constructPath: constructPath.replace(/^\//, ''), record })),
    ),
  );
}

/**
 * The record of the image `service` runs: the one whose tag is its container's image tag. Fails with
 * `SERVICE_NOT_FOUND` when there is none (an image that is not a RustServiceImage, or an assembly synthesized by an
 * older cdk-rust).
 */
export function readServiceImageRecord(assemblyDir: string, service: Pick<AssemblyService, 'name' | 'imageTag'>): ServiceImageRecord {
  const found = listServiceImageRecords(assemblyDir).find((r) => r.record.imageTag === service.imageTag);
  if (!found) {
    throw new CdkRustError(
      'SERVICE_NOT_FOUND',
      `${service.name} runs an image with no cdk-rust build record in ${assemblyDir}: it is not a RustServiceImage, ` +
        'or the assembly was synthesized by a cdk-rust without run --watch.',
      'run a RustService (or a task running a RustServiceImage) with --watch, and synthesize the app again (`cdk synth`) with this cdk-rust; ' +
        'without --watch, cdk-rust run runs any service.',
    );
  }
  return found.record;
}

/** A service image record as the assembly holds it (JSON), checked; undefined when `data` is not one. */
function parseServiceImageRecord(data: any): ServiceImageRecord | undefined {
  const build = parseBuildRecord(data?.build);
  const image = data?.image;
  if (!build || typeof data.imageHash !== 'string' || typeof image?.port !== 'number' || !Array.isArray(image.environment)) {
    return undefined;
  }
  return {
    build,
    image: {
      port: image.port,
      environment: image.environment,
      workingDirectory: String(image.workingDirectory),
      ...(image.healthCheck ? { healthCheck: image.healthCheck } : {}),
      timeZones: image.timeZones === true,
      healthProbe: image.healthProbe === true,
    },
    imageHash: data.imageHash,
    ...(typeof data.imageTag === 'string' ? { imageTag: data.imageTag } : {}),
  };
}
