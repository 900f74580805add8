/**
 * Choosing how this machine runs a binary: directly, or through a qemu user-mode emulator found on PATH.
 * The emulators here are empty executable files in a temporary PATH directory: nothing is run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { hostArchitecture, hostCommand } from '../../lib/invoke/emulator';
import { ArchitectureName } from '../../lib/private/architecture';
import { expectCdkRustError, tempDir, thrownBy } from '../support';

const BINARY = '/assets/asset.0123/bootstrap';

/** A directory holding an executable file for each name, for PATH. */
function pathWith(...names: string[]): string {
  const dir = tempDir('path');
  for (const name of names) fs.writeFileSync(path.join(dir, name), '', { mode: 0o755 });
  return dir;
}

/** Runs `fn` with PATH set to `value`. */
function withPath<T>(value: string, fn: () => T): T {
  const saved = process.env.PATH;
  process.env.PATH = value;
  try {
    return fn();
  } finally {
    process.env.PATH = saved;
  }
}

describe("hostArchitecture: this machine's architecture, by the name Lambda gives it", () => {
  test("Node's x64 is x86_64 and its arm64 is arm64", () => {
    expect(hostArchitecture()).toBe(({ x64: 'x86_64', arm64: 'arm64' } as Record<string, string>)[process.arch]);
  });
});

describe("hostCommand: a binary of this machine's architecture runs directly; another one through qemu", () => {
  const host = hostArchitecture() as ArchitectureName;
  const other: ArchitectureName = host === 'x86_64' ? 'arm64' : 'x86_64';
  const qemu = other === 'arm64' ? 'qemu-aarch64' : 'qemu-x86_64';

  test("a binary of this machine's architecture, or of an unknown one, is run as it is", () => {
    expect(hostCommand(BINARY, host)).toEqual({ command: BINARY, args: [] });
    expect(hostCommand(BINARY, undefined)).toEqual({ command: BINARY, args: [] });
  });

  test('a binary of the other architecture runs through the statically linked qemu first, else the other one', () => {
    const both = pathWith(`${qemu}-static`, qemu);
    expect(withPath(both, () => hostCommand(BINARY, other))).toEqual({
      command: path.join(both, `${qemu}-static`),
      args: [BINARY],
      emulator: path.join(both, `${qemu}-static`),
    });
    const dynamicOnly = pathWith(qemu);
    expect(withPath(`${tempDir('empty')}${path.delimiter}${dynamicOnly}`, () => hostCommand(BINARY, other))).toEqual({
      command: path.join(dynamicOnly, qemu),
      args: [BINARY],
      emulator: path.join(dynamicOnly, qemu),
    });
  });

  test('a qemu file that is not executable, or a directory of that name, does not count', () => {
    const dir = tempDir('path');
    fs.writeFileSync(path.join(dir, `${qemu}-static`), '', { mode: 0o644 });
    fs.mkdirSync(path.join(dir, qemu));
    const error = withPath(dir, () => thrownBy(() => hostCommand(BINARY, other))) as { code?: string };
    // Even for root, a file with no x bit is not executable.
    expect(error?.code).toBe('EMULATOR_NOT_FOUND');
  });

  test('without qemu on PATH, it fails with EMULATOR_NOT_FOUND naming the emulators it looked for, and how to install them', () => {
    withPath(tempDir('empty-path'), () =>
      expectCdkRustError(
        () => hostCommand(BINARY, other),
        'EMULATOR_NOT_FOUND',
        `${BINARY} is an ${other} binary and this machine is ${host}: running it needs ${qemu}-static or ${qemu} on PATH, and neither is there.`,
        'Fix: install qemu user-mode emulation (on Debian: apt-get install qemu-user-static)',
      ),
    );
  });
});
