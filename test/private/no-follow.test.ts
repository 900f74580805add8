/**
 * Reading without following links: a regular file is read; a link (even to a regular file), a fifo or a
 * directory is refused with the caller's error, and nothing is read through it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { EntryKind, entryKindAt, readRegularFile } from '../../lib/private/no-follow';
import { tempDir } from '../support';

/** Reads `file`, returning what was read or the kind that was refused. */
function attempt(file: string): Buffer | EntryKind {
  try {
    return readRegularFile(file, (kind) => Object.assign(new Error(`refused ${kind}`), { kind }));
  } catch (error) {
    if ((error as { kind?: EntryKind }).kind) return (error as { kind: EntryKind }).kind;
    throw error;
  }
}

describe('readRegularFile: reads regular files only, never through a link', () => {
  const dir = tempDir('no-follow');
  const secret = path.join(tempDir('host-secret'), 'credentials');
  fs.writeFileSync(secret, 'host secret');
  fs.writeFileSync(path.join(dir, 'plain'), 'data');
  fs.symlinkSync(secret, path.join(dir, 'to-secret'));
  fs.mkdirSync(path.join(dir, 'sub'));

  test('a regular file is read', () => {
    expect(attempt(path.join(dir, 'plain'))).toEqual(Buffer.from('data'));
  });

  test('a link to a file of this machine is refused as a symbolic link, and its target is not read', () => {
    expect(attempt(path.join(dir, 'to-secret'))).toBe('symbolic link');
  });

  test('a fifo is refused without being opened (nothing waits on it); a directory is refused', () => {
    expect(spawnSync('mkfifo', [path.join(dir, 'pipe')]).status).toBe(0);
    expect(attempt(path.join(dir, 'pipe'))).toBe('fifo');
    expect(attempt(path.join(dir, 'sub'))).toBe('directory');
  });

  test('a missing file throws ENOENT, as reading it would', () => {
    expect(() => attempt(path.join(dir, 'missing'))).toThrow(/ENOENT/);
  });

  test('entryKindAt tells a link from what it leads to, and a missing entry from both', () => {
    expect(entryKindAt(path.join(dir, 'to-secret'))).toBe('symbolic link');
    expect(entryKindAt(path.join(dir, 'plain'))).toBe('file');
    expect(entryKindAt(path.join(dir, 'sub'))).toBe('directory');
    expect(entryKindAt(path.join(dir, 'missing'))).toBeUndefined();
  });
});
