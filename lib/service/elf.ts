/**
 * Whether a binary can run alone in an image with nothing else in it: a 64-bit ELF executable for the image's
 * architecture that asks for no loader (no `PT_INTERP` program header), read from its headers without running it.
 *
 * invoke/binary-architecture.ts reads `e_machine` only, from a file; this reads the program headers as well,
 * from bytes already in memory (the image holds them anyway).
 */
import { CdkRustError } from '../errors';
import { ArchitectureName, fromElfMachine, toMuslTarget } from '../private/architecture';

const ELF_MAGIC = 0x7f454c46;
/** `EI_CLASS` (offset 4): 2 for a 64-bit file. */
const EI_CLASS = 4;
const ELFCLASS64 = 2;
/** `EI_DATA` (offset 5): 2 when the file is big-endian. */
const EI_DATA = 5;
const ELFDATA2MSB = 2;
/** ELF64 header fields: `e_type`, `e_machine`, `e_entry`, `e_phoff`, `e_phentsize`, `e_phnum`. */
const E_TYPE = 16;
const E_MACHINE = 18;
const E_ENTRY = 24;
const E_PHOFF = 32;
const E_PHENTSIZE = 54;
const E_PHNUM = 56;
const ELF64_HEADER_BYTES = 64;
/** ELF64 program header fields: `p_type`, `p_offset`, `p_filesz`. */
const P_TYPE = 0;
const P_OFFSET = 8;
const P_FILESZ = 32;
const ELF64_PHDR_BYTES = 56;
const PT_INTERP = 3;
/** An executable (`ET_EXEC`), or a position-independent one (`ET_DYN`: Rust's musl targets build static-pie). */
const ET_EXEC = 2;
const ET_DYN = 3;

/** What the headers of a 64-bit ELF executable say; undefined when `bytes` are not one. */
export interface ElfExecutable {
  /** The architecture by the name Lambda gives it; undefined for a machine cdk-rust does not build for. */
  readonly architecture?: ArchitectureName;
  /** The loader the binary asks for (`PT_INTERP`), as `/lib64/ld-linux-x86-64.so.2`; undefined when static. */
  readonly interpreter?: string;
}

/** The headers of a 64-bit ELF executable; undefined when `bytes` are not one (or are cut short). */
export function readElfExecutable(bytes: Buffer): ElfExecutable | undefined {
  if (bytes.length < ELF64_HEADER_BYTES || bytes.readUInt32BE(0) !== ELF_MAGIC || bytes[EI_CLASS] !== ELFCLASS64) return undefined;
  const bigEndian = bytes[EI_DATA] === ELFDATA2MSB;
  const u16 = (at: number) => (bigEndian ? bytes.readUInt16BE(at) : bytes.readUInt16LE(at));
  const u32 = (at: number) => (bigEndian ? bytes.readUInt32BE(at) : bytes.readUInt32LE(at));
  const u64 = (at: number) => Number(bigEndian ? bytes.readBigUInt64BE(at) : bytes.readBigUInt64LE(at));
  const type = u16(E_TYPE);
  // A shared library is ET_DYN too, but has no entry point.
  if ((type !== ET_EXEC && type !== ET_DYN) || u64(E_ENTRY) === 0) return undefined;
  const phoff = u64(E_PHOFF);
  const phentsize = u16(E_PHENTSIZE);
  const phnum = u16(E_PHNUM);
  if (phentsize < ELF64_PHDR_BYTES || phoff + phnum * phentsize > bytes.length) return undefined;
  let interpreter: string | undefined;
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (u32(at + P_TYPE) !== PT_INTERP) continue;
    const offset = u64(at + P_OFFSET);
    const size = u64(at + P_FILESZ);
    const text = offset + size <= bytes.length ? bytes.subarray(offset, offset + size).toString('latin1') : '';
    interpreter = text.replace(/\0.*$/s, '') || 'a dynamic loader';
  }
  return { architecture: fromElfMachine(u16(E_MACHINE)), interpreter };
}

/**
 * Throws unless `bytes` are a static 64-bit ELF executable for `architecture`: an image with no loader and no
 * C library can run nothing else. `what` names the binary in the messages (its path, or its name).
 */
export function checkStaticExecutable(bytes: Buffer, architecture: ArchitectureName, what: string): void {
  const elf = readElfExecutable(bytes);
  const target = toMuslTarget(architecture);
  if (!elf) {
    throw new CdkRustError(
      'INVALID_IMAGE',
      `the binary ${what} is not a 64-bit Linux (ELF) executable, so the image could not run it.`,
      `give the executable cargo built for ${target} (target/${target}/release/<name>).`,
    );
  }
  if (!elf.architecture) {
    throw new CdkRustError(
      'INVALID_IMAGE',
      `the binary ${what} is built for a machine that is neither x86_64 nor arm64.`,
      `build it for ${target}.`,
    );
  }
  if (elf.architecture !== architecture) {
    throw new CdkRustError(
      'ARCHITECTURE_MISMATCH',
      `the binary ${what} is built for ${elf.architecture}, but the image is for ${architecture}.`,
      `build it for ${target}, or make the image for ${elf.architecture}.`,
    );
  }
  if (elf.interpreter) {
    throw new CdkRustError(
      'INVALID_IMAGE',
      `the binary ${what} is dynamically linked (it asks for the loader ${elf.interpreter}, as a glibc build does): ` +
        'the image has no loader and no C library, so it could not start.',
      `build it for the musl target ${target}, which links statically.`,
    );
  }
}
