/**
 * `files`: which project files ship beside the binary, where they go, and what is refused (links, files outside
 * the workspace, credentials, destinations that leave the artifact or replace what cdk-rust writes).
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  ARTIFACT_FILE_TIME,
  ArtifactKind,
  hashArtifactFiles,
  listArtifactFiles,
  planArtifactFiles,
  writeArtifactFiles,
} from '../../lib/bundling/artifact-files';
import { ArtifactFile } from '../../lib/bundling/artifact-file';
import { expectCdkRustError, tempDir, writeProjectFile } from '../support';

/** A workspace whose package lives in `service/`, with a configuration directory, templates and a shared file at the root. */
function project(): { root: string; pkg: string } {
  const root = tempDir('files');
  const write = (file: string, text: string, mode?: number) => writeProjectFile(root, file, text, mode);
  write('Cargo.toml', '[workspace]\nmembers = ["service"]\n');
  write('service/Cargo.toml', '[package]\nname = "service"\n');
  write('service/configuration/base.yaml', 'port: 8000\n');
  write('service/configuration/production.yaml', 'debug: false\n');
  write('service/scripts/migrate.sh', '#!/bin/sh\n', 0o755);
  write('shared/templates/index.html', '<h1>hi</h1>\n');
  return { root, pkg: path.join(root, 'service') };
}

function plan(files: ArtifactFile[], kind: ArtifactKind = 'lambda', where = project()) {
  return planArtifactFiles(files, where.pkg, where.root, kind);
}

describe('artifact-files: sources are files of the workspace, and each lands where it is told', () => {
  test('a relative source keeps its path as its destination; one outside the package directory keeps its name', () => {
    const where = project();
    const planned = plan(
      [{ source: 'configuration' }, { source: './configuration/../scripts/migrate.sh' }, { source: '../shared/templates' }],
      'lambda',
      where,
    );
    expect(planned).toEqual([
      { prop: 'files[0]', source: path.join(where.pkg, 'configuration'), destination: 'configuration' },
      { prop: 'files[1]', source: path.join(where.pkg, 'scripts/migrate.sh'), destination: 'scripts/migrate.sh' },
      { prop: 'files[2]', source: path.join(where.root, 'shared/templates'), destination: 'templates' },
    ]);
  });

  test('a destination is normalized; a service may give an absolute one', () => {
    expect(plan([{ source: 'configuration', destination: './conf//app/' }])[0].destination).toBe('conf/app');
    expect(plan([{ source: 'configuration', destination: '/etc/myapp' }], 'service')[0].destination).toBe('/etc/myapp');
  });

  test('a missing source, a link and a file outside the workspace are INVALID_PROP naming files[i].source', () => {
    const where = project();
    expectCdkRustError(() => plan([{ source: 'config' }], 'lambda', where), 'INVALID_PROP', 'files[0].source', 'no file or directory');
    fs.symlinkSync(path.join(where.pkg, 'configuration'), path.join(where.pkg, 'conf'));
    expectCdkRustError(
      () => plan([{ source: 'conf' }], 'lambda', where),
      'INVALID_PROP',
      'files[0].source',
      'symbolic link',
      'never follows a link',
    );
    const outside = tempDir('outside');
    fs.writeFileSync(path.join(outside, 'notes.txt'), 'x');
    expectCdkRustError(
      () => plan([{ source: 'configuration' }, { source: path.join(outside, 'notes.txt') }], 'lambda', where),
      'INVALID_PROP',
      'files[1].source',
      'outside the Cargo workspace',
    );
  });

  test('a directory reached through a linked parent is outside the workspace when the link leads out of it', () => {
    const where = project();
    const outside = tempDir('outside');
    fs.mkdirSync(path.join(outside, 'data'));
    fs.symlinkSync(outside, path.join(where.pkg, 'elsewhere'));
    expectCdkRustError(() => plan([{ source: 'elsewhere/data' }], 'lambda', where), 'INVALID_PROP', 'outside the Cargo workspace');
  });

  test('a file that looks like credentials is refused when named, with the run-time alternative as the fix', () => {
    const where = project();
    fs.writeFileSync(path.join(where.pkg, '.env'), 'DATABASE_PASSWORD=hunter2\n');
    expectCdkRustError(() => plan([{ source: '.env' }], 'service', where), 'INVALID_PROP', 'files[0].source', 'credentials', 'secrets');
  });

  test.each<[ArtifactKind, string, string]>([
    ['lambda', '../etc', '".."'],
    ['lambda', 'a/../../b', '".."'],
    ['lambda', '/var/task/conf', 'absolute'],
    ['lambda', 'bootstrap', 'would replace bootstrap'],
    ['extension', 'extensions/conf', 'under extensions/'],
    ['service', '.', 'names no file'],
    ['service', 'conf\\base', 'backslash'],
  ])('a %s destination "%s" is INVALID_PROP: %s', (kind, destination, why) => {
    expectCdkRustError(() => plan([{ source: 'configuration', destination }], kind), 'INVALID_PROP', 'files[0].destination', why);
  });

  test('two files that land on the same path, or one inside the other, are refused, naming both', () => {
    expectCdkRustError(
      () => plan([{ source: 'configuration' }, { source: 'scripts/migrate.sh', destination: 'configuration/migrate.sh' }]),
      'INVALID_PROP',
      'files[1].destination',
      'files[0]',
    );
  });
});

describe('artifact-files: listing reads regular files and directories only, and leaves credentials out', () => {
  test('every file and directory under a source, sorted, each directory before what it holds, with the executable bit', () => {
    const where = project();
    const listed = listArtifactFiles(plan([{ source: 'configuration' }, { source: 'scripts' }], 'lambda', where));
    expect(listed.entries.map((e) => `${e.type} ${e.destination} ${e.executable ? 'x' : '-'}`)).toEqual([
      'directory configuration x',
      'file configuration/base.yaml -',
      'file configuration/production.yaml -',
      'directory scripts x',
      'file scripts/migrate.sh x',
    ]);
    expect(listed.excluded).toEqual([]);
  });

  test('a link inside a shipped directory is refused, never followed, even to a file inside the project', () => {
    const where = project();
    fs.symlinkSync('/etc/hostname', path.join(where.pkg, 'configuration/host'));
    const planned = plan([{ source: 'configuration' }], 'lambda', where);
    expectCdkRustError(() => listArtifactFiles(planned), 'INVALID_PROP', 'configuration/host', 'symbolic link', 'never follows a link');
  });

  test('credentials under a shipped directory, and version-control metadata, are left out and reported', () => {
    const where = project();
    fs.writeFileSync(path.join(where.pkg, 'configuration/.env'), 'TOKEN=x\n');
    fs.writeFileSync(path.join(where.pkg, 'configuration/tls.key'), '-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----\n');
    fs.mkdirSync(path.join(where.pkg, 'configuration/.git'));
    fs.writeFileSync(path.join(where.pkg, 'configuration/.git/config'), '[core]\n');
    const listed = listArtifactFiles(plan([{ source: 'configuration' }], 'lambda', where));
    expect(listed.entries.map((e) => e.destination)).toEqual(['configuration', 'configuration/base.yaml', 'configuration/production.yaml']);
    expect(listed.excluded).toEqual([path.join(where.pkg, 'configuration/.env'), path.join(where.pkg, 'configuration/tls.key')]);
  });
});

describe('artifact-files: the hash follows what ships, and the written files are the same on every machine', () => {
  test('the hash changes with a file content, a destination or the executable bit, and with nothing else', () => {
    const where = project();
    const hashOf = (files: ArtifactFile[] = [{ source: 'configuration' }]) =>
      hashArtifactFiles(listArtifactFiles(plan(files, 'lambda', where)).entries);
    const before = hashOf();
    expect(hashOf()).toBe(before);
    fs.utimesSync(path.join(where.pkg, 'configuration/base.yaml'), new Date(), new Date());
    expect(hashOf()).toBe(before);
    expect(hashOf([{ source: 'configuration', destination: 'config' }])).not.toBe(before);
    fs.chmodSync(path.join(where.pkg, 'configuration/base.yaml'), 0o755);
    expect(hashOf()).not.toBe(before);
    fs.chmodSync(path.join(where.pkg, 'configuration/base.yaml'), 0o644);
    fs.writeFileSync(path.join(where.pkg, 'configuration/base.yaml'), 'port: 9000\n');
    expect(hashOf()).not.toBe(before);
  });

  test('written files are 0644 or 0755 whatever their modes here, with fixed times', () => {
    const where = project();
    fs.chmodSync(path.join(where.pkg, 'configuration/base.yaml'), 0o600);
    const out = tempDir('files-out');
    writeArtifactFiles(listArtifactFiles(plan([{ source: 'configuration' }, { source: 'scripts' }], 'lambda', where)).entries, out);
    const modeOf = (p: string) => (fs.statSync(path.join(out, p)).mode & 0o7777).toString(8);
    expect(modeOf('configuration/base.yaml')).toBe('644');
    expect(modeOf('scripts/migrate.sh')).toBe('755');
    expect(modeOf('configuration')).toBe('755');
    expect(fs.statSync(path.join(out, 'configuration/base.yaml')).mtime).toEqual(ARTIFACT_FILE_TIME);
    expect(fs.statSync(path.join(out, 'configuration')).mtime).toEqual(ARTIFACT_FILE_TIME);
    expect(fs.readFileSync(path.join(out, 'configuration/base.yaml'), 'utf-8')).toBe('port: 8000\n');
  });
});
