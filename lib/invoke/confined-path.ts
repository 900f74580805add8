/**
 * Paths confined to a directory: what an untrusted cloud assembly names is followed only while its real
 * path stays inside the assembly.
 */
import * as fs from 'fs';
import * as path from 'path';

/**
 * The real path of `target` when it lies inside `root` (a real path), else undefined. A target that does not exist
 * is resolved through its longest existing ancestor (so that a missing asset is still reported as missing); a
 * broken or looping symlink on the way counts as outside, since it could later point anywhere.
 */
export function realPathInside(root: string, target: string): string | undefined {
  const missing: string[] = [];
  let existing = path.resolve(target);
  for (;;) {
    try {
      const real = path.join(fs.realpathSync(existing), ...missing);
      const relative = path.relative(root, real);
      const inside = relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
      return inside ? real : undefined;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return undefined;
      if (isSymlink(existing)) return undefined;
      const parent = path.dirname(existing);
      if (parent === existing) return undefined;
      missing.unshift(path.basename(existing));
      existing = parent;
    }
  }
}

function isSymlink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}
