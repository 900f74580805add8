/**
 * Files a cloud assembly names (manifests, templates, nested assemblies, asset directories), resolved only inside
 * the assembly itself.
 */
import * as path from 'path';
import { CdkRustError } from '../errors';
import { realPathInside } from './confined-path';

/**
 * The real path of `relative` (a file or directory the manifest of the assembly in `dir` names), which must be
 * inside the root assembly: an assembly that names files elsewhere was not written by `cdk synth`, and is refused.
 */
export function assemblyFile(root: string, dir: string, relative: string, what: string): string {
  const real = realPathInside(root, path.resolve(dir, relative));
  if (real === undefined) {
    throw new CdkRustError(
      'INVALID_ASSEMBLY',
      `${what}, ${JSON.stringify(relative)}, resolves to a path outside the cloud assembly ${root} (or to a broken symlink): cdk-rust reads nothing outside it.`,
      'synthesize the app again (`cdk synth`) and point at the directory it writes; do not use a cloud assembly you did not synthesize.',
    );
  }
  return real;
}
