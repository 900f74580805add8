/**
 * What an app's cloud assembly holds, as the scenarios check it: the newest asset with a bootstrap (a function's
 * zip folder) or an image archive (RustServiceImage's docker-archive), and whether an edit's tag made it in.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BenchError } from './support';

/** The `asset.*` directories of a cloud assembly that hold `file`. */
function assetsHolding(outdir: string, file: string): string[] {
  return fs
    .readdirSync(outdir)
    .filter((f) => f.startsWith('asset.') && fs.existsSync(path.join(outdir, f, file)))
    .map((f) => path.join(outdir, f));
}

/** `paths`, the most recently modified first. */
function newestFirst(paths: string[]): string[] {
  return paths.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
}

/** The newest `asset.*` directory of a cloud assembly that holds a bootstrap. */
export function newestAsset(outdir: string): string {
  const assets = newestFirst(assetsHolding(outdir, 'bootstrap'));
  if (assets.length === 0) throw new BenchError(`no asset with a bootstrap in ${outdir}`);
  return assets[0];
}

/** The bootstrap of the newest asset of the app contains `tag` (the edit scenarios' check). */
export function assetHas(outdir: string, tag: string): boolean {
  return fs.readFileSync(path.join(newestAsset(outdir), 'bootstrap')).includes(Buffer.from(tag));
}

/** Some asset of the app has a bootstrap containing `tag` (for apps of several functions, where one was edited). */
export function anyAssetHas(outdir: string, tag: string): boolean {
  return assetsHolding(outdir, 'bootstrap').some((dir) => fs.readFileSync(path.join(dir, 'bootstrap')).includes(Buffer.from(tag)));
}

/** The newest docker-archive RustServiceImage staged in a cloud assembly (`asset.<hash>/image.tar`). */
export function newestImageArchive(outdir: string): string {
  const archives = newestFirst(assetsHolding(outdir, 'image.tar').map((dir) => path.join(dir, 'image.tar')));
  if (archives.length === 0) throw new BenchError(`no asset with an image.tar in ${outdir}`);
  return archives[0];
}

/** The newest image archive of the app contains `tag` (the one-line change's check; the layer is not compressed). */
export function archiveHas(outdir: string, tag: string): boolean {
  return fs.readFileSync(newestImageArchive(outdir)).includes(Buffer.from(tag));
}
