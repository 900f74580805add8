/**
 * `--config PATH` in `bundling.cargoArgs`: a configuration file that changes the build. Cargo reads
 * `--config VALUE` as a file when `VALUE` names one relative to where it runs (the workspace root, in
 * Docker as on the host), and as inline TOML (`KEY=VALUE`) otherwise. An inline value is already part
 * of the asset hash as an argument; a file's contents must be too, and the file must be in the build
 * context, since Docker builds see only the context. So a file is taken only below the workspace root,
 * named relative to it: it then becomes a build input (hashed, and copied into the context).
 */
import * as fs from 'fs';
import * as path from 'path';
import { CdkRustError } from '../errors';

/** One `--config` file of cargoArgs. */
export interface CargoConfigFile {
  /** The absolute path of the file. */
  readonly absolute: string;
  /** Where it is in cargoArgs, as the user wrote it: `bundling.cargoArgs[3]`. */
  readonly prop: string;
}

/** The `--config` files that `cargoArgs` names; throws INVALID_PROP for one that no build could read. */
export function cargoConfigFileArgs(cargoArgs: readonly string[], workspaceRoot: string): CargoConfigFile[] {
  const files: CargoConfigFile[] = [];
  for (let i = 0; i < cargoArgs.length; i++) {
    let value: string | undefined;
    let index = i;
    if (cargoArgs[i] === '--config') [value, index, i] = [cargoArgs[i + 1], i + 1, i + 1];
    else if (cargoArgs[i].startsWith('--config=')) value = cargoArgs[i].slice('--config='.length);
    // A `--config` without a value: cargo reports it.
    const file = value === undefined ? undefined : configFile(value, `bundling.cargoArgs[${index}]`, workspaceRoot);
    if (file) files.push(file);
  }
  return files;
}

function configFile(value: string, prop: string, workspaceRoot: string): CargoConfigFile | undefined {
  const candidate = path.resolve(workspaceRoot, value);
  const exists = value !== '' && fs.existsSync(candidate);
  if (!exists) {
    if (value.includes('=') && !/\.toml$/i.test(value)) return undefined; // inline TOML: hashed as an argument
    throw new CdkRustError(
      'INVALID_PROP',
      `${prop}: the --config file "${value}" does not exist (relative to the workspace root ${workspaceRoot}).`,
      'create the file below the workspace root and name it relative to it, or give inline TOML such as --config "build.jobs=2".',
    );
  }
  if (path.isAbsolute(value)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `${prop}: the --config file "${value}" is an absolute path, which does not exist inside the Docker build.`,
      'keep the file below the workspace root and name it relative to the root, e.g. "--config", "ci/cargo.toml".',
    );
  }
  const real = fs.realpathSync(candidate);
  const root = realDir(workspaceRoot);
  if (!real.startsWith(root + path.sep) || !fs.statSync(real).isFile()) {
    throw new CdkRustError(
      'INVALID_PROP',
      `${prop}: the --config file "${value}" is ${fs.statSync(real).isFile() ? 'outside the workspace' : 'not a file'}, so it cannot be part of the build context.`,
      'move the file below the workspace root (or copy it there) and name it relative to the root.',
    );
  }
  return { absolute: candidate, prop };
}

function realDir(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}
