/**
 * Reading a binary's architecture from its ELF header, on headers written by hand and on /bin/true.
 */
import * as fs from 'fs';
import * as path from 'path';
import { elfArchitecture } from '../../lib/invoke/binary-architecture';
import { tempDir } from '../support';

const EM_X86_64 = 0x3e;
const EM_AARCH64 = 0xb7;
const EM_ARM = 0x28;

/** The first 64 bytes of a 64-bit ELF file for `machine`, little-endian unless `bigEndian`. */
function elfHeader(machine: number, bigEndian = false): Buffer {
  const header = Buffer.alloc(64);
  header.write('\x7fELF', 0, 'latin1');
  header[4] = 2; // ELFCLASS64
  header[5] = bigEndian ? 2 : 1; // EI_DATA: ELFDATA2MSB or ELFDATA2LSB
  header[6] = 1; // EV_CURRENT
  if (bigEndian) header.writeUInt16BE(machine, 18);
  else header.writeUInt16LE(machine, 18);
  return header;
}

function writeFile(content: Buffer | string): string {
  const file = path.join(tempDir('elf'), 'bootstrap');
  fs.writeFileSync(file, content);
  return file;
}

describe('elfArchitecture: the architecture comes from the ELF header, by the name Lambda gives it', () => {
  test('an x86-64 ELF file is x86_64', () => {
    expect(elfArchitecture(writeFile(elfHeader(EM_X86_64)))).toBe('x86_64');
  });

  test('an AArch64 ELF file is arm64, whichever the byte order of its header', () => {
    expect(elfArchitecture(writeFile(elfHeader(EM_AARCH64)))).toBe('arm64');
    expect(elfArchitecture(writeFile(elfHeader(EM_AARCH64, true)))).toBe('arm64');
  });

  test('a real executable of this x86_64 machine, /bin/true, is x86_64', () => {
    expect(elfArchitecture('/bin/true')).toBe('x86_64');
  });
});

describe('elfArchitecture: a file it cannot place is reported as unknown, not guessed', () => {
  test('a file that is not ELF (a shell script) is of no known architecture', () => {
    expect(elfArchitecture(writeFile('#!/bin/sh\necho hello from a script that is long enough\n'))).toBeUndefined();
  });

  test('an ELF file for a machine Lambda does not run (32-bit ARM) is of no known architecture', () => {
    expect(elfArchitecture(writeFile(elfHeader(EM_ARM)))).toBeUndefined();
  });

  test('a file too short to hold the machine field, even one that starts like ELF, is of no known architecture', () => {
    expect(elfArchitecture(writeFile(elfHeader(EM_X86_64).subarray(0, 19)))).toBeUndefined();
    expect(elfArchitecture(writeFile(''))).toBeUndefined();
  });
});
