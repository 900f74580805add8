/**
 * A deterministic POSIX ustar writer: the same entries give the same bytes on every machine.
 *
 * Written here rather than taken from npm, against the house rule, because the libraries are worse for this:
 * - `tar-stream` (3.2.2) is stream-only (an async pipeline where we want one Buffer), ships no types (they are in
 *   @types/tar-stream), and pulls in streamx, b4a, fast-fifo, bare-fs, events-universal, text-decoder...: each one
 *   more `bundledDependencies` entry of the jsii package. Its bytes are deterministic only if every caller passes
 *   mtime (it defaults to now).
 * - `tar` (node-tar 7.5) packs paths from disk and is asynchronous or stream-based too, with five dependencies of
 *   its own (minipass, minizlib, chownr, yallist, @isaacs/fs-minipass).
 * What we need is small and fixed: regular files, directories and symlinks, numeric owners, mtime 0, no user or
 * group names, no pax headers unless a path does not fit ustar's 100+155 bytes. That is the code below; the
 * tests read its output back with GNU tar and Python's tarfile.
 */

import { CdkRustError } from '../errors';

/** One entry, written as given: the caller orders them. Names are relative (`app/api`), without `./`. */
export type TarEntry =
  | { readonly type: 'directory'; readonly name: string; readonly mode: number; readonly uid: number; readonly gid: number }
  | {
      readonly type: 'file';
      readonly name: string;
      readonly mode: number;
      readonly uid: number;
      readonly gid: number;
      readonly content: Buffer;
    }
  | {
      readonly type: 'symlink';
      readonly name: string;
      readonly mode: number;
      readonly uid: number;
      readonly gid: number;
      readonly target: string;
    };

const BLOCK = 512;
const TYPEFLAGS = { file: '0', symlink: '2', directory: '5', pax: 'x' } as const;
/** ustar header fields: offset and width. */
const FIELDS = {
  name: [0, 100],
  mode: [100, 8],
  uid: [108, 8],
  gid: [116, 8],
  size: [124, 12],
  mtime: [136, 12],
  chksum: [148, 8],
  typeflag: [156, 1],
  linkname: [157, 100],
  magic: [257, 6],
  version: [263, 2],
  prefix: [345, 155],
} as const;

/** The archive: each entry's header (and pax header when needed) and content, then two zero blocks. */
export function tarBytes(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const name = entry.type === 'directory' && !entry.name.endsWith('/') ? `${entry.name}/` : entry.name;
    const target = entry.type === 'symlink' ? entry.target : '';
    const content = entry.type === 'file' ? entry.content : Buffer.alloc(0);
    const split = splitName(name);
    const pax: Array<[string, string]> = [];
    if (!split) pax.push(['path', name]);
    if (Buffer.byteLength(target) > FIELDS.linkname[1]) pax.push(['linkpath', target]);
    if (pax.length > 0) {
      const records = Buffer.from(pax.map(([key, value]) => paxRecord(key, value)).join(''));
      parts.push(
        header(
          { name: cut(`PaxHeaders/${baseName(name)}`, 100), prefix: '', typeflag: TYPEFLAGS.pax },
          0o644,
          0,
          0,
          records.length,
          Buffer.alloc(0),
        ),
      );
      parts.push(padded(records));
    }
    const fields = split ?? { name: cut(name, 100), prefix: '' };
    parts.push(header({ ...fields, typeflag: TYPEFLAGS[entry.type] }, entry.mode, entry.uid, entry.gid, content.length, cut(target, 100)));
    parts.push(padded(content));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

function header(
  fields: { name: string | Buffer; prefix: string; typeflag: string },
  mode: number,
  uid: number,
  gid: number,
  size: number,
  linkname: Buffer,
): Buffer {
  const block = Buffer.alloc(BLOCK);
  const put = (field: keyof typeof FIELDS, value: string | Buffer) => {
    const [offset, width] = FIELDS[field];
    (typeof value === 'string' ? Buffer.from(value) : value).copy(block, offset, 0, width);
  };
  put('name', fields.name);
  put('mode', octal(mode & 0o7777, FIELDS.mode[1], 'mode'));
  put('uid', octal(uid, FIELDS.uid[1], 'uid'));
  put('gid', octal(gid, FIELDS.gid[1], 'gid'));
  put('size', octal(size, FIELDS.size[1], 'size'));
  put('mtime', octal(0, FIELDS.mtime[1], 'mtime'));
  put('typeflag', fields.typeflag);
  put('linkname', linkname);
  put('magic', 'ustar\0');
  put('version', '00');
  put('prefix', fields.prefix);
  // The checksum is the sum of the header's bytes with the checksum field read as spaces.
  put('chksum', ' '.repeat(FIELDS.chksum[1]));
  let sum = 0;
  for (const byte of block) sum += byte;
  put('chksum', `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

/** A number as zero-padded octal digits and a NUL, filling `width` bytes. */
function octal(value: number, width: number, field: string): string {
  const digits = value.toString(8);
  if (!Number.isInteger(value) || value < 0 || digits.length > width - 1) {
    throw new CdkRustError(
      'INVALID_IMAGE',
      `the image's ${field} ${value} does not fit in a tar header.`,
      'make the binary smaller than 8 GiB.',
    );
  }
  return `${digits.padStart(width - 1, '0')}\0`;
}

/** `name` as ustar's name and prefix (split at a `/`), or undefined when it needs a pax `path`. */
function splitName(name: string): { name: string; prefix: string } | undefined {
  const bytes = Buffer.byteLength(name);
  if (bytes <= FIELDS.name[1]) return { name, prefix: '' };
  // A directory's trailing slash stays in the name part.
  for (let at = name.indexOf('/'); at > 0 && at < name.length - 1; at = name.indexOf('/', at + 1)) {
    const prefix = name.slice(0, at);
    const rest = name.slice(at + 1);
    if (Buffer.byteLength(prefix) <= FIELDS.prefix[1] && Buffer.byteLength(rest) <= FIELDS.name[1]) return { name: rest, prefix };
  }
  return undefined;
}

/** One pax record, `<length> <key>=<value>\n`, whose length counts its own digits. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body);
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
  return `${length}${body}`;
}

function baseName(name: string): string {
  return name.replace(/\/$/, '').split('/').pop() ?? name;
}

/** At most `bytes` bytes of `text` (ustar fields are bytes; a reader uses the pax record instead). */
function cut(text: string, bytes: number): Buffer {
  return Buffer.from(text).subarray(0, bytes);
}

function padded(content: Buffer): Buffer {
  const padding = (BLOCK - (content.length % BLOCK)) % BLOCK;
  return padding === 0 ? content : Buffer.concat([content, Buffer.alloc(padding)]);
}
