/**
 * A RustServiceImage's image, prepared again from its record (service-image-record.ts) with the steps synth uses
 * (service-image-build.ts): the same props for `Bundling.prepare`, the same settings, so the same sources give the
 * same image hash as synth, and another Cargo profile (the edit loop's `dev`) gives another.
 */
import { Bundling, PreparedBuild } from '../bundling/bundling';
import { bundlingPropsOf } from '../watch/build-runner';
import { PlannedImage, imageBundlingProps, planImageOf } from './service-image-build';
import { ServiceImageRecord } from './service-image-record';

/** An image prepared from its record: its build, its plan and its hash; nothing is built. */
export interface PreparedImage {
  readonly prepared: PreparedBuild;
  readonly planned: PlannedImage;
  readonly imageHash: string;
}

/**
 * Prepares the image of `record` with the Cargo profile `profile` (the recorded one when undefined). The build
 * environment's values come from this process's environment, checked against the recorded digests.
 */
export function prepareRecordedImage(record: ServiceImageRecord, profile?: string): PreparedImage {
  const prepared = Bundling.prepare(imageBundlingProps(bundlingPropsOf(record.build, profile), record.image));
  return { prepared, ...planImageOf(prepared, record.image) };
}
