/**
 * Files that hold values no other user may read (build secrets, a container's environment): each written with
 * mode 0600, new (never over an existing file), in a fresh directory of mode 0700 under the system's temporary
 * directory, outside any build context. The caller removes them when done, whatever happens.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Private files on disk. */
export interface PrivateFiles {
  /** The path of each file, by the name it was given. */
  readonly paths: Readonly<Record<string, string>>;
  /** Deletes the files and their directory; safe to call more than once. */
  remove(): void;
}

/**
 * Writes each of `contents` (file name → text) into a new private directory named `<prefix>XXXXXX`. Names must be
 * plain file names. On failure nothing is left behind.
 */
export function writePrivateFiles(prefix: string, contents: Readonly<Record<string, string>>): PrivateFiles {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    fs.chmodSync(dir, 0o700);
    const paths: Record<string, string> = {};
    for (const [name, text] of Object.entries(contents)) {
      if (name !== path.basename(name) || name === '.' || name === '..') throw new Error(`not a plain file name: ${name}`);
      paths[name] = path.join(dir, name);
      fs.writeFileSync(paths[name], text, { mode: 0o600, flag: 'wx' });
    }
    return { paths, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
