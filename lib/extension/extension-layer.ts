/**
 * An extension's output layout: a layer that Lambda unpacks in `/opt`, with the binary at `extensions/<name>`
 * (Lambda starts every executable in `/opt/extensions` as an extension) and `files` beside `extensions/`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ArtifactEntry, writeArtifactFiles } from '../bundling/artifact-files';
import { OutputLayout, WriteOutput } from '../bundling/output-layout';

/** The layer's layout: the name (the bin's unless given) is part of the asset hash, as it is of the layer's bytes. */
export function extensionLayer(extensionName: string | undefined): OutputLayout {
  return {
    filesGoInto: 'extension',
    hashed: (plan) => ({ extensionName: extensionName ?? plan.binaryName }),
  };
}

/** Writes the layer: the binary (0755) at `extensions/<extensionName>` of `outputDir`, the `files` entries beside it. */
export function writeExtensionLayer(extensionName: string, files: readonly ArtifactEntry[]): WriteOutput {
  return (built, outputDir) => {
    const extension = path.join(outputDir, 'extensions', extensionName);
    fs.mkdirSync(path.dirname(extension), { recursive: true });
    fs.renameSync(built.bootstrap, extension);
    writeArtifactFiles(files, outputDir);
  };
}
