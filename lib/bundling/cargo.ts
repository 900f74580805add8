/**
 * Reading a Cargo project, once: `cargo metadata` for its packages and targets, Cargo.lock and the
 * manifests for the git sources it fetches over SSH, and the path dependencies outside the workspace
 * (path-dependencies.ts). Everything the build plan needs to know about the project is in the one value
 * {@link readCargoWorkspace} returns; the plan never reads the project itself.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { findExternalPathInputs, patchedPaths } from './path-dependencies';

/** One bin target of a package. */
export interface CargoBin {
  readonly name: string;
  /** Absolute path of the bin's main source file. */
  readonly srcPath: string;
}

/** One workspace member, as `cargo metadata --no-deps` describes it. */
export interface CargoPackage {
  readonly name: string;
  readonly version: string;
  /** Absolute path of the package's Cargo.toml. */
  readonly manifestPath: string;
  readonly bins: CargoBin[];
  /** Absolute directories of the package's `path` dependencies. */
  readonly pathDependencies: string[];
}

/** What cdk-rust needs to know about a Cargo workspace (a single package is a workspace of one). */
export interface CargoWorkspace {
  /** Absolute directory holding the workspace's root Cargo.toml. */
  readonly root: string;
  /** Absolute path of the manifest the user pointed at. */
  readonly manifestPath: string;
  /** The package whose manifest the user pointed at, if it is not a virtual workspace root. */
  readonly selectedPackage?: CargoPackage;
  readonly members: CargoPackage[];
  /** Absolute path of Cargo.lock, if there is one. */
  readonly lockFile?: string;
  /** Cargo's target directory for host builds (honours CARGO_TARGET_DIR and config). */
  readonly targetDirectory: string;
  /** The git dependencies fetched over SSH (from Cargo.lock, and from the manifests for workspaces without one yet). */
  readonly sshGitSources: SshGitSource[];
  /**
   * Absolute directories of path dependencies that are not workspace members (and theirs, in turn): outside the
   * workspace root, or inside it but no member (a `[patch.crates-io]` fork under `vendor/`).
   */
  readonly externalPathDependencies: string[];
  /**
   * Absolute paths of the root manifests of other workspaces that those path dependencies inherit from
   * (`edition.workspace = true`, `serde = { workspace = true }`): cargo reads them to build the dependency.
   */
  readonly externalWorkspaceManifests: string[];
}

/** A git dependency fetched over SSH. */
export interface SshGitSource {
  /** The URL as written in Cargo.lock or Cargo.toml. */
  readonly url: string;
  readonly host: string;
  /** The port, when not 22. */
  readonly port?: number;
  /** The file that names it. */
  readonly foundIn: string;
}

/** Options for {@link readCargoWorkspace}. */
export interface ReadWorkspaceOptions {
  /** The cargo binary to run. @default 'cargo' */
  readonly cargo?: string;
}

/**
 * Reads the workspace of `manifestPath` with `cargo metadata --no-deps`, which needs no network and
 * no dependency resolution.
 */
export function readCargoWorkspace(manifestPath: string, options: ReadWorkspaceOptions = {}): CargoWorkspace {
  const manifest = path.resolve(manifestPath);
  if (!fs.existsSync(manifest)) {
    throw new CdkRustError(
      'MANIFEST_NOT_FOUND',
      `manifestPath: no Cargo.toml at ${manifest}.`,
      'point manifestPath at the Cargo.toml of the package (or workspace) to build, e.g. path.join(__dirname, "../my-fn/Cargo.toml").',
    );
  }
  if (fs.statSync(manifest).isDirectory()) {
    throw new CdkRustError(
      'MANIFEST_NOT_FOUND',
      `manifestPath: ${manifest} is a directory, not a Cargo.toml file.`,
      `use ${path.join(manifest, 'Cargo.toml')}.`,
    );
  }
  const meta = runMetadata(manifest, options.cargo ?? 'cargo');
  const members = new Set<string>(meta.workspace_members);
  const packages: CargoPackage[] = meta.packages
    .filter((p) => members.has(p.id))
    .map((p) => ({
      name: p.name,
      version: p.version,
      manifestPath: p.manifest_path,
      bins: p.targets.filter((t) => t.kind.includes('bin')).map((t) => ({ name: t.name, srcPath: t.src_path })),
      pathDependencies: p.dependencies.filter((d) => typeof d.path === 'string').map((d) => d.path as string),
    }))
    .sort((a, b) => a.manifestPath.localeCompare(b.manifestPath));
  const root = meta.workspace_root;
  const lockFile = path.join(root, 'Cargo.lock');
  const existingLockFile = fs.existsSync(lockFile) ? lockFile : undefined;
  const external = findExternalPathInputs(
    root,
    packages.map((p) => path.dirname(p.manifestPath)),
    [...packages.flatMap((p) => p.pathDependencies), ...patchedPaths(path.join(root, 'Cargo.toml'))],
  );
  return {
    root,
    manifestPath: manifest,
    selectedPackage: packages.find((p) => p.manifestPath === manifest),
    members: packages,
    lockFile: existingLockFile,
    targetDirectory: meta.target_directory,
    sshGitSources: findSshGitSources(root, existingLockFile, packages),
    externalPathDependencies: external.directories,
    externalWorkspaceManifests: external.workspaceManifests,
  };
}

interface RawMetadata {
  readonly workspace_root: string;
  readonly target_directory: string;
  readonly workspace_members: string[];
  readonly packages: Array<{
    readonly id: string;
    readonly name: string;
    readonly version: string;
    readonly manifest_path: string;
    readonly targets: Array<{ readonly name: string; readonly kind: string[]; readonly src_path: string }>;
    readonly dependencies: Array<{ readonly name: string; readonly path?: string }>;
  }>;
}

function runMetadata(manifest: string, cargo: string): RawMetadata {
  const result = spawnSync(cargo, ['metadata', '--no-deps', '--format-version', '1', '--manifest-path', manifest], {
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024,
    cwd: path.dirname(manifest),
  });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CdkRustError(
      'CARGO_METADATA_FAILED',
      missing
        ? `cargo was not found on PATH; cdk-rust reads ${manifest} with \`cargo metadata\` before building.`
        : `could not run \`cargo metadata\` for ${manifest}: ${result.error.message}`,
      missing
        ? 'install Rust with rustup (https://rustup.rs); the build itself still runs in Docker.'
        : 'check that cargo runs in this shell (cargo --version), then synth again.',
    );
  }
  if (result.status !== 0) {
    throw new CdkRustError(
      'CARGO_METADATA_FAILED',
      `\`cargo metadata\` rejected ${manifest}:\n${result.stderr.trim()}`,
      'fix the manifest so that `cargo metadata --no-deps` succeeds.',
    );
  }
  return JSON.parse(result.stdout) as RawMetadata;
}

const LOCK_SOURCE = /^source\s*=\s*"git\+([^"#?]+)[^"]*"/gm;
const MANIFEST_GIT = /\bgit\s*=\s*"([^"]+)"/g;

/**
 * Finds the git dependencies that are fetched over SSH, from Cargo.lock (what is actually fetched)
 * and from the members' manifests (for workspaces without a lock file yet).
 */
function findSshGitSources(root: string, lockFile: string | undefined, members: readonly CargoPackage[]): SshGitSource[] {
  const found = new Map<string, SshGitSource>();
  const scan = (file: string, pattern: RegExp) => {
    if (!fs.existsSync(file)) return;
    const text = fs.readFileSync(file, 'utf-8');
    for (const match of text.matchAll(pattern)) {
      const source = parseSshUrl(match[1], file);
      if (source && !found.has(source.url)) found.set(source.url, source);
    }
  };
  if (lockFile) scan(lockFile, LOCK_SOURCE);
  scan(path.join(root, 'Cargo.toml'), MANIFEST_GIT);
  for (const member of members) scan(member.manifestPath, MANIFEST_GIT);
  return [...found.values()].sort((a, b) => a.url.localeCompare(b.url));
}

/**
 * Parses an SSH git URL: `ssh://[user@]host[:port]/path` or scp-like `user@host:path`.
 * Returns undefined for other schemes (https, file, ...).
 */
export function parseSshUrl(url: string, foundIn: string): SshGitSource | undefined {
  const ssh = /^ssh:\/\/(?:[^@/]+@)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?\//.exec(url);
  if (ssh) {
    const host = ssh[1].replace(/^\[|\]$/g, '');
    const port = ssh[2] ? Number(ssh[2]) : undefined;
    return { url, host, port: port === 22 ? undefined : port, foundIn };
  }
  const scp = /^[A-Za-z0-9._-]+@([^:/]+):/.exec(url);
  if (scp) return { url, host: scp[1], port: undefined, foundIn };
  return undefined;
}
