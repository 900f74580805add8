/**
 * Output layouts: what a construct makes of a finished build, the one part of a synth-time build each construct
 * owns. A function's zip (`bootstrap` and its files, here), an extension's layer (lib/extension/extension-layer.ts)
 * and a service's image (lib/service/rust-service-image.ts) are built the same way (synth-build.ts) and differ
 * only in their layout.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ArtifactEntry, ArtifactKind, writeArtifactFiles } from './artifact-files';
import { TakenExport } from './build-export';
import { BuildPlan } from './plan';

/** What a layout tells the build before it is prepared: plain data. */
export interface OutputLayout {
  /** What `files` go into, which decides where they may go (artifact-files.ts). */
  readonly filesGoInto: ArtifactKind;
  /**
   * What decides the output's bytes besides the build (an extension's file name, which follows the bin's name by
   * default): part of the asset hash.
   * @default - nothing
   */
  readonly hashed?: (plan: BuildPlan) => Readonly<Record<string, string>>;
}

/**
 * Writes a finished build into the (empty) asset directory `outputDir`. `built` is where the build's files are,
 * in a directory removed afterwards: a layout moves or copies what it keeps. Throws on failure.
 */
export type WriteOutput = (built: TakenExport, outputDir: string) => void;

/** A function's zip: `bootstrap` at the root, `files` beside it. */
export const LAMBDA_ZIP: OutputLayout = { filesGoInto: 'lambda' };

/** Writes a function's zip: `bootstrap` (0755) at the root of `outputDir`, and the `files` entries beside it. */
export function writeLambdaZip(files: readonly ArtifactEntry[]): WriteOutput {
  return (built, outputDir) => {
    fs.renameSync(built.bootstrap, path.join(outputDir, 'bootstrap'));
    writeArtifactFiles(files, outputDir);
  };
}
