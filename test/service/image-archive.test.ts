/**
 * The docker-archive of a service image: byte-identical for the same spec wherever its inputs are, laid out as
 * `docker load` reads it, its digests those of its own files.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { imageArchiveBytes, writeImageArchive } from '../../lib/service/image-archive';
import { ServiceImageSpec } from '../../lib/service/image-spec';
import { expectCdkRustError, tempDir } from '../support';
import { CA_BUNDLE, extractTar, hostSecret, isRoot, listTar, readTar, specOf, staticElf, writeTemp, zoneinfoTree } from './fixtures';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** A spec with everything: the binary and the zoneinfo from files in a fresh directory. */
function fullSpec(): ServiceImageSpec {
  const dir = tempDir('image-inputs');
  const zoneinfo = path.join(dir, 'zoneinfo');
  fs.mkdirSync(zoneinfo);
  return specOf({
    binary: writeTemp(staticElf(), 'api', dir),
    zoneinfo: zoneinfoTree(zoneinfo),
    environment: [['RUST_LOG', 'info']],
    healthCheck: { command: ['/app/api', '--health'] },
  });
}

/** The archive's members by name, as Python's tarfile reads them. */
function members(archive: Buffer): Record<string, Buffer> {
  return Object.fromEntries(readTar(archive).map((e) => [e.name, Buffer.from(e.content, 'latin1')]));
}

describe('imageArchiveBytes: the same spec gives the same bytes, on any machine', () => {
  test('the same spec twice gives byte-identical archives', () => {
    const spec = fullSpec();
    expect(imageArchiveBytes(spec).bytes.equals(imageArchiveBytes(spec).bytes)).toBe(true);
  });

  test('copies of the inputs at other paths, with other modes and times, in another time zone, give byte-identical archives', () => {
    const first = fullSpec();
    const second = fullSpec();
    expect(second.binary).not.toBe(first.binary);
    fs.chmodSync(second.binary as string, 0o700);
    fs.chmodSync(path.join(second.zoneinfo as string, 'UTC'), 0o600);
    fs.utimesSync(path.join(second.zoneinfo as string, 'UTC'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    const tz = process.env.TZ;
    try {
      process.env.TZ = 'Pacific/Kiritimati';
      expect(imageArchiveBytes(second).bytes.equals(imageArchiveBytes(first).bytes)).toBe(true);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  test('the binary given as bytes or as a path gives the same archive', () => {
    const spec = fullSpec();
    expect(imageArchiveBytes({ ...spec, binary: staticElf() }).bytes.equals(imageArchiveBytes(spec).bytes)).toBe(true);
  });

  test('a different spec gives a different image: another port changes the config digest, not the layer', () => {
    const a = imageArchiveBytes(specOf());
    const b = imageArchiveBytes(specOf({ port: 9090 }));
    expect(b.configDigest).not.toBe(a.configDigest);
    expect(b.layerDiffId).toBe(a.layerDiffId);
  });
});

describe("imageArchiveBytes: docker save's layout, and digests of its own files", () => {
  test('holds the config, the layer in its directory and manifest.json, sorted, root-owned and dated 1970', () => {
    const archive = imageArchiveBytes(specOf());
    const config = archive.configDigest.slice('sha256:'.length);
    const layer = archive.layerDiffId.slice('sha256:'.length);
    const read = readTar(archive.bytes);
    expect(read.map((e) => e.name)).toEqual([`${config}.json`, layer, `${layer}/layer.tar`, 'manifest.json'].sort());
    for (const entry of read) {
      expect(entry).toMatchObject({ uid: 0, gid: 0, uname: '', gname: '', mtime: 0, pax: {}, mode: entry.type === 'file' ? 0o644 : 0o755 });
    }
    expect(listTar(archive.bytes).every((line) => / 0\/0 .* 1970-01-01 00:00 /.test(line))).toBe(true);
  });

  test('manifest.json names the config, the repo tag and the layer, as docker save writes it', () => {
    const archive = imageArchiveBytes(specOf({ repoTag: 'cdk-rust/api:0123abcd' }));
    const config = archive.configDigest.slice('sha256:'.length);
    const layer = archive.layerDiffId.slice('sha256:'.length);
    expect(members(archive.bytes)['manifest.json'].toString()).toBe(
      `[{"Config":"${config}.json","Layers":["${layer}/layer.tar"],"RepoTags":["cdk-rust/api:0123abcd"]}]`,
    );
  });

  test("the config digest is the config file's sha256, the diff id the layer tar's, and the archive's sha256 its own", () => {
    const archive = imageArchiveBytes(fullSpec());
    const files = members(archive.bytes);
    const config = archive.configDigest.slice('sha256:'.length);
    const layer = archive.layerDiffId.slice('sha256:'.length);
    expect(sha256(files[`${config}.json`])).toBe(config);
    expect(sha256(files[`${layer}/layer.tar`])).toBe(layer);
    expect(JSON.parse(files[`${config}.json`].toString()).rootfs).toEqual({ type: 'layers', diff_ids: [archive.layerDiffId] });
    expect(archive.archiveSha256).toBe(sha256(archive.bytes));
  });

  test('the layer, listed by GNU tar, holds exactly the specified paths, modes and numeric owners', () => {
    const archive = imageArchiveBytes(fullSpec());
    const layer = members(archive.bytes)[`${archive.layerDiffId.slice('sha256:'.length)}/layer.tar`];
    const size = staticElf().length;
    expect(listTar(layer).map((line) => line.replace(/ +/g, ' '))).toEqual([
      'drwxr-xr-x 0/0 0 1970-01-01 00:00 app/',
      `-rwxr-xr-x 0/0 ${size} 1970-01-01 00:00 app/api`,
      'drwxr-xr-x 0/0 0 1970-01-01 00:00 etc/',
      '-rw-r--r-- 0/0 27 1970-01-01 00:00 etc/group',
      '-rw-r--r-- 0/0 94 1970-01-01 00:00 etc/passwd',
      'drwxr-xr-x 0/0 0 1970-01-01 00:00 etc/ssl/',
      'drwxr-xr-x 0/0 0 1970-01-01 00:00 etc/ssl/certs/',
      `-rw-r--r-- 0/0 ${CA_BUNDLE.length} 1970-01-01 00:00 etc/ssl/certs/ca-certificates.crt`,
      'drwxr-xr-x 0/0 0 1970-01-01 00:00 home/',
      'drwx------ 65532/65532 0 1970-01-01 00:00 home/nonroot/',
      'drwxrwxrwt 0/0 0 1970-01-01 00:00 tmp/',
      'drwxr-xr-x 0/0 0 1970-01-01 00:00 usr/',
      'drwxr-xr-x 0/0 0 1970-01-01 00:00 usr/share/',
      'drwxr-xr-x 0/0 0 1970-01-01 00:00 usr/share/zoneinfo/',
      'drwxr-xr-x 0/0 0 1970-01-01 00:00 usr/share/zoneinfo/Europe/',
      '-rw-r--r-- 0/0 10 1970-01-01 00:00 usr/share/zoneinfo/Europe/Paris',
      '-rw-r--r-- 0/0 10 1970-01-01 00:00 usr/share/zoneinfo/Paris',
      '-rw-r--r-- 0/0 8 1970-01-01 00:00 usr/share/zoneinfo/UTC',
    ]);
    expect(readTar(layer).every((e) => e.uname === '' && e.gname === '' && e.mtime === 0 && Object.keys(e.pax).length === 0)).toBe(true);
  });

  test('the layer, extracted by GNU tar, has those modes and owners (owners when run as root) and the binary byte for byte', () => {
    const archive = imageArchiveBytes(fullSpec());
    const outer = extractTar(archive.bytes);
    const root = extractTar(fs.readFileSync(path.join(outer, archive.layerDiffId.slice('sha256:'.length), 'layer.tar')));
    const stat = (p: string) => fs.lstatSync(path.join(root, p));
    expect(fs.readFileSync(path.join(root, 'app/api')).equals(staticElf())).toBe(true);
    expect(stat('app/api').mode & 0o7777).toBe(0o755);
    expect(stat('home/nonroot').mode & 0o7777).toBe(0o700);
    expect(stat('tmp').mode & 0o7777).toBe(0o1777);
    expect(stat('etc/passwd').mode & 0o7777).toBe(0o644);
    expect(fs.readFileSync(path.join(root, 'usr/share/zoneinfo/Paris'), 'utf-8')).toBe('TZif paris');
    if (isRoot()) expect([stat('home/nonroot').uid, stat('home/nonroot').gid, stat('app/api').uid]).toEqual([65532, 65532, 0]);
  });
});

describe('writeImageArchive: the archive appears whole at outFile, or not at all', () => {
  test('writes the bytes of imageArchiveBytes, returns their digests, and leaves nothing else beside it', () => {
    const dir = tempDir('image-out');
    const outFile = path.join(dir, 'image.tar');
    const spec = fullSpec();
    const digests = writeImageArchive(spec, outFile);
    const { bytes, ...expected } = imageArchiveBytes(spec);
    expect(digests).toEqual(expected);
    expect(fs.readFileSync(outFile).equals(bytes)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['image.tar']);
  });

  test('replaces an older archive at outFile', () => {
    const outFile = path.join(tempDir('image-out'), 'image.tar');
    fs.writeFileSync(outFile, 'old');
    writeImageArchive(specOf(), outFile);
    expect(fs.readFileSync(outFile).equals(imageArchiveBytes(specOf()).bytes)).toBe(true);
  });

  test('a bad spec writes nothing and leaves an older archive as it was', () => {
    const dir = tempDir('image-out');
    const outFile = path.join(dir, 'image.tar');
    fs.writeFileSync(outFile, 'old');
    expectCdkRustError(() => writeImageArchive(specOf({ binary: '/bin/true' }), outFile), 'INVALID_IMAGE', 'dynamically linked');
    expect(fs.readdirSync(dir)).toEqual(['image.tar']);
    expect(fs.readFileSync(outFile, 'utf-8')).toBe('old');
  });

  test('when the rename into place fails, the temporary file is removed and the error is thrown', () => {
    const dir = tempDir('image-out');
    const outFile = path.join(dir, 'image.tar');
    fs.mkdirSync(path.join(outFile, 'occupied'), { recursive: true }); // a directory that is not empty cannot be replaced by a file
    expect(() => writeImageArchive(specOf(), outFile)).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(fs.readdirSync(dir)).toEqual(['image.tar']);
    expect(fs.statSync(outFile).isDirectory()).toBe(true);
  });
});

describe('writeImageArchive: no file of this machine reaches the image through a link', () => {
  /** Whether any file under `dir` holds `bytes`. */
  const anyFileHolds = (dir: string, bytes: Buffer) =>
    fs
      .readdirSync(dir, { recursive: true, encoding: 'utf-8' })
      .map((name) => path.join(dir, name))
      .some((file) => fs.lstatSync(file).isFile() && fs.readFileSync(file).includes(bytes));

  test('a zoneinfo that is a link to a host folder (what a hostile build exported) is refused: no archive, the secret nowhere', () => {
    const secret = hostSecret();
    const exported = tempDir('export');
    fs.symlinkSync(secret.dir, path.join(exported, 'zoneinfo'));
    const out = tempDir('image-out');
    expectCdkRustError(
      () => writeImageArchive(specOf({ zoneinfo: path.join(exported, 'zoneinfo') }), path.join(out, 'image.tar')),
      'INVALID_IMAGE',
      'is a symbolic link, which the image writer refuses',
    );
    expect(fs.readdirSync(out)).toEqual([]);
    expect(anyFileHolds(out, secret.bytes)).toBe(false);
  });

  test('a zone that is a link to a host secret file is refused: no archive, the secret nowhere', () => {
    const secret = hostSecret();
    const zoneinfo = zoneinfoTree();
    fs.symlinkSync(secret.file, path.join(zoneinfo, 'Europe', 'Berlin'));
    const out = tempDir('image-out');
    expectCdkRustError(
      () => writeImageArchive(specOf({ zoneinfo }), path.join(out, 'image.tar')),
      'INVALID_IMAGE',
      `zoneinfo: ${path.join(zoneinfo, 'Europe', 'Berlin')} is a symbolic link`,
    );
    expect(fs.readdirSync(out)).toEqual([]);
  });
});
