/**
 * How this machine runs a binary: directly when it runs the binary's architecture, otherwise through qemu
 * user-mode emulation (`qemu-aarch64-static` or `qemu-aarch64` for arm64 on an x86_64 host), found on PATH.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { ArchitectureName, fromNodeArch } from '../private/architecture';

/** The command that runs a binary here. */
export interface HostCommand {
  readonly command: string;
  readonly args: string[];
  /** The qemu binary the command runs, when the binary is emulated. */
  readonly emulator?: string;
}

/** The qemu user-mode emulators that run binaries of each architecture, the statically linked one first. */
const QEMU: Readonly<Record<ArchitectureName, readonly string[]>> = {
  arm64: ['qemu-aarch64-static', 'qemu-aarch64'],
  x86_64: ['qemu-x86_64-static', 'qemu-x86_64'],
};

/** The architecture this machine runs natively, by the name Lambda gives it; undefined for any other. */
export function hostArchitecture(): ArchitectureName | undefined {
  return fromNodeArch(process.arch);
}

/**
 * The command that runs `binary`, whose architecture is `architecture` (undefined when unknown: it is then run
 * directly). Fails with `EMULATOR_NOT_FOUND` when the binary needs qemu and no qemu for its architecture is on PATH.
 */
export function hostCommand(binary: string, architecture: ArchitectureName | undefined): HostCommand {
  const host = hostArchitecture();
  if (!architecture || architecture === host) return { command: binary, args: [] };
  const candidates = QEMU[architecture];
  const emulator = candidates.map(findOnPath).find((p) => p !== undefined);
  if (!emulator) {
    throw new CdkRustError(
      'EMULATOR_NOT_FOUND',
      `${binary} is an ${architecture} binary and this machine is ${host ?? process.arch}: running it needs ${candidates.join(' or ')} on PATH, and neither is there.`,
      "install qemu user-mode emulation (on Debian: apt-get install qemu-user-static), or build the function for this machine's architecture to run it locally.",
    );
  }
  return { command: emulator, args: [binary], emulator };
}

/** The first executable file called `name` in a directory of PATH. */
function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
