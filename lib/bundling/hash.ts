/**
 * The build's inputs and the asset hash: known before building, so that an unchanged project is
 * never built again. The hash covers the contents and relative paths of every input file and every
 * part of the plan that can change the binary; it never covers absolute paths, times or `target/`.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { compileExcludePatterns } from './exclude-patterns';
import { BuildPlan } from './plan';
import { SECRET_DIRS, looksSecret } from './secret-files';

export { looksSecret } from './secret-files';

/** Version-control metadata: never a build input, at any depth. */
const VCS_DIRS = new Set(['.git', '.hg', '.svn']);

/**
 * Output directories of Cargo, npm and CDK, skipped only directly in a package or workspace
 * directory (one holding a Cargo.toml): `src/target/mod.rs` is a source file like any other.
 */
const ROOT_OUTPUT_DIRS = new Set(['target', 'node_modules', 'cdk.out']);

/** A directory holding this file is a cache (Cargo writes one into every target directory). */
const CACHE_DIR_TAG = 'CACHEDIR.TAG';

/** One input file of a build. */
export interface InputFile {
  /** Absolute path on the host. */
  readonly absolute: string;
  /** Path relative to the plan's context root, POSIX style: where it lands in the build context. */
  readonly relative: string;
}

/** A file of the project that is kept out of the build context, and why. */
export interface ExcludedFile {
  /** Path relative to the plan's context root, POSIX style; a directory (excluded whole) ends with `/`. */
  readonly relative: string;
  /**
   * `secret`: it looks like a credential or private key; `outside-link`: a symbolic link to a file outside
   * the project; `excluded`: it matches a pattern of `bundling.exclude`.
   */
  readonly reason: 'secret' | 'outside-link' | 'excluded';
}

/** Why a file is left out of the build, as a progress line says it. */
export function exclusionReason(reason: ExcludedFile['reason']): string {
  if (reason === 'secret') return 'credentials or a private key';
  if (reason === 'excluded') return 'bundling.exclude';
  return 'a link leading outside the project';
}

/** The files a build reads, and the files of the project left out of it. */
export interface CollectedInputs {
  /** Sorted by relative path. */
  readonly inputs: InputFile[];
  /** Sorted by relative path. */
  readonly excluded: ExcludedFile[];
}

/**
 * Lists the files the build reads: every file below the plan's input directories and the workspace
 * files, except version-control metadata, caches (directories tagged with `CACHEDIR.TAG`, and
 * `target/`, `node_modules/` and `cdk.out/` directly in a package directory), what `bundling.exclude`
 * names, credentials and private keys (see secret-files.ts), and symbolic links that lead outside the
 * input directories. What is left out never reaches the hash, the build context or a build script.
 * A `--config` file of `cargoArgs` that is left out is an error: the build could not read it.
 */
export function collectInputs(plan: BuildPlan): CollectedInputs {
  const files = new Map<string, string>();
  const excluded = new Map<string, ExcludedFile['reason']>();
  const roots = [plan.workspaceRoot, ...plan.inputDirs].map(realDir);
  const insideRoots = (real: string) => roots.some((root) => real === root || real.startsWith(root + path.sep));
  const relativeOf = (absolute: string) => toPosix(path.relative(plan.contextRoot, absolute));
  const patterns = compileExcludePatterns(plan.exclude ?? []);
  const patternPath = (absolute: string) => toPosix(path.relative(plan.workspaceRoot, absolute));
  const consider = (absolute: string, isLink: boolean, walked: boolean) => {
    const relative = relativeOf(absolute);
    const real = isLink ? realFile(absolute) : absolute;
    if (real === undefined) return; // a dangling link, or a link to a directory
    const pattern = patternPath(absolute);
    if (walked ? patterns.matches(pattern, false) : patterns.matchesPathOrParent(pattern, false)) excluded.set(relative, 'excluded');
    else if (isLink && !insideRoots(real)) excluded.set(relative, 'outside-link');
    else if (looksSecret(absolute)) excluded.set(relative, 'secret');
    else files.set(relative, absolute);
  };
  const walk = (dir: string, isRoot: boolean) => {
    if (isRoot && patterns.matchesPathOrParent(patternPath(dir), true)) return void excluded.set(`${relativeOf(dir)}/`, 'excluded');
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    if (!isRoot && entries.some((e) => e.name === CACHE_DIR_TAG && e.isFile())) return;
    const isPackage = entries.some((e) => e.name === 'Cargo.toml' && e.isFile());
    for (const entry of entries) {
      const absolute = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (VCS_DIRS.has(entry.name) || SECRET_DIRS.has(entry.name) || (isPackage && ROOT_OUTPUT_DIRS.has(entry.name))) continue;
        if (patterns.matches(patternPath(absolute), true)) excluded.set(`${relativeOf(absolute)}/`, 'excluded');
        else walk(absolute, false);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        consider(absolute, entry.isSymbolicLink(), true);
      }
    }
  };
  for (const dir of plan.inputDirs) walk(dir, true);
  for (const file of plan.inputFiles) {
    const stat = lstat(file);
    if (stat && (stat.isFile() || stat.isSymbolicLink())) consider(file, stat.isSymbolicLink(), false);
  }
  checkConfigFiles(plan, files, excluded, relativeOf);
  const byPath = <T>([a]: [string, T], [b]: [string, T]) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    inputs: [...files.entries()].sort(byPath).map(([relative, absolute]) => ({ relative, absolute })),
    excluded: [...excluded.entries()].sort(byPath).map(([relative, reason]) => ({ relative, reason })),
  };
}

/** Every `--config` file of `cargoArgs` must be an input: a build without it would not be the build asked for. */
function checkConfigFiles(
  plan: BuildPlan,
  files: ReadonlyMap<string, string>,
  excluded: ReadonlyMap<string, ExcludedFile['reason']>,
  relativeOf: (absolute: string) => string,
): void {
  for (const config of plan.cargoConfigFiles ?? []) {
    const relative = relativeOf(config.absolute);
    if (files.has(relative)) continue;
    const reason = excluded.get(relative) ?? [...excluded].find(([r]) => r.endsWith('/') && relative.startsWith(r))?.[1];
    throw new CdkRustError(
      'INVALID_PROP',
      `${config.prop}: the --config file ${relative} is left out of the build ` +
        `(${reason === 'excluded' ? 'it matches bundling.exclude' : reason === 'secret' ? 'it looks like credentials or a private key' : 'a link leading outside the project'}).`,
      reason === 'excluded'
        ? 'remove the pattern that matches it from bundling.exclude.'
        : 'keep credentials out of Cargo configuration files (give tokens with bundling.buildSecrets), and keep the file a regular file in the workspace.',
    );
  }
}

/** Hashes the contents of the inputs, keyed by their relative paths. */
export function hashInputs(inputs: readonly InputFile[]): string {
  const hash = crypto.createHash('sha256');
  for (const input of inputs) {
    const content = fs.readFileSync(input.absolute);
    hash.update(`${input.relative}\0${content.length}\0`);
    hash.update(content);
    hash.update('\0');
  }
  return hash.digest('hex');
}

/**
 * The asset hash of a build: the inputs plus everything in the plan and the recipe that changes the
 * binary. `recipe` is the text of what runs the build (the rendered Dockerfile with its cache ids
 * left out, or the local command line and toolchain version); `filesHash` covers what `files` ships beside
 * the binary (artifact-files.ts), when there are such files; `layout` what the output layout adds besides the build.
 */
export function assetHash(
  plan: BuildPlan,
  inputsHash: string,
  recipe: string,
  filesHash?: string,
  layout?: Readonly<Record<string, string>>,
): string {
  const outputRelevant = {
    inputs: inputsHash,
    workdir: plan.workdir,
    packageName: plan.packageName,
    binaryName: plan.binaryName,
    target: plan.target,
    profile: plan.profile,
    features: [...plan.features].sort(),
    noDefaultFeatures: plan.noDefaultFeatures,
    cargoArgs: plan.cargoArgs,
    buildEnvironment: Object.fromEntries(Object.entries(plan.buildEnvironment).sort(([a], [b]) => a.localeCompare(b))),
    // The ids only: a value never reaches the hash. Absent without secrets, so other hashes stay as they were.
    ...(plan.buildSecrets ? { buildSecrets: plan.buildSecrets.map((s) => s.id) } : {}),
    locked: plan.locked,
    recipe,
    // What the construct's output layout adds (an extension's name, output-layout.ts): absent for functions and
    // services, so their hashes stay what they were.
    ...layout,
    // What `files` ships (hashArtifactFiles): absent without files, so other hashes stay as they were.
    ...(filesHash !== undefined ? { files: filesHash } : {}),
  };
  return crypto.createHash('sha256').update(JSON.stringify(outputRelevant)).digest('hex');
}

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/** The real path of a directory (itself when it cannot be resolved). */
function realDir(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}

/** The real path of `link` when it leads to a regular file; undefined otherwise. */
function realFile(link: string): string | undefined {
  try {
    const real = fs.realpathSync(link);
    return fs.statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
