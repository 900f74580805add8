/**
 * The ustar writer, read back by two independent readers: GNU tar (listing and extracting) and Python's tarfile.
 */
import * as fs from 'fs';
import * as path from 'path';
import { tarBytes, TarEntry } from '../../lib/service/tar';
import { expectCdkRustError } from '../support';
import { extractTar, isRoot, listTar, readTar } from './fixtures';

const ENTRIES: TarEntry[] = [
  { type: 'directory', name: 'app', mode: 0o755, uid: 0, gid: 0 },
  { type: 'file', name: 'app/api', mode: 0o755, uid: 0, gid: 0, content: Buffer.from('binary\0bytes') },
  { type: 'directory', name: 'home', mode: 0o755, uid: 0, gid: 0 },
  { type: 'directory', name: 'home/nonroot', mode: 0o700, uid: 65532, gid: 65532 },
  { type: 'file', name: 'home/nonroot/empty', mode: 0o600, uid: 65532, gid: 65532, content: Buffer.alloc(0) },
  { type: 'file', name: 'home/nonroot/block', mode: 0o644, uid: 65532, gid: 65532, content: Buffer.alloc(512, 'x') },
  { type: 'symlink', name: 'link', mode: 0o777, uid: 0, gid: 0, target: 'app/api' },
  { type: 'directory', name: 'tmp', mode: 0o1777, uid: 0, gid: 0 },
];

describe('tarBytes: a ustar archive that standard readers read back exactly as written', () => {
  test('Python reads each entry with its type, mode, numeric owner, no owner names, mtime 0 and its content, with no pax headers', () => {
    expect(readTar(tarBytes(ENTRIES))).toEqual([
      {
        name: 'app',
        type: 'directory',
        mode: 0o755,
        uid: 0,
        gid: 0,
        uname: '',
        gname: '',
        mtime: 0,
        size: 0,
        linkname: '',
        pax: {},
        content: '',
      },
      {
        ...{ name: 'app/api', type: 'file', mode: 0o755, uid: 0, gid: 0, uname: '', gname: '', mtime: 0, size: 12, linkname: '', pax: {} },
        content: 'binary\0bytes',
      },
      {
        name: 'home',
        type: 'directory',
        mode: 0o755,
        uid: 0,
        gid: 0,
        uname: '',
        gname: '',
        mtime: 0,
        size: 0,
        linkname: '',
        pax: {},
        content: '',
      },
      {
        ...{ name: 'home/nonroot', type: 'directory', mode: 0o700, uid: 65532, gid: 65532, uname: '', gname: '', mtime: 0, size: 0 },
        ...{ linkname: '', pax: {}, content: '' },
      },
      {
        ...{ name: 'home/nonroot/empty', type: 'file', mode: 0o600, uid: 65532, gid: 65532, uname: '', gname: '', mtime: 0, size: 0 },
        ...{ linkname: '', pax: {}, content: '' },
      },
      {
        ...{ name: 'home/nonroot/block', type: 'file', mode: 0o644, uid: 65532, gid: 65532, uname: '', gname: '', mtime: 0, size: 512 },
        ...{ linkname: '', pax: {}, content: 'x'.repeat(512) },
      },
      {
        name: 'link',
        type: 'symlink',
        mode: 0o777,
        uid: 0,
        gid: 0,
        uname: '',
        gname: '',
        mtime: 0,
        size: 0,
        linkname: 'app/api',
        pax: {},
        content: '',
      },
      {
        name: 'tmp',
        type: 'directory',
        mode: 0o1777,
        uid: 0,
        gid: 0,
        uname: '',
        gname: '',
        mtime: 0,
        size: 0,
        linkname: '',
        pax: {},
        content: '',
      },
    ]);
  });

  test('GNU tar lists each entry with its mode, numeric owner and the 1970-01-01 date; directories end in a slash', () => {
    expect(listTar(tarBytes(ENTRIES))).toEqual([
      'drwxr-xr-x 0/0               0 1970-01-01 00:00 app/',
      '-rwxr-xr-x 0/0              12 1970-01-01 00:00 app/api',
      'drwxr-xr-x 0/0               0 1970-01-01 00:00 home/',
      'drwx------ 65532/65532       0 1970-01-01 00:00 home/nonroot/',
      '-rw------- 65532/65532       0 1970-01-01 00:00 home/nonroot/empty',
      '-rw-r--r-- 65532/65532     512 1970-01-01 00:00 home/nonroot/block',
      'lrwxrwxrwx 0/0               0 1970-01-01 00:00 link -> app/api',
      'drwxrwxrwt 0/0               0 1970-01-01 00:00 tmp/',
    ]);
  });

  test('GNU tar extracts the same modes, owners (when run as root), contents and link', () => {
    const dir = extractTar(tarBytes(ENTRIES));
    const stat = (name: string) => fs.lstatSync(path.join(dir, name));
    expect(stat('app/api').mode & 0o7777).toBe(0o755);
    expect(stat('home/nonroot').mode & 0o7777).toBe(0o700);
    expect(stat('home/nonroot/empty').mode & 0o7777).toBe(0o600);
    expect(stat('tmp').mode & 0o7777).toBe(0o1777);
    expect(fs.readFileSync(path.join(dir, 'app/api'), 'latin1')).toBe('binary\0bytes');
    expect(fs.readlinkSync(path.join(dir, 'link'))).toBe('app/api');
    if (isRoot()) {
      expect([stat('home/nonroot').uid, stat('home/nonroot').gid]).toEqual([65532, 65532]);
      expect([stat('app/api').uid, stat('app/api').gid]).toEqual([0, 0]);
    }
  });

  test('every header is POSIX ustar ("ustar\\0" "00"), content is padded to 512 bytes, and two zero blocks end the archive', () => {
    const archive = tarBytes(ENTRIES);
    // 8 headers, 3 blocks of content (12 bytes, 0 bytes, 512 bytes), 2 end blocks.
    expect(archive.length).toBe((8 + 2 + 2) * 512);
    expect(archive.subarray(257, 265).toString('latin1')).toBe('ustar\x0000');
    expect(archive.subarray(archive.length - 1024).equals(Buffer.alloc(1024))).toBe(true);
  });

  test('the same entries give the same bytes', () => {
    expect(tarBytes(ENTRIES).equals(tarBytes(ENTRIES.map((e) => ({ ...e }))))).toBe(true);
  });
});

describe('tarBytes: long paths fit ustar when they can, and take a pax header only when they cannot', () => {
  const deep = `${'d'.repeat(60)}/${'e'.repeat(60)}/file`;

  test('a path over 100 bytes is split into prefix and name, with no pax header, and read back whole', () => {
    const read = readTar(tarBytes([{ type: 'file', name: deep, mode: 0o644, uid: 0, gid: 0, content: Buffer.from('x') }]));
    expect(read.map((e) => [e.name, e.pax])).toEqual([[deep, {}]]);
    expect(listTar(tarBytes([{ type: 'file', name: deep, mode: 0o644, uid: 0, gid: 0, content: Buffer.from('x') }]))[0]).toContain(deep);
  });

  test('a path with a component over 100 bytes, and a link target over 100 bytes, take pax records both readers follow', () => {
    const long = `dir/${'n'.repeat(120)}`;
    const target = `../${'t'.repeat(120)}`;
    const archive = tarBytes([
      { type: 'file', name: long, mode: 0o644, uid: 0, gid: 0, content: Buffer.from('x') },
      { type: 'symlink', name: 'link', mode: 0o777, uid: 0, gid: 0, target },
    ]);
    expect(readTar(archive).map((e) => [e.name, e.linkname, e.pax])).toEqual([
      [long, '', { path: long }],
      ['link', target, { linkpath: target }],
    ]);
    expect(listTar(archive)).toEqual([
      `-rw-r--r-- 0/0               1 1970-01-01 00:00 ${long}`,
      `lrwxrwxrwx 0/0               0 1970-01-01 00:00 link -> ${target}`,
    ]);
  });

  test('a pax record whose length gains a digit by counting itself is still read back', () => {
    // " path=<name>\n" is 997 bytes for a 990-byte name: 1000 with its 3-digit length, so 1001 with 4 digits.
    for (const size of [988, 989, 990, 991, 992]) {
      const name = 'n'.repeat(size);
      expect(readTar(tarBytes([{ type: 'directory', name, mode: 0o755, uid: 0, gid: 0 }])).map((e) => [e.name, e.pax])).toEqual([
        [name, { path: `${name}/` }],
      ]);
    }
  });
});

describe('tarBytes: a value ustar cannot hold is refused', () => {
  test('an owner id over 7 octal digits is refused with INVALID_IMAGE', () => {
    expectCdkRustError(
      () => tarBytes([{ type: 'directory', name: 'd', mode: 0o755, uid: 0o10000000, gid: 0 }]),
      'INVALID_IMAGE',
      'uid 2097152 does not fit in a tar header',
    );
  });
});
