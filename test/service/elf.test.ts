/**
 * The binary check: only a static 64-bit ELF executable for the image's architecture can run in an image with no
 * loader, no C library and nothing else; on hand-written ELF files and on this machine's /bin/true.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { checkStaticExecutable, readElfExecutable } from '../../lib/service/elf';
import { describeBinary, expectCdkRustError, hasInterpreter } from '../support';
import { dynamicElf, GLIBC_LOADER, STATIC_OUTPUT, staticElf, writeTemp } from './fixtures';

describe('checkStaticExecutable: a static executable for the right machine goes in', () => {
  test('the hand-written x86-64 fixture is a real static executable: `file` says so, it has no PT_INTERP, and it runs', () => {
    const file = writeTemp(staticElf('x86_64'));
    expect(describeBinary(file)).toMatch(/^ELF 64-bit LSB executable, x86-64.*statically linked/);
    expect(hasInterpreter(file)).toBe(false);
    const run = spawnSync(file, [], { encoding: 'utf-8' });
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 0, stdout: STATIC_OUTPUT });
    expect(() => checkStaticExecutable(staticElf('x86_64'), 'x86_64', file)).not.toThrow();
  });

  test('a static AArch64 executable goes into an arm64 image', () => {
    expect(describeBinary(writeTemp(staticElf('arm64')))).toMatch(/^ELF 64-bit LSB executable, ARM aarch64.*statically linked/);
    expect(readElfExecutable(staticElf('arm64'))).toEqual({ architecture: 'arm64', interpreter: undefined });
    expect(() => checkStaticExecutable(staticElf('arm64'), 'arm64', 'api')).not.toThrow();
  });

  test('a static position-independent executable (ET_DYN without PT_INTERP, what Rust builds for musl) goes in', () => {
    const pie = staticElf('x86_64');
    pie.writeUInt16LE(3, 16); // ET_DYN
    expect(() => checkStaticExecutable(pie, 'x86_64', 'api')).not.toThrow();
  });
});

describe('checkStaticExecutable: anything else is refused with INVALID_IMAGE or ARCHITECTURE_MISMATCH, and the fix', () => {
  test("this machine's /bin/true, linked against glibc, is refused: it names the loader the image does not have, and the musl target", () => {
    expect(hasInterpreter('/bin/true')).toBe(true);
    expectCdkRustError(
      () => checkStaticExecutable(fs.readFileSync('/bin/true'), 'x86_64', '/bin/true'),
      'INVALID_IMAGE',
      'the binary /bin/true is dynamically linked (it asks for the loader /lib64/ld-linux-x86-64.so.2, as a glibc build does)',
      'the image has no loader and no C library, so it could not start.',
      'Fix: build it for the musl target x86_64-unknown-linux-musl, which links statically.',
    );
  });

  test('a dynamic AArch64 executable is refused naming its loader and aarch64-unknown-linux-musl', () => {
    expect(readElfExecutable(dynamicElf('arm64'))).toEqual({ architecture: 'arm64', interpreter: GLIBC_LOADER.arm64 });
    expectCdkRustError(
      () => checkStaticExecutable(dynamicElf('arm64'), 'arm64', '"api"'),
      'INVALID_IMAGE',
      `the binary "api" is dynamically linked (it asks for the loader ${GLIBC_LOADER.arm64}`,
      'aarch64-unknown-linux-musl',
    );
  });

  test('a binary for the other architecture is an ARCHITECTURE_MISMATCH, with both ways to fix it', () => {
    expectCdkRustError(
      () => checkStaticExecutable(staticElf('arm64'), 'x86_64', 'api'),
      'ARCHITECTURE_MISMATCH',
      'the binary api is built for arm64, but the image is for x86_64.',
      'Fix: build it for x86_64-unknown-linux-musl, or make the image for arm64.',
    );
  });

  test('a 64-bit executable for another machine (RISC-V) is refused', () => {
    const riscv = staticElf('x86_64');
    riscv.writeUInt16LE(0xf3, 18); // EM_RISCV
    expectCdkRustError(() => checkStaticExecutable(riscv, 'x86_64', 'api'), 'INVALID_IMAGE', 'neither x86_64 nor arm64');
  });

  test('what is not a 64-bit ELF executable is refused: a script, a cut-off header, a 32-bit file, an object file, a shared library', () => {
    const script = Buffer.from('#!/bin/sh\necho this is a shell script, long enough to hold an ELF header of 64 bytes\n');
    const cut = staticElf().subarray(0, 40);
    const elf32 = staticElf();
    elf32[4] = 1; // ELFCLASS32
    const object = staticElf();
    object.writeUInt16LE(1, 16); // ET_REL
    const library = staticElf();
    library.writeUInt16LE(3, 16); // ET_DYN
    library.writeBigUInt64LE(0n, 24); // no entry point
    for (const bytes of [script, cut, elf32, object, library]) {
      expect(readElfExecutable(bytes)).toBeUndefined();
      expectCdkRustError(
        () => checkStaticExecutable(bytes, 'x86_64', 'api'),
        'INVALID_IMAGE',
        'the binary api is not a 64-bit Linux (ELF) executable',
        'Fix: give the executable cargo built for x86_64-unknown-linux-musl (target/x86_64-unknown-linux-musl/release/<name>).',
      );
    }
  });

  test('program headers that point past the end of the file make it no executable, rather than a crash', () => {
    const broken = staticElf();
    broken.writeUInt16LE(500, 56); // e_phnum
    expect(readElfExecutable(broken)).toBeUndefined();
  });
});
