/**
 * The image builds of `cdk-rust run --watch`, each in a process of its own (`cdk-rust __watch-image-build`), as
 * function builds are (lib/watch/build-runner.ts, whose `startBuild` starts it): the build is synchronous, and run in
 * the watching process it would stop the relay to the serving container until the compile ends. The child reads an
 * {@link ImageBuildJob} on stdin, prepares the image from its record, builds it with the same code synth uses (the
 * synth-time build with the image's layout, which writes the image tarball), streams the compiler's output to
 * stderr, and prints an {@link ImageBuildOutcome} as the last line of its stdout.
 */
import * as path from 'path';
import { buildInto } from '../bundling/synth-build';
import { serveBuildChild } from '../watch/build-runner';
import { prepareRecordedImage } from './recorded-image-build';
import { writeImage } from './service-image-build';
import { ServiceImageRecord } from './service-image-record';
import { IMAGE_ARCHIVE } from './synth-time-image';

/** One image build: the image's record, the Cargo profile to build, and the directory to write the tarball into. */
export interface ImageBuildJob {
  readonly record: ServiceImageRecord;
  /** The profile to build instead of the recorded one (the loop's `dev`); the recorded one when absent. */
  readonly profile?: string;
  readonly outputDir: string;
}

/** What an image build child reports: the image's hash, name and tarball, or why it failed. */
export type ImageBuildOutcome =
  | { readonly ok: true; readonly imageHash: string; readonly repoTag: string; readonly tarball: string }
  | { readonly ok: false; readonly message: string };

/** Builds the image of `job` into its output directory (nothing is left there on failure); throws on failure. */
export function buildImage(job: ImageBuildJob): ImageBuildOutcome {
  const { prepared, planned, imageHash } = prepareRecordedImage(job.record, job.profile);
  buildInto(prepared, job.outputDir, writeImage(planned, prepared));
  return { ok: true, imageHash, repoTag: planned.repoTag, tarball: path.join(job.outputDir, IMAGE_ARCHIVE) };
}

/** The child's side: reads a job from stdin, builds it, prints the outcome on stdout. Returns the exit code. */
export function runImageBuildChild(): Promise<number> {
  return serveBuildChild(buildImage);
}
