/**
 * File-system safety in the build cache directory, which whoever restored or shared it may have
 * arranged: its own folders (the root, `entries`, `objects`, `tmp`) must be real directories, never
 * links; entry and archive files must be regular files, opened without following a link; and
 * cdk-rust deletes only work directories it created (a `<pid>-<uuid>` name, a real directory, its
 * marker file inside), resolved to a path inside the cache directory right before deleting.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The file cdk-rust writes into each work directory it creates, to know it as its own. */
export const WORK_MARKER = '.cdk-rust-work';

/** The name of a work directory: the creating process's pid and a random UUID. */
export const WORK_NAME = /^[1-9][0-9]{0,9}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Why `dir` cannot be used as a folder of the cache (a link, or not a directory), or undefined when
 * it is a real directory or does not exist yet.
 */
export function folderProblem(dir: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : `${dir} cannot be read (${(error as Error).message})`;
  }
  if (stat.isSymbolicLink()) return `${dir} is a symbolic link, which the cache never follows`;
  if (!stat.isDirectory()) return `${dir} is not a directory`;
  return undefined;
}

/** True when `dir`, in the folder `tmp`, is a work directory cdk-rust created (name, real directory, marker). */
export function isOwnWorkDirectory(tmp: string, name: string): boolean {
  if (!WORK_NAME.test(name)) return false;
  const dir = path.join(tmp, name);
  try {
    return fs.lstatSync(dir).isDirectory() && fs.lstatSync(path.join(dir, WORK_MARKER)).isFile();
  } catch {
    return false;
  }
}

/**
 * Deletes `target` (a file, or a directory with its contents; links inside are removed, never
 * followed) only when it is not itself a link and resolves to a path strictly inside `root`, whose
 * every folder on the way is a real directory. Returns whether it was deleted (or was already gone).
 */
export function removeInside(root: string, target: string): boolean {
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(root);
  } catch {
    return false;
  }
  const relative = path.relative(root, target);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return false;
  // Every folder between the root and the target must be a real directory (no link to elsewhere).
  const parts = relative.split(path.sep);
  for (let i = 1; i < parts.length; i++) {
    if (folderProblem(path.join(root, ...parts.slice(0, i))) !== undefined) return false;
  }
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(target);
  } catch {
    return true;
  }
  if (stat.isSymbolicLink()) return false;
  const real = fs.realpathSync(target);
  if (!real.startsWith(realRoot + path.sep)) return false;
  fs.rmSync(target, { recursive: true, force: true });
  return true;
}
