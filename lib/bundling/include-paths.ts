/**
 * `bundling.include`: files and directories of the project that no member or path dependency holds but the build
 * reads, such as a workspace-level `assets/` that `include_bytes!` reaches or a `migrations/` directory that
 * `sqlx::migrate!` reads. They join the build's inputs: hashed and sent to the build like the members' files.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { entryKindAt } from '../private/no-follow';

/** The absolute directories and files `bundling.include` adds to the build's inputs. */
export interface IncludedPaths {
  readonly dirs: string[];
  readonly files: string[];
}

/** Checks each path (relative to `workspaceRoot`) and sorts it into a directory or a file. */
export function planIncludePaths(include: readonly string[], workspaceRoot: string): IncludedPaths {
  const dirs: string[] = [];
  const files: string[] = [];
  include.forEach((entry, index) => {
    const prop = `bundling.include[${index}]`;
    if (typeof entry !== 'string' || entry.trim() === '' || path.isAbsolute(entry) || /[\r\n\0]/.test(entry)) {
      throw new CdkRustError(
        'INVALID_PROP',
        `${prop}: ${JSON.stringify(entry)} is not a path relative to the workspace root (${workspaceRoot}).`,
        'give a relative path, as "assets" or "../shared/templates".',
      );
    }
    const absolute = path.resolve(workspaceRoot, entry);
    const kind = entryKindAt(absolute);
    if (kind === 'directory') dirs.push(absolute);
    else if (kind === 'file') files.push(absolute);
    else {
      throw new CdkRustError(
        'INVALID_PROP',
        `${prop}: ${kind === undefined ? 'there is nothing' : `there is a ${kind}`} at ${absolute}.`,
        kind === 'symbolic link'
          ? 'name the file or directory the link leads to: a link never leads a build outside what it names.'
          : 'give a file or directory of the project, relative to the workspace root.',
      );
    }
    if (path.parse(absolute).root === absolute || fs.realpathSync(absolute) === fs.realpathSync(os.homedir())) {
      throw new CdkRustError(
        'INVALID_PROP',
        `${prop}: ${absolute} is not a project directory.`,
        'name the directory the build reads, as "assets".',
      );
    }
  });
  return { dirs: dirs.sort(), files: files.sort() };
}
