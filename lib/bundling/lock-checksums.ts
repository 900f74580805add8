/**
 * What Cargo.lock pins, as the build cache needs it: the registry crates with their SHA-256
 * checksums, and the git dependencies with their locked commits. The build cache's dependency
 * archive holds exactly these (a save archives nothing else, a restore admits nothing else), so the
 * lock file of the build, which is part of its sources, is the trust anchor for the dependencies.
 *
 * Cargo writes the lock file itself, in a fixed shape: `[[package]]` tables of `key = "value"`
 * lines. Only those lines are read; a package whose fields do not have the expected form (a name
 * that is not a crate name, a checksum that is not 64 hex digits, a commit that is not 40) is left
 * out, so nothing read here can reach a shell or a path unchecked. A lock file of format 1 (checksums
 * in a `[metadata]` table) gives no registry crates: they are downloaded again, never trusted unchecked.
 */
import * as fs from 'fs';

/** A registry crate the lock file pins. */
export interface LockedCrate {
  readonly name: string;
  readonly version: string;
  /** The SHA-256 of the `.crate` file, as Cargo.lock records it. */
  readonly checksum: string;
}

/** A git dependency the lock file pins. */
export interface LockedGitSource {
  /** The name cargo gives its clone under `$CARGO_HOME/git/db/<name>-<hash>`: the URL's last path segment without `.git`. */
  readonly name: string;
  /** The locked commit (40 hex digits). */
  readonly rev: string;
}

/** Everything the lock file pins that the build cache keeps. */
export interface LockedSources {
  readonly crates: LockedCrate[];
  readonly git: LockedGitSource[];
}

const CRATE_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const VERSION = /^[0-9A-Za-z.+-]{1,64}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const GIT_SOURCE = /^git\+([^?#]+)(?:\?[^#]*)?#([0-9a-f]{40})$/;

/** Reads what `lockFile` pins; nothing when there is no lock file. */
export function readLockedSources(lockFile: string | undefined): LockedSources {
  if (!lockFile || !fs.existsSync(lockFile)) return { crates: [], git: [] };
  return parseLockedSources(fs.readFileSync(lockFile, 'utf-8'));
}

/** The registry crates and git sources of Cargo.lock's text, sorted, without duplicates. */
export function parseLockedSources(text: string): LockedSources {
  const crates = new Map<string, LockedCrate>();
  const git = new Map<string, LockedGitSource>();
  for (const fields of packageTables(text)) {
    const { name, version, source, checksum } = fields;
    if (!name || !version || !source || !CRATE_NAME.test(name) || !VERSION.test(version)) continue;
    if (/^(registry|sparse)\+/.test(source) && checksum && SHA256.test(checksum)) {
      crates.set(`${name}-${version}`, { name, version, checksum });
    }
    const gitSource = GIT_SOURCE.exec(source);
    const repo = gitSource && gitRepositoryName(gitSource[1]);
    if (gitSource && repo) git.set(`${repo} ${gitSource[2]}`, { name: repo, rev: gitSource[2] });
  }
  const byKey = <T>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
  return { crates: byKey(crates), git: byKey(git) };
}

/**
 * The list a save and a seed build read (the context file `lock-deps`): one line per pinned item,
 * `crate <name>-<version> <sha256>` or `git <name> <rev>`. Every word was checked against a strict
 * pattern, so the shell scripts reading it see no glob, space or quote.
 */
export function lockDepsList(sources: LockedSources): string {
  return [
    ...sources.crates.map((c) => `crate ${c.name}-${c.version} ${c.checksum}\n`),
    ...sources.git.map((g) => `git ${g.name} ${g.rev}\n`),
  ].join('');
}

/** The name of a git repository's clone: the URL's last path segment without `.git`; undefined when not a plain word. */
function gitRepositoryName(url: string): string | undefined {
  const name =
    url
      .replace(/\/+$/, '')
      .split('/')
      .pop()
      ?.replace(/\.git$/, '') ?? '';
  return /^[A-Za-z0-9._-]{1,100}$/.test(name) && !/^\.+$/.test(name) ? name : undefined;
}

/** The `key = "value"` fields of each `[[package]]` table (arrays and other tables skipped). */
function packageTables(text: string): Array<Record<string, string>> {
  const tables: Array<Record<string, string>> = [];
  let current: Record<string, string> | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*\[/.test(line)) {
      current = /^\s*\[\[package\]\]\s*$/.test(line) ? {} : undefined;
      if (current) tables.push(current);
      continue;
    }
    const field = /^\s*([a-z]+)\s*=\s*"([^"\\]*)"\s*$/.exec(line);
    if (current && field && !Object.prototype.hasOwnProperty.call(current, field[1])) current[field[1]] = field[2];
  }
  return tables;
}
