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
export function readRegularFile(file: string, refuse: (kind: EntryKind) => Error = notARegularFile(file)): Buffer {
  const fd = openRegularFile(file, refuse);
  try {
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Opens `file` for reading as {@link readRegularFile} reads it (never through a link, never waiting on a fifo);
 * the caller closes the descriptor.
 */
export function openRegularFile(file: string, refuse: (kind: EntryKind) => Error = notARegularFile(file)): number {
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
  const opened = entryKind(fs.fstatSync(fd));
  if (opened !== 'file') {
    fs.closeSync(fd);
    throw refuse(opened);
  }
  return fd;
}

/** The default refusal: a plain error naming the file and what it is. */
function notARegularFile(file: string): (kind: EntryKind) => Error {
  return (kind) => new Error(`${file} is a ${kind}, not a regular file`);
}
