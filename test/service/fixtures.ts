/**
 * Binaries, specs and tar readers shared by the service image tests (test/service/*.test.ts).
 *
 * The binaries are written by hand, byte by byte, so the tests need no compiler: a 64-bit ELF header, its program
 * headers and a few instructions. The x86-64 one runs (it prints a line and exits 0), so the tests can show it is a
 * real static executable; `dynamicElf` adds a PT_INTERP header naming glibc's loader, as a glibc build has.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ServiceImageSpec } from '../../lib/service/image-spec';
import { ArchitectureName } from '../../lib/private/architecture';
import { tempDir } from '../support';

export const STATIC_OUTPUT = 'hello from a static binary\n';

const EM = { x86_64: 0x3e, arm64: 0xb7 } as const;
const BASE = 0x400000;
const EHDR = 64;
const PHDR = 56;
const PT_LOAD = 1;
const PT_INTERP = 3;
export const GLIBC_LOADER = { x86_64: '/lib64/ld-linux-x86-64.so.2', arm64: '/lib/ld-linux-aarch64.so.1' } as const;

/** Machine code: x86-64 writes STATIC_OUTPUT to stdout and exits 0; AArch64 exits 0. */
function code(architecture: ArchitectureName): Buffer {
  if (architecture === 'arm64') {
    const words = [0xd2800ba8, 0xd2800000, 0xd4000001]; // mov x8, #93 (exit); mov x0, #0; svc #0
    const out = Buffer.alloc(words.length * 4);
    words.forEach((w, i) => out.writeUInt32LE(w, i * 4));
    return out;
  }
  const message = Buffer.from(STATIC_OUTPUT);
  const instructions = Buffer.from([
    ...[0xb8, 1, 0, 0, 0], // mov eax, 1 (write)
    ...[0xbf, 1, 0, 0, 0], // mov edi, 1 (stdout)
    ...[0x48, 0x8d, 0x35, 16, 0, 0, 0], // lea rsi, [rip + 16]: the message, after the 16 bytes below
    ...[0xba, message.length, 0, 0, 0], // mov edx, length
    ...[0x0f, 0x05], // syscall
    ...[0xb8, 60, 0, 0, 0], // mov eax, 60 (exit)
    ...[0x31, 0xff], // xor edi, edi
    ...[0x0f, 0x05], // syscall
  ]);
  return Buffer.concat([instructions, message]);
}

/** A 64-bit little-endian ELF executable for `architecture`: static, or asking for glibc's loader when `dynamic`. */
function elf(architecture: ArchitectureName, dynamic: boolean): Buffer {
  const phnum = dynamic ? 2 : 1;
  const interp = Buffer.from(`${GLIBC_LOADER[architecture]}\0`);
  const codeAt = EHDR + phnum * PHDR;
  const body = dynamic ? Buffer.concat([code(architecture), interp]) : code(architecture);
  const total = codeAt + body.length;
  const file = Buffer.alloc(total);
  file.write('\x7fELF', 0, 'latin1');
  file[4] = 2; // ELFCLASS64
  file[5] = 1; // ELFDATA2LSB
  file[6] = 1; // EV_CURRENT
  file.writeUInt16LE(2, 16); // ET_EXEC
  file.writeUInt16LE(EM[architecture], 18);
  file.writeUInt32LE(1, 20); // e_version
  file.writeBigUInt64LE(BigInt(BASE + codeAt), 24); // e_entry
  file.writeBigUInt64LE(BigInt(EHDR), 32); // e_phoff
  file.writeUInt16LE(EHDR, 52); // e_ehsize
  file.writeUInt16LE(PHDR, 54); // e_phentsize
  file.writeUInt16LE(phnum, 56); // e_phnum
  const load = EHDR;
  file.writeUInt32LE(PT_LOAD, load);
  file.writeUInt32LE(5, load + 4); // PF_R | PF_X
  file.writeBigUInt64LE(0n, load + 8); // p_offset
  file.writeBigUInt64LE(BigInt(BASE), load + 16); // p_vaddr
  file.writeBigUInt64LE(BigInt(BASE), load + 24); // p_paddr
  file.writeBigUInt64LE(BigInt(total), load + 32); // p_filesz
  file.writeBigUInt64LE(BigInt(total), load + 40); // p_memsz
  file.writeBigUInt64LE(0x1000n, load + 48); // p_align
  if (dynamic) {
    const at = EHDR + PHDR;
    const interpAt = total - interp.length;
    file.writeUInt32LE(PT_INTERP, at);
    file.writeUInt32LE(4, at + 4); // PF_R
    file.writeBigUInt64LE(BigInt(interpAt), at + 8);
    file.writeBigUInt64LE(BigInt(BASE + interpAt), at + 16);
    file.writeBigUInt64LE(BigInt(BASE + interpAt), at + 24);
    file.writeBigUInt64LE(BigInt(interp.length), at + 32);
    file.writeBigUInt64LE(BigInt(interp.length), at + 40);
    file.writeBigUInt64LE(1n, at + 48);
  }
  body.copy(file, codeAt);
  return file;
}

export function staticElf(architecture: ArchitectureName = 'x86_64'): Buffer {
  return elf(architecture, false);
}

export function dynamicElf(architecture: ArchitectureName = 'x86_64'): Buffer {
  return elf(architecture, true);
}

/** `content` in a fresh file `name` (mode 0755), its path returned. */
export function writeTemp(content: Buffer | string, name = 'api', dir = tempDir('service')): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content, { mode: 0o755 });
  return file;
}

export const CA_BUNDLE = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n');

/** A valid spec for the x86-64 static binary, with `overrides`. */
export function specOf(overrides: Partial<ServiceImageSpec> = {}): ServiceImageSpec {
  return {
    binaryName: 'api',
    binary: staticElf(),
    architecture: 'x86_64',
    caBundle: CA_BUNDLE,
    port: 8080,
    repoTag: 'cdk-rust/api:test',
    ...overrides,
  };
}

/**
 * A small zoneinfo tree as a build exports it: two zones, a directory, and tzdata's link `Paris -> Europe/Paris`
 * resolved into a copy (builds resolve links inside the builder: an export holds no link).
 */
export function zoneinfoTree(dir = tempDir('zoneinfo')): string {
  fs.mkdirSync(path.join(dir, 'Europe'));
  fs.writeFileSync(path.join(dir, 'UTC'), 'TZif utc');
  fs.writeFileSync(path.join(dir, 'Europe', 'Paris'), 'TZif paris');
  fs.writeFileSync(path.join(dir, 'Paris'), 'TZif paris');
  return dir;
}

/** A "host secret" outside any tree given to the image writer: a directory holding `credentials`, and its bytes. */
export function hostSecret(): { dir: string; file: string; bytes: Buffer } {
  const dir = tempDir('host-secret');
  const bytes = Buffer.from(`aws_secret_access_key = host-secret-${process.pid}-${Date.now()}\n`);
  const file = path.join(dir, 'credentials');
  fs.writeFileSync(file, bytes, { mode: 0o600 });
  return { dir, file, bytes };
}

/** One entry as Python's tarfile reads it (an independent reader). */
export interface ReadEntry {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: number;
  size: number;
  linkname: string;
  pax: Record<string, string>;
  /** The content, latin1 (files only). */
  content: string;
}

/** The entries of a tar archive, in order, as Python's tarfile reads them. */
export function readTar(archive: Buffer): ReadEntry[] {
  const file = path.join(tempDir('tar-read'), 'archive.tar');
  fs.writeFileSync(file, archive);
  const script = [
    'import json,sys,tarfile',
    't=tarfile.open(sys.argv[1])',
    'def kind(m): return "file" if m.isreg() else "directory" if m.isdir() else "symlink" if m.issym() else "other"',
    'print(json.dumps([{"name":m.name,"type":kind(m),"mode":m.mode,"uid":m.uid,"gid":m.gid,"uname":m.uname,"gname":m.gname,',
    '"mtime":m.mtime,"size":m.size,"linkname":m.linkname,"pax":m.pax_headers,',
    '"content":t.extractfile(m).read().decode("latin1") if m.isreg() else ""} for m in t.getmembers()]))',
  ].join('\n');
  const result = spawnSync('python3', ['-c', script, file], { encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
}

/** GNU tar's `tar -tvf` listing, with numeric owners, in UTC: one line per entry. */
export function listTar(archive: Buffer): string[] {
  const file = path.join(tempDir('tar-list'), 'archive.tar');
  fs.writeFileSync(file, archive);
  const result = spawnSync('tar', ['--numeric-owner', '-tvf', file], { encoding: 'utf-8', env: { ...process.env, TZ: 'UTC' } });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trimEnd().split('\n');
}

/** Whether this process may give files away (tar restores owners only then). */
export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The archive extracted by GNU tar (keeping modes, and owners when run as root) into a fresh directory. */
export function extractTar(archive: Buffer): string {
  const dir = tempDir('tar-extract');
  const file = path.join(dir, '..', `${path.basename(dir)}.tar`);
  fs.writeFileSync(file, archive);
  const owners = isRoot() ? ['--same-owner'] : [];
  const result = spawnSync('tar', ['--numeric-owner', '--same-permissions', ...owners, '-xf', file, '-C', dir], { encoding: 'utf-8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return dir;
}

/** A member of a tar archive, by name. */
export function member(archive: Buffer, name: string): Buffer {
  const dir = extractTar(archive);
  return fs.readFileSync(path.join(dir, name));
}
