/**
 * The check of what a build exported, made on this machine before anything reads, moves or chmods it: a build
 * output is data, regular files and directories only.
 *
 * Build scripts (the crate's and every dependency's) run as root in the builder container and can replace
 * anything there, even the tools that copy the binary out. A symbolic link they leave in the output means nothing
 * inside the build, but here it resolves to this machine's files: following it would put a credentials file in
 * the asset or the image, and `chmod` through it would change a file of yours. Devices, fifos and sockets are no
 * data either.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { entryKind } from '../private/no-follow';

/**
 * Throws BUILD_FAILED, naming the entry by its path inside `exportDir`, unless everything under `exportDir` is a
 * regular file or a directory. Never follows a link: each entry is `lstat`ed, and only real directories are
 * entered. `binaryName` names the build in the message.
 */
export function checkBuildOutput(exportDir: string, binaryName: string): void {
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const entry = path.join(dir, name);
      const kind = entryKind(fs.lstatSync(entry));
      if (kind === 'directory') walk(entry);
      else if (kind !== 'file') throw refused(path.relative(exportDir, entry), kind, entry, binaryName);
    }
  };
  walk(exportDir);
}

function refused(relative: string, kind: string, entry: string, binaryName: string): CdkRustError {
  const target = kind === 'symbolic link' ? ` to ${JSON.stringify(fs.readlinkSync(entry))}` : '';
  return new CdkRustError(
    'BUILD_FAILED',
    `the build of ${binaryName} exported "${relative.split(path.sep).join('/')}" as a ${kind}${target}, which cdk-rust refuses: ` +
      'a build output must be data (regular files and directories), never a link to, or a device of, the machine that builds. ' +
      "cdk-rust's own steps copy file contents, so a build script of the crate or of one of its dependencies made it " +
      '(build scripts run as root in the builder container). Nothing was read through it, and nothing of the build was kept.',
    'find the dependency whose build script writes outside its OUT_DIR (`cargo build -vv` shows each build script as it runs) and remove ' +
      'or replace it; a build script must only write under OUT_DIR.',
  );
}
