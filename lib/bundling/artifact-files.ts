/**
 * `files`: project files and directories that ship with the binary. Checked when the plan is made (where each
 * comes from, where it goes), listed when the build is prepared (every file under a directory, for the asset
 * hash), and written into a function's or extension's asset here; a service image writes them into its layer
 * (lib/service/image-spec.ts). Nothing here follows a link: a link is refused wherever it is.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { entryKindAt, readRegularFile } from '../private/no-follow';
import { ArtifactFile } from './artifact-file';
import { SECRET_DIRS, looksSecret } from './secret-files';

/** What the files go into: a function's zip, an extension's layer, or a service's image. */
export type ArtifactKind = 'lambda' | 'extension' | 'service';

/** One entry of `files` once checked: plain data, part of the build plan. */
export interface PlannedFile {
  /** The prop as the user wrote it, as `files[0]`. */
  readonly prop: string;
  /** Absolute path of the file or directory on this machine. */
  readonly source: string;
  /** Where it goes, POSIX, normalized: relative to the artifact's root (or absolute, in a service image). */
  readonly destination: string;
}

/** One file or directory to write, with everything that decides its bytes in the artifact. */
export interface ArtifactEntry {
  readonly type: 'file' | 'directory';
  /** POSIX path in the artifact: relative to its root, or absolute (service images). */
  readonly destination: string;
  /** Absolute path on this machine. */
  readonly absolute: string;
  /** Written 0755 when true (the owner's executable bit on this machine), else 0644; directories are 0755. */
  readonly executable: boolean;
}

/** The entries of the planned files, and the files under their directories left out as credentials. */
export interface ListedFiles {
  /** Sorted by destination, each directory before what it holds. */
  readonly entries: ArtifactEntry[];
  /** Absolute paths left out because they look like credentials or a private key. */
  readonly excluded: string[];
}

/** Every written file and directory gets this modification time: the oldest a zip entry can record. */
export const ARTIFACT_FILE_TIME = new Date('1980-01-01T00:00:00Z');

/** Version-control metadata, never shipped. */
const VCS_DIRS = new Set(['.git', '.hg', '.svn']);

/** Checks `files` against the project: sources relative to `packageDir`, inside `workspaceRoot`. */
export function planArtifactFiles(
  files: readonly ArtifactFile[],
  packageDir: string,
  workspaceRoot: string,
  kind: ArtifactKind,
): PlannedFile[] {
  const root = fs.realpathSync(workspaceRoot);
  const planned = files.map((file, index) => planOne(file, `files[${index}]`, packageDir, root, kind));
  for (const a of planned) {
    const clash = planned.find((b) => b !== a && (b.destination === a.destination || b.destination.startsWith(`${a.destination}/`)));
    if (clash) {
      throw new CdkRustError(
        'INVALID_PROP',
        `${clash.prop}.destination: "${clash.destination}" is also where ${a.prop} goes ("${a.destination}").`,
        `give each of ${a.prop} and ${clash.prop} a destination of its own.`,
      );
    }
  }
  return planned;
}

function planOne(file: ArtifactFile, prop: string, packageDir: string, root: string, kind: ArtifactKind): PlannedFile {
  if (typeof file.source !== 'string' || file.source === '' || /[\r\n\0]/.test(file.source)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `${prop}.source: ${JSON.stringify(file.source)} is not a path.`,
      'give a file or directory of the project, as "configuration".',
    );
  }
  const source = path.resolve(packageDir, file.source);
  const kindHere = entryKindAt(source);
  if (kindHere !== 'file' && kindHere !== 'directory') {
    throw new CdkRustError(
      'INVALID_PROP',
      `${prop}.source: ${kindHere === undefined ? 'there is no file or directory' : `there is a ${kindHere}, not a file or directory,`} at ${source}.`,
      kindHere === 'symbolic link'
        ? 'name the file or directory the link leads to (inside the workspace): cdk-rust never follows a link into an artifact.'
        : `give a path relative to ${packageDir} (the directory of manifestPath), or an absolute one.`,
    );
  }
  const real = fs.realpathSync(source);
  if (real !== root && !real.startsWith(root + path.sep)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `${prop}.source: ${source} is outside the Cargo workspace ${root}.`,
      'ship files of the project only: move the file into the workspace (its root Cargo.toml directory) and name it there.',
    );
  }
  if (kindHere === 'file' && looksSecret(source)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `${prop}.source: ${source} looks like credentials or a private key, which cdk-rust never puts in an artifact ` +
        '(anyone who can read the function or pull the image could read it).',
      'give it at run time instead: a secret of the service (`secrets`) or of the function (AWS Secrets Manager or SSM), not a file.',
    );
  }
  const relative = path.relative(packageDir, source);
  const fallback = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? toPosix(relative) : path.basename(source);
  return { prop, source, destination: checkDestination(file.destination ?? fallback, `${prop}.destination`, kind) };
}

/** The destination, normalized; throws unless it stays inside the artifact and clear of what cdk-rust writes. */
function checkDestination(destination: string, prop: string, kind: ArtifactKind): string {
  const absolute = destination.startsWith('/');
  const segments = destination.split('/').filter((s) => s !== '' && s !== '.');
  const fail = (why: string, fix: string): never => {
    throw new CdkRustError('INVALID_PROP', `${prop}: "${destination}" ${why}.`, fix);
  };
  if (/[\r\n\0\\]/.test(destination))
    fail('holds a line break, NUL or backslash', 'use a POSIX path with "/" between its parts, as "configuration/base.yaml".');
  if (segments.includes('..')) fail('leaves the directory it is relative to ("..")', 'name a path inside it, as "configuration".');
  if (segments.length === 0) fail('names no file', 'name a path below the root, as "configuration".');
  if (absolute && kind !== 'service') {
    fail(
      'is absolute, but a function or layer is unpacked where Lambda chooses',
      'give a path relative to the zip root (beside bootstrap), as "configuration".',
    );
  }
  const normalized = `${absolute ? '/' : ''}${segments.join('/')}`;
  const reserved = kind === 'lambda' ? 'bootstrap' : kind === 'extension' ? 'extensions' : undefined;
  if (reserved !== undefined && segments[0] === reserved) {
    fail(
      kind === 'lambda'
        ? 'would replace bootstrap, the function itself'
        : 'is under extensions/, where Lambda starts every file as an extension',
      kind === 'lambda'
        ? 'give the file another name, or put it in a directory, as "config/bootstrap.toml".'
        : 'put it beside extensions/, as "my-extension/config.toml".',
    );
  }
  return normalized;
}

/** Every file and directory the planned files hold, without following a link; credentials under a directory are left out. */
export function listArtifactFiles(planned: readonly PlannedFile[]): ListedFiles {
  const entries: ArtifactEntry[] = [];
  const excluded: string[] = [];
  const visit = (absolute: string, destination: string, prop: string) => {
    const kind = entryKindAt(absolute);
    if (kind === 'directory') {
      entries.push({ type: 'directory', destination, absolute, executable: true });
      for (const name of fs.readdirSync(absolute).sort()) {
        if (VCS_DIRS.has(name)) continue;
        const child = path.join(absolute, name);
        if (SECRET_DIRS.has(name) || (entryKindAt(child) === 'file' && looksSecret(child))) excluded.push(child);
        else visit(child, `${destination}/${name}`, prop);
      }
    } else if (kind === 'file') {
      const mode = fs.lstatSync(absolute).mode;
      entries.push({ type: 'file', destination, absolute, executable: (mode & 0o100) !== 0 });
    } else {
      throw new CdkRustError(
        'INVALID_PROP',
        `${prop}.source: ${absolute} is a ${kind ?? 'missing file'}, which cdk-rust does not put in an artifact: it copies regular files ` +
          'and directories only, and never follows a link (which could lead to files outside the project).',
        'replace the link with the file itself (or a copy of it), or move it out of the shipped directory.',
      );
    }
  };
  for (const file of planned) visit(file.source, file.destination, file.prop);
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.destination), Buffer.from(b.destination)));
  return { entries, excluded: excluded.sort() };
}

/** A digest of what the entries put in the artifact: paths, kinds, modes and contents. */
export function hashArtifactFiles(entries: readonly ArtifactEntry[]): string {
  const hash = crypto.createHash('sha256');
  for (const entry of entries) {
    hash.update(`${entry.type}\0${entry.destination}\0${entry.executable ? 755 : 644}\0`);
    if (entry.type === 'file') hash.update(readEntry(entry));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The bytes of a file entry, read without following a link (one swapped in since the listing is refused). */
export function readEntry(entry: ArtifactEntry): Buffer {
  return readRegularFile(
    entry.absolute,
    (kind) =>
      new CdkRustError(
        'INVALID_PROP',
        `files: ${entry.absolute} became a ${kind} while cdk-rust was reading it.`,
        'keep shipped files regular files, and synthesize again.',
      ),
  );
}

/** Writes the entries (relative destinations) under `outputDir`: 0644/0755, fixed times, owned by whoever writes. */
export function writeArtifactFiles(entries: readonly ArtifactEntry[], outputDir: string): void {
  for (const entry of entries) {
    const target = path.join(outputDir, ...entry.destination.split('/'));
    if (!target.startsWith(outputDir + path.sep)) throw new Error(`files: ${entry.destination} is not below the asset directory`);
    if (entry.type === 'directory') {
      fs.mkdirSync(target, { recursive: true });
      fs.chmodSync(target, 0o755);
    } else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, readEntry(entry), { flag: 'wx' });
      fs.chmodSync(target, entry.executable ? 0o755 : 0o644);
      fs.utimesSync(target, ARTIFACT_FILE_TIME, ARTIFACT_FILE_TIME);
    }
  }
  for (const entry of entries.filter((e) => e.type === 'directory').reverse()) {
    fs.utimesSync(path.join(outputDir, ...entry.destination.split('/')), ARTIFACT_FILE_TIME, ARTIFACT_FILE_TIME);
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
