/**
 * The plain-data description of a service's container image, and the files of its one layer: the static binary,
 * the users it runs as, CA certificates and (optionally) time zones, with fixed modes and owners. No base image:
 * nothing else is in the image, not even a shell.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ArtifactEntry, readEntry } from '../bundling/artifact-files';
import { checkStaticExecutable } from './elf';
import { TarEntry } from './tar';
import { CdkRustError } from '../errors';
import { ArchitectureName } from '../private/architecture';
import { EntryKind, entryKindAt, readRegularFile } from '../private/no-follow';

/** A health check the container runs: the service's own binary or cdk-rust's health probe, since the image has nothing else. */
export interface ServiceImageHealthCheck {
  /**
   * The argv, exec form (no shell): its first element must be the binary's path in the image, `/app/<binaryName>`,
   * or, when the image holds the health probe, {@link HEALTH_PROBE_PATH}.
   */
  readonly command: readonly string[];
  /** Seconds between checks. @default 30 */
  readonly interval?: number;
  /** Seconds a check may take before it counts as failed. @default 5 */
  readonly timeout?: number;
  /** Seconds after the start during which failures do not count. @default 0 */
  readonly startPeriod?: number;
  /** Failures in a row that make the container unhealthy. @default 3 */
  readonly retries?: number;
}

/** A container image made from one static binary: a service's, or a Lambda function's (image-function/). */
export interface ServiceImageSpec {
  /** The binary's name: the image runs `/app/<binaryName>` unless `binaryPath` says otherwise. */
  readonly binaryName: string;
  /**
   * Where the binary is in the image, its entrypoint: absolute, normalized (a function image's `/var/task/bootstrap`).
   * @default `/app/<binaryName>`
   */
  readonly binaryPath?: string;
  /** The binary: its bytes, or the path of a regular file on this machine (a symbolic link is refused, not followed). */
  readonly binary: Buffer | string;
  /** The architecture of the image, which the binary's must match. */
  readonly architecture: ArchitectureName;
  /** The CA certificates (PEM), at /etc/ssl/certs/ca-certificates.crt. */
  readonly caBundle: Buffer;
  /**
   * A directory on this machine whose files go under /usr/share/zoneinfo. It must hold only regular files and
   * directories: a symbolic link, there or in place of the directory, is refused and never followed.
   * @default - no time zones
   */
  readonly zoneinfo?: string;
  /** The TCP port the service listens on, recorded as the exposed port. @default - none exposed (a function image) */
  readonly port?: number;
  /** Environment variables, in order, after PATH and SSL_CERT_FILE (which they may replace). @default - none */
  readonly environment?: ReadonlyArray<readonly [string, string]>;
  /** @default - none */
  readonly healthCheck?: ServiceImageHealthCheck;
  /**
   * cdk-rust's health probe (lib/bundling/health-probe.ts), at {@link HEALTH_PROBE_PATH}: its bytes, the path of a
   * regular file on this machine (a link is refused), or `true` where only the spec's values are checked (before
   * it is built). @default - none
   */
  readonly healthProbe?: Buffer | string | true;
  /** The directory the binary starts in: absolute, normalized. @default '/app' */
  readonly workingDirectory?: string;
  /**
   * Project files to place in the image (`files`, listed by artifact-files.ts): a relative destination is
   * relative to `workingDirectory`. Root-owned, 0644 or 0755. @default - none
   */
  readonly files?: readonly ArtifactEntry[];
  /** The name the image is loaded as, `name:tag`, recorded in the archive. */
  readonly repoTag: string;
}

/** The health check's timings, defaults filled in (ECS's own defaults). */
export const HEALTH_CHECK_DEFAULTS = { interval: 30, timeout: 5, startPeriod: 0, retries: 3 } as const;

/** Where things are in the image. */
export const APP_DIR = '/app';
export const CA_BUNDLE_PATH = '/etc/ssl/certs/ca-certificates.crt';
export const ZONEINFO_DIR = '/usr/share/zoneinfo';
/** The user and group the service runs as (distroless's `nonroot`). */
export const NONROOT_ID = 65532;
export const NONROOT_HOME = '/home/nonroot';
/** Where cdk-rust's health probe is in an image that holds it: a directory of its own, clear of the app's files. */
export const HEALTH_PROBE_PATH = '/cdk-rust/healthcheck';
/** Where the binary starts unless `workingDirectory` says otherwise: beside it, as `WORKDIR /app` does. */
export const DEFAULT_WORKING_DIRECTORY = APP_DIR;
/** Directories the container runtime mounts over: whatever the image holds there is never seen. */
const MOUNTED_AT_RUN_TIME = ['/proc', '/sys', '/dev'];

/** The binary's path in the image: `binaryPath`, or `/app/<binaryName>`. */
export function binaryPathInImage(spec: Pick<ServiceImageSpec, 'binaryName' | 'binaryPath'>): string {
  return spec.binaryPath ?? `${APP_DIR}/${spec.binaryName}`;
}

/** One entry of the image's layer: a tar entry (tar.ts) named by its absolute path in the image. Owners are numeric. */
export type LayerEntry = AtPath<TarEntry>;

/** Each kind of tar entry with `path` (absolute, in the image) in place of `name` (relative, in the tar). */
type AtPath<E> = E extends TarEntry ? Omit<E, 'name'> & { readonly path: string } : never;

const PASSWD = `root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${NONROOT_ID}:${NONROOT_ID}:nonroot:${NONROOT_HOME}:/sbin/nologin\n`;
const GROUP = `root:x:0:\nnonroot:x:${NONROOT_ID}:\n`;

/**
 * Throws unless the spec's own values are valid: the ones checked without reading the binary, so a construct can
 * check its props before anything is built.
 */
export function checkServiceImageSpec(spec: Omit<ServiceImageSpec, 'binary' | 'caBundle'>): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/.test(spec.binaryName)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `binaryName: "${spec.binaryName}" is not a file name the image can hold.`,
      'use the name of a Cargo binary target (letters, digits, "_", "-" and ".").',
    );
  }
  if (spec.port !== undefined) checkPort(spec.port);
  if (spec.binaryPath !== undefined) checkBinaryPath(spec.binaryPath);
  checkEnvironment(spec.environment ?? []);
  checkWorkingDirectory(spec.workingDirectory ?? DEFAULT_WORKING_DIRECTORY);
  checkFiles(spec);
  if (spec.healthCheck) checkHealthCheck(spec.healthCheck, binaryPathInImage(spec), spec.healthProbe !== undefined);
  if (!isRepoTag(spec.repoTag)) {
    throw new CdkRustError(
      'INVALID_IMAGE',
      `repoTag: "${spec.repoTag}" is not an image name with a tag, as Docker writes them.`,
      'use a lowercase name and a tag, as "cdk-rust/api:0123abcd".',
    );
  }
}

/** The absolute path in the image of a `files` destination (relative ones are relative to the working directory). */
export function imagePathOf(destination: string, workingDirectory: string): string {
  return destination.startsWith('/') ? destination : path.posix.join(workingDirectory, destination);
}

function checkWorkingDirectory(dir: string): void {
  const normalized = path.posix.normalize(dir);
  if (!dir.startsWith('/') || /[\r\n\0]/.test(dir) || normalized !== dir || (dir !== '/' && dir.endsWith('/')) || underMount(dir)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `workingDirectory: "${dir}" is not a directory the service can start in.`,
      'give an absolute, normalized POSIX path outside /proc, /sys and /dev, as "/app".',
    );
  }
}

function checkBinaryPath(binary: string): void {
  if (
    !binary.startsWith('/') ||
    /[\r\n\0]/.test(binary) ||
    path.posix.normalize(binary) !== binary ||
    binary.endsWith('/') ||
    underMount(binary)
  ) {
    throw new CdkRustError(
      'INVALID_IMAGE',
      `binaryPath: "${binary}" is not a file the image can hold.`,
      'give an absolute, normalized POSIX path outside /proc, /sys and /dev, as "/var/task/bootstrap".',
    );
  }
}

function underMount(p: string): boolean {
  return MOUNTED_AT_RUN_TIME.some((m) => p === m || p.startsWith(`${m}/`));
}

/** Throws INVALID_PROP, naming `port`, unless `port` is a TCP port (1 to 65535). */
export function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new CdkRustError('INVALID_PROP', `port: ${port} is not a TCP port.`, 'use a whole number from 1 to 65535, as 8080.');
  }
}

function checkEnvironment(environment: ReadonlyArray<readonly [string, string]>): void {
  const seen = new Set<string>();
  for (const [name, value] of environment) {
    if (!/^[^=\0]+$/.test(name) || value.includes('\0')) {
      throw new CdkRustError(
        'INVALID_PROP',
        `environment: ${JSON.stringify(name)} is not a variable a process can be given.`,
        'use names without "=" and names and values without NUL characters.',
      );
    }
    if (seen.has(name)) {
      throw new CdkRustError('INVALID_PROP', `environment: ${name} is given twice.`, `give ${name} once.`);
    }
    seen.add(name);
  }
}

function checkHealthCheck(healthCheck: ServiceImageHealthCheck, binary: string, hasProbe: boolean): void {
  if (healthCheck.command[0] !== binary && !(hasProbe && healthCheck.command[0] === HEALTH_PROBE_PATH)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `healthCheck.command: ${JSON.stringify(healthCheck.command)} does not run ${binary}: the image has no shell ` +
        'and no other program, so the service binary is the only command a health check can run.',
      `start healthCheck.command with "${binary}" and give its arguments after it, as ["${binary}", "--health-check"].`,
    );
  }
  // Docker's least interval and timeout is 1 ms.
  const least = { interval: 0.001, timeout: 0.001, startPeriod: 0 } as const;
  for (const name of ['interval', 'timeout', 'startPeriod'] as const) {
    const value = healthCheck[name];
    if (value !== undefined && (!Number.isFinite(value) || value < least[name])) {
      throw new CdkRustError(
        'INVALID_PROP',
        `healthCheck.${name}: ${value} is not a duration.`,
        `use a number of seconds of at least ${least[name]}.`,
      );
    }
  }
  const retries = healthCheck.retries;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 1)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `healthCheck.retries: ${retries} is not a number of retries.`,
      'use a whole number of at least 1.',
    );
  }
}

/**
 * Docker's reference grammar: `[host[:port]/]component[/component...]:tag`, with lowercase components. The first
 * part is a host only when it has a "." or a ":", or is localhost (so `CDK/api:1` is a bad name, not a host).
 */
function isRepoTag(tag: string): boolean {
  const host = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]+)?)$/;
  const component = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
  const match = /^(.+):([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/.exec(tag);
  if (!match || tag.length > 255) return false;
  const parts = match[1].split('/');
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost')) {
    if (!host.test(parts.shift() as string)) return false;
  }
  return parts.every((part) => component.test(part));
}

/**
 * The entries of the image's one layer, sorted by path (each directory before what it holds), every parent
 * directory an entry of its own. Reads the binary and the zoneinfo directory; throws unless the binary is a static
 * executable for the image's architecture.
 */
export function imageLayout(spec: ServiceImageSpec): LayerEntry[] {
  checkServiceImageSpec(spec);
  const binary = typeof spec.binary === 'string' ? readBinary(spec.binary) : spec.binary;
  checkStaticExecutable(binary, spec.architecture, typeof spec.binary === 'string' ? spec.binary : `"${spec.binaryName}"`);
  const root = { uid: 0, gid: 0 };
  const entries: LayerEntry[] = [
    { type: 'file', path: binaryPathInImage(spec), mode: 0o755, ...root, content: binary },
    { type: 'file', path: '/etc/passwd', mode: 0o644, ...root, content: Buffer.from(PASSWD) },
    { type: 'file', path: '/etc/group', mode: 0o644, ...root, content: Buffer.from(GROUP) },
    { type: 'directory', path: NONROOT_HOME, mode: 0o700, uid: NONROOT_ID, gid: NONROOT_ID },
    { type: 'directory', path: '/tmp', mode: 0o1777, ...root },
    { type: 'file', path: CA_BUNDLE_PATH, mode: 0o644, ...root, content: spec.caBundle },
  ];
  if (spec.zoneinfo !== undefined) entries.push(...zoneinfoEntries(spec.zoneinfo));
  if (spec.healthProbe !== undefined) entries.push(probeEntry(spec.healthProbe));
  const workingDirectory = spec.workingDirectory ?? DEFAULT_WORKING_DIRECTORY;
  if (workingDirectory !== '/' && !entries.some((e) => e.path === workingDirectory)) {
    entries.push({ type: 'directory', path: workingDirectory, mode: 0o755, ...root });
  }
  entries.push(...fileEntries(spec.files ?? [], workingDirectory));
  return withParents(entries).sort((a, b) => comparePaths(a.path, b.path));
}

function readBinary(file: string): Buffer {
  try {
    return readRegularFile(file, (kind) => notData(file, kind, 'the binary'));
  } catch (error) {
    if (error instanceof CdkRustError) throw error;
    throw new CdkRustError('INVALID_IMAGE', `the binary ${file} cannot be read: ${(error as Error).message}.`, 'build the binary first.');
  }
}

/**
 * The refusal of `file` (the binary, a time-zone file or the zoneinfo directory itself) because it is a link or
 * no data: the image holds what cdk-rust reads from regular files and directories, never what a link leads to.
 */
function notData(file: string, kind: EntryKind, what: string): CdkRustError {
  return new CdkRustError(
    'INVALID_IMAGE',
    `${what} ${file} is a ${kind}, which the image writer refuses: it reads only regular files and directories and never follows a ` +
      "link, which could lead to this machine's own files.",
    'give the file or directory itself (cdk-rust builds export no links: copy contents, as `cp -RL` does).',
  );
}

/**
 * The files under `dir`, by their path under /usr/share/zoneinfo: 0644 and 0755 whatever their modes here. `dir`
 * and everything under it must be regular files and directories: a link is refused, not followed (cdk-rust's build
 * resolves tzdata's links inside the builder, so each zone is a file of its own).
 */
function zoneinfoEntries(dir: string): LayerEntry[] {
  const top = entryKindAt(dir);
  if (top === 'symbolic link') throw notData(dir, top, 'zoneinfo:');
  if (top !== 'directory') {
    throw new CdkRustError(
      'INVALID_IMAGE',
      `zoneinfo: ${dir} is not a directory.`,
      'give a directory of time zone files, as /usr/share/zoneinfo.',
    );
  }
  const root = { uid: 0, gid: 0 };
  const entries: LayerEntry[] = [{ type: 'directory', path: ZONEINFO_DIR, mode: 0o755, ...root }];
  const walk = (hostDir: string, imageDir: string) => {
    for (const name of fs.readdirSync(hostDir).sort(comparePaths)) {
      const hostPath = path.join(hostDir, name);
      const imagePath = `${imageDir}/${name}`;
      const kind = entryKindAt(hostPath);
      if (kind === 'directory') {
        entries.push({ type: 'directory', path: imagePath, mode: 0o755, ...root });
        walk(hostPath, imagePath);
      } else {
        const content = readRegularFile(hostPath, (refused) => notData(hostPath, refused, 'zoneinfo:'));
        entries.push({ type: 'file', path: imagePath, mode: 0o644, ...root, content });
      }
    }
  };
  walk(dir, ZONEINFO_DIR);
  return entries;
}

/** The health probe's entry: root's, 0755, read without following a link. */
function probeEntry(probe: Buffer | string | true): LayerEntry {
  if (probe === true)
    throw new CdkRustError('INVALID_IMAGE', 'healthProbe: the probe has not been built.', 'build the image through RustServiceImage.');
  const content = typeof probe === 'string' ? readRegularFile(probe, (kind) => notData(probe, kind, 'the health probe')) : probe;
  return { type: 'file', path: HEALTH_PROBE_PATH, mode: 0o755, uid: 0, gid: 0, content };
}

/** The layer entries of `files`, at their paths in the image (checked by {@link checkServiceImageSpec}). */
function fileEntries(files: readonly ArtifactEntry[], workingDirectory: string): LayerEntry[] {
  const root = { uid: 0, gid: 0 };
  return files.map((file) => {
    const at = imagePathOf(file.destination, workingDirectory);
    if (file.type === 'directory') return { type: 'directory', path: at, mode: 0o755, ...root };
    return { type: 'file', path: at, mode: file.executable ? 0o755 : 0o644, ...root, content: readEntry(file) };
  });
}

/**
 * Throws unless every file of `files` lands clear of what cdk-rust writes (the binary, the users, the CA bundle,
 * the nonroot home, /tmp, the time zones) and of what the container runtime mounts over (/proc, /sys, /dev).
 */
function checkFiles(spec: Pick<ServiceImageSpec, 'binaryName' | 'binaryPath' | 'files' | 'workingDirectory'>): void {
  // The probe's directory is reserved whether or not this image holds the probe: turning it on never clashes.
  const workingDirectory = spec.workingDirectory ?? DEFAULT_WORKING_DIRECTORY;
  const written = [binaryPathInImage(spec), '/etc/passwd', '/etc/group', CA_BUNDLE_PATH, path.posix.dirname(HEALTH_PROBE_PATH)];
  const owned = [NONROOT_HOME, '/tmp', ZONEINFO_DIR, ...MOUNTED_AT_RUN_TIME];
  for (const file of spec.files ?? []) {
    const at = imagePathOf(file.destination, workingDirectory);
    const hit =
      written.find((w) => w === at || w.startsWith(`${at}/`) || at.startsWith(`${w}/`)) ??
      owned.find((o) => o === at || at.startsWith(`${o}/`) || (file.type === 'file' && o.startsWith(`${at}/`)));
    if (hit) {
      throw new CdkRustError(
        'INVALID_PROP',
        `files: ${file.absolute} would go to ${at} in the image, which clashes with ${hit}, ` +
          `${written.includes(hit) ? 'a file cdk-rust writes there' : 'a directory the image or the container runtime owns'}.`,
        `give it a destination of its own, as "config/${path.posix.basename(at)}" under the working directory (${workingDirectory}).`,
      );
    }
  }
}

/** `entries` and, as root-owned 0755 directories, each of their parents that is not an entry already. */
function withParents(entries: LayerEntry[]): LayerEntry[] {
  const paths = new Set(entries.map((e) => e.path));
  const parents: LayerEntry[] = [];
  for (const entry of entries) {
    for (let dir = path.posix.dirname(entry.path); dir !== '/'; dir = path.posix.dirname(dir)) {
      if (paths.has(dir)) continue;
      paths.add(dir);
      parents.push({ type: 'directory', path: dir, mode: 0o755, uid: 0, gid: 0 });
    }
  }
  return [...entries, ...parents];
}

/** Paths in the order of their UTF-8 bytes, the same on every machine and in every locale. */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
