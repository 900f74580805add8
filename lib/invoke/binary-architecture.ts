/**
 * The architecture a binary is built for, read from its ELF header (`e_machine`), without running it.
 */
import * as fs from 'fs';
import { ArchitectureName, fromElfMachine } from '../private/architecture';

/** The ELF magic number, `\x7fELF`, at offset 0. */
const ELF_MAGIC = 0x7f454c46;
/** `EI_DATA` (offset 5): 2 when the header is big-endian. */
const EI_DATA = 5;
const ELFDATA2MSB = 2;
/** `e_machine` (offset 18, two bytes), the last field read: the header is read up to it. */
const E_MACHINE = 18;
const HEADER_BYTES = E_MACHINE + 2;

/**
 * The architecture of an ELF executable, by the name Lambda gives it; undefined when `file` is not an ELF
 * file, or is one for a machine Lambda does not run (the caller then runs it as it is).
 */
export function elfArchitecture(file: string): ArchitectureName | undefined {
  const header = Buffer.alloc(HEADER_BYTES);
  const fd = fs.openSync(file, 'r');
  try {
    if (fs.readSync(fd, header, 0, HEADER_BYTES, 0) < HEADER_BYTES) return undefined;
  } finally {
    fs.closeSync(fd);
  }
  if (header.readUInt32BE(0) !== ELF_MAGIC) return undefined;
  const machine = header[EI_DATA] === ELFDATA2MSB ? header.readUInt16BE(E_MACHINE) : header.readUInt16LE(E_MACHINE);
  return fromElfMachine(machine);
}
