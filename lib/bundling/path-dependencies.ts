/**
 * Path dependencies that are not members of the workspace (outside its root, or inside it but no member, as a
 * `[patch.crates-io]` fork under `vendor/`): their directories are build inputs, and so is the root manifest of
 * each other workspace they belong to when they inherit from it (`version.workspace = true`,
 * `serde = { workspace = true }`): without it cargo stops with "failed to find a workspace root", as the
 * examples of the official Lambda runtime repository do (`lambda_runtime = { path = "../../lambda-runtime" }`).
 *
 * Manifests are read with a TOML parser: a dependency's `path` is relative to the manifest that names it, and an
 * inherited dependency's `path` is relative to the root manifest that declares it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'smol-toml';

/** What the build needs from outside the workspace. */
export interface ExternalPathInputs {
  /** Absolute directories of path dependencies that are not workspace members (and theirs, in turn), sorted. */
  readonly directories: string[];
  /** Absolute paths of the root manifests of other workspaces that those dependencies inherit from, sorted. */
  readonly workspaceManifests: string[];
}

type Table = Record<string, unknown>;

/** The sections of a manifest that hold dependencies, besides the ones under `[target.<cfg>]`. */
const DEPENDENCY_SECTIONS = ['dependencies', 'build-dependencies', 'dev-dependencies'];

/**
 * The path dependencies that are not members (`memberDirs`) reached from `direct` (the members' own path
 * dependencies and the workspace's `[patch]` and `[replace]` paths, absolute), and the root manifests of the other
 * workspaces they inherit from.
 */
export function findExternalPathInputs(root: string, memberDirs: readonly string[], direct: readonly string[]): ExternalPathInputs {
  const inside = (dir: string) => dir === root || dir.startsWith(root + path.sep);
  const isMember = (dir: string) => memberDirs.some((m) => dir === m || dir.startsWith(m + path.sep));
  const directories = new Set<string>();
  const workspaceManifests = new Set<string>();
  const queue = direct.map((d) => path.resolve(d)).filter((d) => !isMember(d));
  const enqueue = (dir: string) => {
    if (!isMember(dir) && fs.existsSync(path.join(dir, 'Cargo.toml'))) queue.push(dir);
  };
  while (queue.length > 0) {
    const dir = queue.shift() as string;
    if (directories.has(dir)) continue;
    directories.add(dir);
    const manifest = readManifest(path.join(dir, 'Cargo.toml'));
    if (!manifest) continue;
    const dependencies = dependencyTables(manifest);
    for (const spec of dependencies) {
      if (typeof spec.path === 'string') enqueue(path.resolve(dir, spec.path));
    }
    if (!inherits(manifest)) continue;
    const rootManifest = workspaceRootOf(dir, manifest);
    if (!rootManifest || inside(path.dirname(rootManifest))) continue;
    workspaceManifests.add(rootManifest);
    for (const dependency of inheritedPathDependencies(manifest, rootManifest)) enqueue(dependency);
  }
  return { directories: [...directories].sort(), workspaceManifests: [...workspaceManifests].sort() };
}

/**
 * The directories of the `[patch.<source>]` and `[replace]` entries of the workspace's root manifest that name a
 * `path` (relative to it): cargo builds them in place of the crates they patch, though they are no members.
 */
export function patchedPaths(rootManifest: string): string[] {
  const manifest = readManifest(rootManifest);
  const tables = [...Object.values(asTable(manifest?.patch) ?? {}).map(asTable), asTable(manifest?.replace)];
  return tables
    .flatMap((table) => Object.values(table ?? {}).map(asTable))
    .map((spec) => spec?.path)
    .filter((p): p is string => typeof p === 'string')
    .map((p) => path.resolve(path.dirname(rootManifest), p));
}

/** The parsed manifest, or undefined when it is missing or not TOML (cargo itself then reports the problem). */
function readManifest(file: string): Table | undefined {
  try {
    return parse(fs.readFileSync(file, 'utf-8')) as Table;
  } catch {
    return undefined;
  }
}

function asTable(value: unknown): Table | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Table) : undefined;
}

/** Every dependency table of a manifest: `[dependencies]` and its kin, also under `[target.<cfg>]`. */
function dependencyTables(manifest: Table): Table[] {
  const sections = [manifest, ...Object.values(asTable(manifest.target) ?? {}).map(asTable)].filter((t): t is Table => !!t);
  return sections.flatMap((section) =>
    DEPENDENCY_SECTIONS.flatMap((name) => Object.values(asTable(section[name]) ?? {}).map(asTable)).filter((t): t is Table => !!t),
  );
}

/** True when the manifest inherits anything from its workspace (a field or a dependency with `workspace = true`). */
function inherits(manifest: Table): boolean {
  const inheritsField = (table: Table | undefined) => Object.values(table ?? {}).some((v) => asTable(v)?.workspace === true);
  return (
    inheritsField(asTable(manifest.package)) ||
    dependencyTables(manifest).some((d) => d.workspace === true) ||
    asTable(manifest.lints)?.workspace === true
  );
}

/**
 * The root manifest of the workspace `dir`'s package belongs to, found as cargo finds it: `package.workspace`
 * when set, else the nearest parent directory whose Cargo.toml has a `[workspace]` table.
 */
function workspaceRootOf(dir: string, manifest: Table): string | undefined {
  if (asTable(manifest.workspace)) return undefined; // the package is its own workspace root, already an input
  const explicit = asTable(manifest.package)?.workspace;
  if (typeof explicit === 'string') return path.join(path.resolve(dir, explicit), 'Cargo.toml');
  for (let parent = path.dirname(dir); ; parent = path.dirname(parent)) {
    const candidate = path.join(parent, 'Cargo.toml');
    if (fs.existsSync(candidate) && asTable(readManifest(candidate)?.workspace)) return candidate;
    if (path.dirname(parent) === parent) return undefined;
  }
}

/** The directories of the path dependencies `manifest` inherits from `[workspace.dependencies]` of `rootManifest`. */
function inheritedPathDependencies(manifest: Table, rootManifest: string): string[] {
  const declared = asTable(asTable(readManifest(rootManifest)?.workspace)?.dependencies) ?? {};
  const names = new Set<string>();
  for (const section of [manifest, ...Object.values(asTable(manifest.target) ?? {}).map(asTable)]) {
    for (const name of DEPENDENCY_SECTIONS) {
      for (const [dep, spec] of Object.entries(asTable(section?.[name]) ?? {})) if (asTable(spec)?.workspace === true) names.add(dep);
    }
  }
  return [...names]
    .map((name) => asTable(declared[name])?.path)
    .filter((p): p is string => typeof p === 'string')
    .map((p) => path.resolve(path.dirname(rootManifest), p));
}
