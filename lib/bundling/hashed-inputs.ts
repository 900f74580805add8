/**
 * The inputs a bin's asset hash covers: every build input except the files of workspace members the bin's package
 * does not depend on. An edit to one function's own crate then changes only that function's asset, while the
 * build context still holds the whole workspace (cargo needs every member's manifest to load it).
 *
 * A file belongs to the member whose directory is the deepest one holding it. Members the package reaches through
 * `path` dependencies (transitively), members that `[patch]` or `[replace]` substitute into the graph, and files
 * that belong to no member (the workspace's Cargo.toml and Cargo.lock, `.cargo/`, toolchain files, directories
 * named in `bundling.include`, path dependencies outside the workspace) are always covered, and so is every
 * member's Cargo.toml: dependency features are resolved for the whole workspace (cargo-args.ts).
 */
import * as path from 'path';
import { CargoWorkspace } from './cargo';
import { InputFile } from './hash';
import { patchedPaths } from './path-dependencies';

/** The inputs of `inputs` that can change the binary of `packageName`'s bin. */
export function hashedInputs(workspace: CargoWorkspace, packageName: string, inputs: readonly InputFile[]): InputFile[] {
  const dirOf = (manifest: string) => path.dirname(manifest);
  const memberDirs = workspace.members.map((m) => dirOf(m.manifestPath)).sort((a, b) => b.length - a.length);
  const related = relatedMemberDirs(workspace, packageName);
  // Every member's manifest: the build resolves dependency features for the whole workspace (cargo-args.ts).
  const always = new Set([
    path.join(workspace.root, 'Cargo.lock'),
    ...workspace.members.map((m) => m.manifestPath),
    path.join(workspace.root, 'Cargo.toml'),
  ]);
  return inputs.filter((input) => {
    if (always.has(input.absolute)) return true;
    const owner = memberDirs.find((dir) => input.absolute.startsWith(dir + path.sep));
    return owner === undefined || related.has(owner);
  });
}

/** The directories of the package and of every member it reaches through path dependencies or patches. */
function relatedMemberDirs(workspace: CargoWorkspace, packageName: string): Set<string> {
  const byDir = new Map(workspace.members.map((m) => [path.dirname(m.manifestPath), m]));
  const start = workspace.members.find((m) => m.name === packageName);
  // A package that is not a member (cannot happen for a planned build): every member counts.
  if (!start) return new Set(byDir.keys());
  const patched = patchedPaths(path.join(workspace.root, 'Cargo.toml')).map((p) => path.resolve(p));
  const queue = [path.dirname(start.manifestPath), ...patched.filter((dir) => byDir.has(dir))];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const dir = queue.pop()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    for (const dep of byDir.get(dir)?.pathDependencies ?? []) {
      if (byDir.has(path.resolve(dep))) queue.push(path.resolve(dep));
    }
  }
  return seen;
}
