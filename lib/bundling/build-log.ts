/**
 * The log file of one build: everything BuildKit and cargo print, kept after the build so that its path can be
 * printed (quiet builds show only a few lines). Each log is in a fresh directory of mode 0700 under the system's
 * temporary directory and is created new with mode 0600 (a build's output names paths of the developer's machine),
 * so no other user reads it and no planted link redirects it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Creates an empty log file for a build of `name` and returns its path. */
export function createBuildLog(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-build-'));
  fs.chmodSync(dir, 0o700);
  const file = path.join(dir, `${name.replace(/[^A-Za-z0-9._-]/g, '_') || 'build'}.log`);
  fs.writeFileSync(file, '', { mode: 0o600, flag: 'wx' });
  return file;
}
