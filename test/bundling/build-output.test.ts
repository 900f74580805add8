/**
 * What a build exported is checked before anything on this machine reads, moves or chmods it: regular files and
 * directories only. The exports here are made by the tests as a hostile build script would leave them.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { checkBuildOutput } from '../../lib/bundling/build-output';
import { expectCdkRustError, tempDir } from '../support';

/** An export as a service build leaves it: bootstrap, the CA bundle and a zoneinfo tree. */
function goodExport(): string {
  const dir = tempDir('export');
  fs.writeFileSync(path.join(dir, 'bootstrap'), '\x7fELF');
  fs.writeFileSync(path.join(dir, 'ca-certificates.crt'), 'PEM');
  fs.mkdirSync(path.join(dir, 'zoneinfo', 'Europe'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'zoneinfo', 'Europe', 'Paris'), 'TZif');
  return dir;
}

/** A host "secret": a folder holding a credentials file (mode 0600), outside every export. */
function hostSecret(): { dir: string; file: string } {
  const dir = tempDir('host-secret');
  const file = path.join(dir, 'credentials');
  fs.writeFileSync(file, 'aws_secret_access_key = host-secret', { mode: 0o600 });
  return { dir, file };
}

describe('checkBuildOutput: a build output is data, never a link to (or a device of) the machine that builds', () => {
  test('files and directories pass', () => {
    expect(() => checkBuildOutput(goodExport(), 'api')).not.toThrow();
  });

  test('a zoneinfo exported as a link to a host folder (the timeZones attack) is BUILD_FAILED naming it, blaming a build script', () => {
    const dir = goodExport();
    const secret = hostSecret();
    fs.rmSync(path.join(dir, 'zoneinfo'), { recursive: true });
    fs.symlinkSync(secret.dir, path.join(dir, 'zoneinfo'));
    expectCdkRustError(
      () => checkBuildOutput(dir, 'api'),
      'BUILD_FAILED',
      `the build of api exported "zoneinfo" as a symbolic link to ${JSON.stringify(secret.dir)}, which cdk-rust refuses`,
      'a build output must be data',
      'a build script of the crate or of one of its dependencies made it',
      'Fix: find the dependency whose build script writes outside its OUT_DIR',
    );
  });

  test('a bootstrap exported as a link to a host file is refused before anything chmods it: the file keeps its mode', () => {
    const dir = goodExport();
    const secret = hostSecret();
    fs.rmSync(path.join(dir, 'bootstrap'));
    fs.symlinkSync(secret.file, path.join(dir, 'bootstrap'));
    expectCdkRustError(() => checkBuildOutput(dir, 'api'), 'BUILD_FAILED', 'exported "bootstrap" as a symbolic link');
    expect(fs.statSync(secret.file).mode & 0o777).toBe(0o600);
  });

  test('a link deep in a directory, even a relative one that stays inside the export, is refused by its path in the export', () => {
    const dir = goodExport();
    fs.symlinkSync('Paris', path.join(dir, 'zoneinfo', 'Europe', 'Monaco'));
    expectCdkRustError(
      () => checkBuildOutput(dir, 'api'),
      'BUILD_FAILED',
      'exported "zoneinfo/Europe/Monaco" as a symbolic link to "Paris"',
    );
  });

  test('a fifo or a socket is refused too', async () => {
    const withFifo = goodExport();
    expect(spawnSync('mkfifo', [path.join(withFifo, 'zoneinfo', 'pipe')]).status).toBe(0);
    expectCdkRustError(() => checkBuildOutput(withFifo, 'api'), 'BUILD_FAILED', 'exported "zoneinfo/pipe" as a fifo');
    const withSocket = goodExport();
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(withSocket, 'sock'), resolve));
    try {
      expectCdkRustError(() => checkBuildOutput(withSocket, 'api'), 'BUILD_FAILED', 'exported "sock" as a socket');
    } finally {
      server.close();
    }
  });
});
