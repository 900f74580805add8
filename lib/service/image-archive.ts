/**
 * A service image as a `docker save` archive (docker-archive), written without Docker, a Dockerfile or a base
 * image: `manifest.json`, the image config and the one uncompressed layer, each a tar entry with fixed owners and
 * dates, so that the same spec gives the same bytes on any machine (as ko and jib do). `docker load -i` loads it,
 * and so does `TarballImageAsset` (which runs `docker load`).
 */
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { canonicalJson, imageConfig } from './image-config';
import { comparePaths, imageLayout, LayerEntry, ServiceImageSpec } from './image-spec';
import { tarBytes, TarEntry } from './tar';

/** A written image, by its digests. */
export interface ImageArchiveDigests {
  /** The digest of the image config, `sha256:<hex>`: the image ID Docker reports once the archive is loaded. */
  readonly configDigest: string;
  /** The digest of the uncompressed layer tar, `sha256:<hex>`: the config's one `rootfs.diff_ids` entry. */
  readonly layerDiffId: string;
  /** The SHA-256 of the whole archive, hex: what an asset hash of the file is made from. */
  readonly archiveSha256: string;
}

/** The archive in memory, and its digests. */
export interface ImageArchive extends ImageArchiveDigests {
  readonly bytes: Buffer;
}

/** The docker-archive of `spec`: `manifest.json`, `<config hex>.json` and `<layer hex>/layer.tar` (and its
 * directory), sorted by name. */
export function imageArchiveBytes(spec: ServiceImageSpec): ImageArchive {
  const layer = tarBytes(imageLayout(spec).map(toTarEntry));
  const layerHex = sha256(layer);
  const layerDiffId = `sha256:${layerHex}`;
  const config = Buffer.from(canonicalJson(imageConfig(spec, layerDiffId)));
  const configHex = sha256(config);
  const manifest = Buffer.from(
    canonicalJson([{ Config: `${configHex}.json`, RepoTags: [spec.repoTag], Layers: [`${layerHex}/layer.tar`] }]),
  );
  const file = (name: string, content: Buffer): TarEntry => ({ type: 'file', name, mode: 0o644, uid: 0, gid: 0, content });
  const entries: TarEntry[] = [
    file('manifest.json', manifest),
    file(`${configHex}.json`, config),
    { type: 'directory', name: layerHex, mode: 0o755, uid: 0, gid: 0 },
    file(`${layerHex}/layer.tar`, layer),
  ];
  const bytes = tarBytes(entries.sort((a, b) => comparePaths(a.name, b.name)));
  return { bytes, configDigest: `sha256:${configHex}`, layerDiffId, archiveSha256: sha256(bytes) };
}

/**
 * Writes the docker-archive of `spec` to `outFile`, through a temporary file beside it renamed into place: an
 * interrupted write leaves no half-written archive at `outFile`.
 */
export function writeImageArchive(spec: ServiceImageSpec, outFile: string): ImageArchiveDigests {
  const { bytes, ...digests } = imageArchiveBytes(spec);
  const temporary = path.join(path.dirname(outFile), `.${path.basename(outFile)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(temporary, bytes, { flag: 'wx' });
    fs.renameSync(temporary, outFile);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  return digests;
}

/** A layer entry as a tar entry: the same, named relative to the root (`app/api`). */
function toTarEntry(entry: LayerEntry): TarEntry {
  const { path: entryPath, ...rest } = entry;
  return { ...rest, name: entryPath.replace(/^\/+/, '') } as TarEntry;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
