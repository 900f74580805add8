/**
 * Whose fault a failed build is: when cargo, rustc or a build script fails on a path of the build context that
 * cdk-rust left out (a file that exists in the project on the host, but is not one of the build's inputs), the
 * failure is cdk-rust's context, not the user's code. This module finds such files in a failed build's output.
 *
 * The Docker build sees the plan's inputs under {@link CONTEXT_MOUNT} (`/src`, laid out relative to the plan's
 * context root; the build runs in `/src/<workdir>`, the workspace root), so a path the build names maps back
 * to the host by that layout. A host build reads the project where it is, so nothing is ever left out of it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CONTEXT_DIR as CONTEXT_MOUNT } from './dockerfile';
import { ExcludedFile, InputFile } from './hash';
import { BuildPlan } from './plan';
import { looksSecret } from './secret-files';

/** A file the build read that exists in the project but is not in the build context. */
export interface MissingInput {
  /** The file on the host. */
  readonly absolute: string;
  /** The file relative to the workspace root, POSIX style (`../shared/x.txt` when it lies outside it). */
  readonly relative: string;
  /**
   * Why it is left out: the reasons of {@link ExcludedFile}; `outside` when it lies outside every member and path
   * dependency; `skipped` when it is in a directory cdk-rust never sends (`target/`, `.git/`, a cache directory).
   */
  readonly reason: ExcludedFile['reason'] | 'outside' | 'skipped';
}

/** What the plan must say for the analysis. */
export type MissingInputPlan = Pick<BuildPlan, 'workspaceRoot' | 'contextRoot' | 'workdir' | 'inputDirs' | 'inputFiles'>;

/** The build's inputs and the files left out of it (see collectInputs). */
export interface BuildInputs {
  readonly inputs: readonly InputFile[];
  readonly excluded: readonly ExcludedFile[];
}

/**
 * The files that a failed Docker build's output names and that exist in the project on the host but were not in
 * the build context, in the order the output names them. Paths named: absolute paths under {@link CONTEXT_MOUNT},
 * rustc's "couldn't read `<path>`" (relative to the workspace root, where cargo runs rustc), a failed build
 * script's `cargo:rerun-if-changed=<path>` (relative to its package), and, when cargo finds no workspace root for
 * a manifest, the nearest `[workspace]` manifest above it.
 */
export function findMissingInputs(log: string, plan: MissingInputPlan, collected: BuildInputs): MissingInput[] {
  const inputs = new Set(collected.inputs.map((i) => i.relative));
  const found = new Map<string, MissingInput>();
  for (const containerPath of namedPaths(log, plan)) {
    const absolute = toHost(containerPath, plan);
    if (absolute === undefined || !isFile(absolute)) continue;
    const relative = toPosix(path.relative(plan.contextRoot, absolute));
    if (inputs.has(relative) || found.has(absolute)) continue;
    found.set(absolute, {
      absolute,
      relative: toPosix(path.relative(plan.workspaceRoot, absolute)),
      reason: reasonFor(absolute, relative, plan, collected),
    });
  }
  return [...found.values()];
}

/** The paths in the build container that the output names (absolute, possibly with `..` in them). */
function namedPaths(log: string, plan: MissingInputPlan): string[] {
  const workdir = plan.workdir ? `${CONTEXT_MOUNT}/${plan.workdir}` : CONTEXT_MOUNT;
  const named: string[] = [];
  // Absolute paths in the context: not the tail of a longer path (e.g. a crate's `.../registry/src/...`).
  for (const match of log.matchAll(/(?<![\w./~-])\/src(?:\/[^\s`'"(),;]*)?/g)) named.push(trimPosition(match[0]));
  // Concatenated, not joined: `/src/src/../../x` must keep its `..` to map to the host (see toHost).
  for (const match of log.matchAll(/couldn't read `([^`]+)`/g))
    named.push(path.posix.isAbsolute(match[1]) ? match[1] : `${workdir}/${match[1]}`);
  const script = /failed to run custom build command for `[^`(]*\((\/src[^)]*)\)`/.exec(log);
  if (script) {
    for (const match of log.matchAll(/cargo::?rerun-if-changed=(\S+)/g))
      named.push(path.posix.isAbsolute(match[1]) ? match[1] : `${script[1]}/${match[1]}`);
  }
  if (/failed to find a workspace root/.test(log)) {
    for (const match of log.matchAll(/failed to parse manifest at `([^`]+)`/g)) named.push(...workspaceManifestsAbove(match[1], plan));
  }
  return named;
}

/** Where a container path of the context is on the host; undefined for paths outside the context. */
function toHost(containerPath: string, plan: MissingInputPlan): string | undefined {
  if (containerPath !== CONTEXT_MOUNT && !containerPath.startsWith(`${CONTEXT_MOUNT}/`)) return undefined;
  // Joined before normalizing: `/src/app/../../shared/x` is the host's `<context root>/../shared/x`.
  return path.join(plan.contextRoot, ...containerPath.slice(CONTEXT_MOUNT.length).split('/'));
}

/** The `[workspace]` manifest nearest above the manifest at `containerPath`, as a container path, when the host has one. */
function workspaceManifestsAbove(containerPath: string, plan: MissingInputPlan): string[] {
  const manifest = toHost(containerPath, plan);
  if (manifest === undefined) return [];
  for (let dir = path.dirname(path.dirname(manifest)); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'Cargo.toml');
    if (isFile(candidate) && /^\s*\[workspace\]/m.test(fs.readFileSync(candidate, 'utf-8'))) {
      return [`${CONTEXT_MOUNT}/${toPosix(path.relative(plan.contextRoot, candidate))}`];
    }
    if (path.dirname(dir) === dir) return [];
  }
}

function reasonFor(absolute: string, relative: string, plan: MissingInputPlan, collected: BuildInputs): MissingInput['reason'] {
  const excluded = collected.excluded.find((e) => e.relative === relative || (e.relative.endsWith('/') && relative.startsWith(e.relative)));
  if (excluded) return excluded.reason;
  const inside = plan.inputDirs.some((dir) => absolute.startsWith(dir + path.sep)) || plan.inputFiles.includes(absolute);
  if (!inside) return 'outside';
  return looksSecret(absolute) ? 'secret' : 'skipped';
}

/** The problem and fix lines for missing inputs (see {@link findMissingInputs}); undefined when there are none. */
export function describeMissingInputs(missing: readonly MissingInput[]): { problem: string; fix: string } | undefined {
  if (missing.length === 0) return undefined;
  const files = missing.map((m) => `${m.relative} (${WHY[m.reason]})`).join(', ');
  return {
    problem:
      `This is not your code failing: the build reads ${missing.length === 1 ? 'a file' : 'files'} of your project that cdk-rust ` +
      `left out of its build context: ${files}. The files exist on this machine; cdk-rust did not send them to the build.`,
    fix: [...new Set(missing.map((m) => FIX[m.reason]))].map((fix, i) => (i === 0 ? fix : fix[0].toLowerCase() + fix.slice(1))).join('; '),
  };
}

/** Why a file is left out, as the message says it. */
const WHY: Readonly<Record<MissingInput['reason'], string>> = {
  excluded: 'it matches bundling.exclude',
  secret: 'it looks like credentials or a private key',
  'outside-link': 'a link leading outside the project',
  outside: 'outside every workspace member and path dependency, which are all the build context holds',
  skipped: 'in a directory cdk-rust never sends: target/, node_modules/, cdk.out/, version control or a cache',
};

const FIX: Readonly<Record<MissingInput['reason'], string>> = {
  excluded: 'Remove the pattern that matches it from bundling.exclude',
  secret:
    'Give the value with bundling.buildSecrets (the build reads it from an environment variable; cdk-rust never ' +
    'sends a file that looks like credentials to a build), or rename the file if it holds no secret',
  'outside-link': 'Replace the link with the file itself, or with a link to a file inside the package',
  outside:
    'Add the file or its directory to bundling.include (a path relative to the workspace root, as "assets"), so that ' +
    'it is sent to the build and hashed; or move it under the package that reads it',
  skipped: 'Move the file out of target/, node_modules/, cdk.out/ or the cache directory, into the package',
};

/** Drops a `:line:column` (or a trailing `:` or `.`) from a path as compilers print it. */
function trimPosition(p: string): string {
  return p.replace(/(?::\d+)+$/, '').replace(/[:.]+$/, '');
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
