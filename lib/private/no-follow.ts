/**
 * Reading what a build produced without following links. A build script can leave a symbolic link where a
 * file is expected; the link means nothing inside the build, but on this machine it resolves to this machine's
 * files (`/home/you/.aws/credentials`), so following it would read them into an asset or an image.
 */
import * as fs from 'fs';

/** What a directory entry is, from its `lstat`: a link is a link, whatever it points at. */
export type EntryKind = 'file' | 'directory' | 'symbolic link' | 'device' | 'fifo' | 'socket';

/** The kind of the entry `stat` (from `lstat` or `fstat`) describes. */
export function entryKind(stat: fs.Stats): EntryKind {
  if (stat.isSymbolicLink()) return 'symbolic link';
  if (stat.isFile()) return 'file';
  if (stat.isDirectory()) return 'directory';
  if (stat.isFIFO()) return 'fifo';
  if (stat.isSocket()) return 'socket';
  return 'device';
}

/** The kind of the entry at `file`, without following a link; undefined when there is none. */
export function entryKindAt(file: string): EntryKind | undefined {
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  return stat && entryKind(stat);
}

/**
 * The bytes of `file`, which must itself be a regular file: a link (even to a regular file), a directory, a
 * fifo, a socket or a device is refused with the error `refuse(kind)` returns. The file is opened with
 * `O_NOFOLLOW` and checked again once open, so a link swapped in after the first check is refused too, and a
 * fifo is never waited on. Other errors (no such file, no permission) are thrown as they are.
 */
export function readRegularFile(file: string, refuse: (kind: EntryKind) => Error): Buffer {
  const kind = entryKindAt(file);
  // No entry at all: opening it below throws ENOENT, naming the file.
  if (kind !== undefined && kind !== 'file') throw refuse(kind);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  } catch (error) {
    // O_NOFOLLOW on a link fails with ELOOP.
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw refuse('symbolic link');
    throw error;
  }
  try {
    const opened = entryKind(fs.fstatSync(fd));
    if (opened !== 'file') throw refuse(opened);
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
