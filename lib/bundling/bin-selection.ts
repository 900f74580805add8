/**
 * Which bin target a build makes: `binaryName`, or the only bin of the package or workspace, whose source must exist.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { CargoPackage, CargoWorkspace } from './cargo';

/** The package and bin to build: `binaryName` when given, else the only bin there is. */
export function selectBinary(workspace: CargoWorkspace, binaryName: string | undefined): { pkg: CargoPackage; bin: string } {
  const where = workspace.selectedPackage ? `package "${workspace.selectedPackage.name}"` : `workspace ${workspace.manifestPath}`;
  const candidates = (workspace.selectedPackage ? [workspace.selectedPackage] : workspace.members).flatMap((pkg) =>
    pkg.bins.map((bin) => ({ pkg, bin: bin.name })),
  );
  const list = candidates.map((c) => `"${c.bin}" (package ${c.pkg.name})`).join(', ');
  if (binaryName !== undefined) {
    const matches = candidates.filter((c) => c.bin === binaryName);
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) {
      throw new CdkRustError(
        'BINARY_AMBIGUOUS',
        `binaryName: several packages of ${where} have a bin named "${binaryName}": ${matches.map((m) => m.pkg.name).join(', ')}.`,
        'point manifestPath at the Cargo.toml of the package that should be built.',
      );
    }
    throw new CdkRustError(
      'BINARY_NOT_FOUND',
      `binaryName: "${binaryName}" is not a bin target of ${where}.` + (list ? ` Its bins are: ${list}.` : ''),
      list ? 'set binaryName to one of those.' : 'add a [[bin]] target (or src/main.rs) to the package.',
    );
  }
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) {
    throw new CdkRustError(
      'BINARY_NOT_FOUND',
      `${where} has no bin target, so there is nothing to run on Lambda.`,
      'add src/main.rs (or a [[bin]] table) to the package, or point manifestPath at a package that has one.',
    );
  }
  throw new CdkRustError(
    'BINARY_AMBIGUOUS',
    `${where} has several bins, so binaryName is required: ${list}.`,
    'set binaryName to the one this function runs.',
  );
}

/**
 * The selected bin's source file must exist: cargo reads manifests without checking `[[bin]] path`, and would
 * otherwise fail only inside the build, naming the build container's copy of the file.
 */
export function checkBinarySource(pkg: CargoPackage, binName: string, named: boolean): void {
  const bin = pkg.bins.find((b) => b.name === binName);
  if (!bin || fs.existsSync(bin.srcPath)) return;
  const packageDir = path.dirname(pkg.manifestPath);
  const relative = path.relative(packageDir, bin.srcPath).split(path.sep).join('/');
  throw new CdkRustError(
    'BINARY_NOT_FOUND',
    `${named ? 'binaryName' : 'manifestPath'}: the bin "${bin.name}" of package "${pkg.name}" has its source at ${relative}, ` +
      `which does not exist (${bin.srcPath}).`,
    `create ${relative}, or correct \`path\` in the [[bin]] table named "${bin.name}" of ${pkg.manifestPath}.`,
  );
}
