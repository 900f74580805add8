/**
 * The layer of a service image: which files and directories, with which modes and owners (links refused, never followed); and the spec's
 * checks, each refusing bad input with the prop it names and a fix.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ArtifactEntry } from '../../lib/bundling/artifact-files';
import { checkServiceImageSpec, comparePaths, imageLayout, LayerEntry } from '../../lib/service/image-spec';
import { expectCdkRustError, tempDir } from '../support';
import { CA_BUNDLE, dynamicElf, hostSecret, specOf, staticElf, writeTemp, zoneinfoTree } from './fixtures';

/** An entry without its content: what `ls -l` would show. */
function shape(entry: LayerEntry): string {
  const target = entry.type === 'symlink' ? ` -> ${entry.target}` : '';
  return `${entry.type} ${entry.mode.toString(8).padStart(4, '0')} ${entry.uid}:${entry.gid} ${entry.path}${target}`;
}

function content(entries: LayerEntry[], file: string): string {
  const entry = entries.find((e) => e.path === file);
  if (entry?.type !== 'file') throw new Error(`no file ${file}`);
  return entry.content.toString('latin1');
}

describe('imageLayout: the binary, the users, the certificates and /tmp, with fixed modes and owners', () => {
  test('holds exactly these entries, sorted by path, every parent directory an entry of its own', () => {
    expect(imageLayout(specOf()).map(shape)).toEqual([
      'directory 0755 0:0 /app',
      'file 0755 0:0 /app/api',
      'directory 0755 0:0 /etc',
      'file 0644 0:0 /etc/group',
      'file 0644 0:0 /etc/passwd',
      'directory 0755 0:0 /etc/ssl',
      'directory 0755 0:0 /etc/ssl/certs',
      'file 0644 0:0 /etc/ssl/certs/ca-certificates.crt',
      'directory 0755 0:0 /home',
      'directory 0700 65532:65532 /home/nonroot',
      'directory 1777 0:0 /tmp',
    ]);
  });

  test('/etc/passwd and /etc/group name root and nonroot (65532, home /home/nonroot), neither with a shell', () => {
    const entries = imageLayout(specOf());
    expect(content(entries, '/etc/passwd')).toBe(
      'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n',
    );
    expect(content(entries, '/etc/group')).toBe('root:x:0:\nnonroot:x:65532:\n');
  });

  test('the binary and the CA bundle are the bytes given; a binary given by path is read from it', () => {
    const fromBytes = imageLayout(specOf());
    expect(content(fromBytes, '/app/api')).toBe(staticElf().toString('latin1'));
    expect(content(fromBytes, '/etc/ssl/certs/ca-certificates.crt')).toBe(CA_BUNDLE.toString('latin1'));
    expect(imageLayout(specOf({ binary: writeTemp(staticElf()) }))).toEqual(fromBytes);
  });

  test('the binary is at /app/<binaryName>', () => {
    expect(imageLayout(specOf({ binaryName: 'orders-api' })).map((e) => e.path)).toContain('/app/orders-api');
  });
});

describe('imageLayout: time zones, when given, go under /usr/share/zoneinfo with fixed modes', () => {
  test('files are 0644 and directories 0755, whatever their modes on this machine', () => {
    const dir = zoneinfoTree();
    fs.chmodSync(path.join(dir, 'UTC'), 0o600);
    fs.chmodSync(path.join(dir, 'Europe'), 0o700);
    const zones = imageLayout(specOf({ zoneinfo: dir }))
      .filter((e) => e.path.startsWith('/usr'))
      .map(shape);
    expect(zones).toEqual([
      'directory 0755 0:0 /usr',
      'directory 0755 0:0 /usr/share',
      'directory 0755 0:0 /usr/share/zoneinfo',
      'directory 0755 0:0 /usr/share/zoneinfo/Europe',
      'file 0644 0:0 /usr/share/zoneinfo/Europe/Paris',
      'file 0644 0:0 /usr/share/zoneinfo/Paris',
      'file 0644 0:0 /usr/share/zoneinfo/UTC',
    ]);
    expect(content(imageLayout(specOf({ zoneinfo: dir })), '/usr/share/zoneinfo/Europe/Paris')).toBe('TZif paris');
  });

  test("this machine's time-zone data, its links resolved as the build resolves them, goes in whole, every parent before what it holds", () => {
    const dir = tempDir('zoneinfo-copy');
    expect(spawnSync('cp', ['-RL', '/usr/share/zoneinfo/Europe', '/usr/share/zoneinfo/America', dir]).status).toBe(0);
    const entries = imageLayout(specOf({ zoneinfo: dir }));
    const paths = entries.map((e) => e.path);
    expect(paths).toContain('/usr/share/zoneinfo/Europe/Paris');
    expect(paths).toContain('/usr/share/zoneinfo/America/Argentina/Cordoba');
    expect([...paths].sort(comparePaths)).toEqual(paths);
    const directories = new Set(entries.filter((e) => e.type === 'directory').map((e) => e.path));
    paths.forEach((p, i) => {
      const parent = path.posix.dirname(p);
      if (parent === '/') return;
      expect(directories.has(parent)).toBe(true);
      expect(paths.indexOf(parent)).toBeLessThan(i);
    });
  });

  test('paths sort by their bytes, so "Europe-x" (0x2d) comes before "Europe/" (0x2f) in every locale', () => {
    const dir = zoneinfoTree();
    fs.writeFileSync(path.join(dir, 'Europe-x'), 'TZif');
    fs.writeFileSync(path.join(dir, 'europe'), 'TZif');
    const zones = imageLayout(specOf({ zoneinfo: dir }))
      .map((e) => e.path)
      .filter((p) => p.startsWith('/usr/share/zoneinfo/'));
    expect(zones).toEqual([
      '/usr/share/zoneinfo/Europe',
      '/usr/share/zoneinfo/Europe-x',
      '/usr/share/zoneinfo/Europe/Paris',
      '/usr/share/zoneinfo/Paris',
      '/usr/share/zoneinfo/UTC',
      '/usr/share/zoneinfo/europe',
    ]);
  });
});

describe('checkServiceImageSpec: bad values are refused before anything is read, naming the prop, with the fix', () => {
  test('a port outside 1-65535, or not a whole number, is INVALID_PROP naming port', () => {
    for (const port of [0, 65536, -1, 80.5, NaN]) {
      expectCdkRustError(
        () => checkServiceImageSpec(specOf({ port })),
        'INVALID_PROP',
        `port: ${port} is not a TCP port.`,
        'Fix: use a whole number from 1 to 65535',
      );
    }
    expect(() => checkServiceImageSpec(specOf({ port: 1 }))).not.toThrow();
    expect(() => checkServiceImageSpec(specOf({ port: 65535 }))).not.toThrow();
  });

  test('a health check that does not run the binary is INVALID_PROP naming healthCheck.command: there is no shell and nothing else', () => {
    for (const command of [['curl', '-f', 'http://localhost:8080/health'], ['api', '--health'], ['/bin/sh', '-c', 'true'], []]) {
      expectCdkRustError(
        () => checkServiceImageSpec(specOf({ healthCheck: { command } })),
        'INVALID_PROP',
        `healthCheck.command: ${JSON.stringify(command)} does not run /app/api: the image has no shell and no other program`,
        'Fix: start healthCheck.command with "/app/api" and give its arguments after it, as ["/app/api", "--health-check"].',
      );
    }
    expect(() => checkServiceImageSpec(specOf({ healthCheck: { command: ['/app/api', '--health'] } }))).not.toThrow();
  });

  test('health check timings that are not durations, and retries that are not a count, are INVALID_PROP naming each', () => {
    const command = ['/app/api'];
    expectCdkRustError(
      () => checkServiceImageSpec(specOf({ healthCheck: { command, interval: 0 } })),
      'INVALID_PROP',
      'healthCheck.interval: 0',
    );
    expectCdkRustError(
      () => checkServiceImageSpec(specOf({ healthCheck: { command, timeout: -1 } })),
      'INVALID_PROP',
      'healthCheck.timeout: -1',
    );
    expectCdkRustError(
      () => checkServiceImageSpec(specOf({ healthCheck: { command, startPeriod: Infinity } })),
      'INVALID_PROP',
      'healthCheck.startPeriod: Infinity',
    );
    expectCdkRustError(
      () => checkServiceImageSpec(specOf({ healthCheck: { command, retries: 1.5 } })),
      'INVALID_PROP',
      'healthCheck.retries: 1.5',
    );
    expect(() => checkServiceImageSpec(specOf({ healthCheck: { command, startPeriod: 0, interval: 0.5 } }))).not.toThrow();
  });

  test('an environment variable named with "=", or given twice, is INVALID_PROP naming environment', () => {
    expectCdkRustError(() => checkServiceImageSpec(specOf({ environment: [['A=B', 'x']] })), 'INVALID_PROP', 'environment: "A=B"');
    expectCdkRustError(() => checkServiceImageSpec(specOf({ environment: [['', 'x']] })), 'INVALID_PROP', 'environment: ""');
    expectCdkRustError(() => checkServiceImageSpec(specOf({ environment: [['A', 'x\0y']] })), 'INVALID_PROP', 'environment: "A"');
    expectCdkRustError(
      () =>
        checkServiceImageSpec(
          specOf({
            environment: [
              ['A', '1'],
              ['A', '2'],
            ],
          }),
        ),
      'INVALID_PROP',
      'environment: A is given twice.',
    );
  });

  test('a binaryName that is not one file name is INVALID_PROP naming binaryName', () => {
    for (const binaryName of ['', 'bin/api', '..', '.hidden', 'x'.repeat(101)]) {
      expectCdkRustError(() => checkServiceImageSpec(specOf({ binaryName })), 'INVALID_PROP', `binaryName: "${binaryName}"`);
    }
  });

  test('a repoTag that is not a lowercase name with a tag is INVALID_IMAGE', () => {
    for (const repoTag of ['cdk-rust/api', 'CDK/api:1', 'api:', 'api:-x', 'api: 1']) {
      expectCdkRustError(() => checkServiceImageSpec(specOf({ repoTag })), 'INVALID_IMAGE', `repoTag: "${repoTag}"`);
    }
    for (const repoTag of [
      'api:1',
      'cdk-rust/orders_api:0123abcd',
      'localhost:5000/a/b:v1.2-rc',
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/r:t',
    ]) {
      expect(() => checkServiceImageSpec(specOf({ repoTag }))).not.toThrow();
    }
  });
});

describe('imageLayout: a binary or a zoneinfo directory the image cannot hold is refused', () => {
  test('a dynamically linked binary (/bin/true) is INVALID_IMAGE naming its path and the musl target', () => {
    expectCdkRustError(
      () => imageLayout(specOf({ binary: '/bin/true' })),
      'INVALID_IMAGE',
      'the binary /bin/true is dynamically linked',
      'x86_64-unknown-linux-musl',
    );
    expectCdkRustError(() => imageLayout(specOf({ binary: dynamicElf() })), 'INVALID_IMAGE', 'the binary "api" is dynamically linked');
  });

  test('a binary of the other architecture is an ARCHITECTURE_MISMATCH', () => {
    expectCdkRustError(
      () => imageLayout(specOf({ architecture: 'arm64' })),
      'ARCHITECTURE_MISMATCH',
      'built for x86_64, but the image is for arm64',
    );
  });

  test('a binary path with no file is INVALID_IMAGE', () => {
    const missing = path.join(tempDir('service'), 'api');
    expectCdkRustError(
      () => imageLayout(specOf({ binary: missing })),
      'INVALID_IMAGE',
      `the binary ${missing} cannot be read`,
      'Fix: build the binary first.',
    );
  });

  test('a zoneinfo that is not a directory, or holds something other than files and directories (a fifo), is INVALID_IMAGE', () => {
    const file = writeTemp('TZif', 'UTC');
    expectCdkRustError(() => imageLayout(specOf({ zoneinfo: file })), 'INVALID_IMAGE', `zoneinfo: ${file} is not a directory.`);
    const dir = zoneinfoTree();
    expect(spawnSync('mkfifo', [path.join(dir, 'pipe')]).status).toBe(0);
    // Refused from its lstat: the fifo is never opened, so nothing waits on it.
    expectCdkRustError(
      () => imageLayout(specOf({ zoneinfo: dir })),
      'INVALID_IMAGE',
      `zoneinfo: ${path.join(dir, 'pipe')} is a fifo, which the image writer refuses`,
    );
  });
});

describe('imageLayout: a link is refused, never followed, so no file of this machine reaches the image', () => {
  test('a zone that is a link to a host secret file outside the tree is INVALID_IMAGE naming it', () => {
    const secret = hostSecret();
    const dir = zoneinfoTree();
    fs.symlinkSync(secret.file, path.join(dir, 'Europe', 'Berlin'));
    expectCdkRustError(
      () => imageLayout(specOf({ zoneinfo: dir })),
      'INVALID_IMAGE',
      `zoneinfo: ${path.join(dir, 'Europe', 'Berlin')} is a symbolic link, which the image writer refuses`,
      'never follows a link',
    );
  });

  test('a zoneinfo directory that is itself a link to a host folder (what a hostile build script exported) is refused', () => {
    const secret = hostSecret();
    const link = path.join(tempDir('export'), 'zoneinfo');
    fs.symlinkSync(secret.dir, link);
    expectCdkRustError(() => imageLayout(specOf({ zoneinfo: link })), 'INVALID_IMAGE', `zoneinfo: ${link} is a symbolic link`);
  });

  test("a link inside the tree is refused too, even tzdata's own relative kind (the build resolves those into copies)", () => {
    const dir = zoneinfoTree();
    fs.symlinkSync('Europe/Paris', path.join(dir, 'CET'));
    expectCdkRustError(
      () => imageLayout(specOf({ zoneinfo: dir })),
      'INVALID_IMAGE',
      `zoneinfo: ${path.join(dir, 'CET')} is a symbolic link`,
    );
  });

  test('a binary path that is a link is refused, even when it leads to a good static binary', () => {
    const real = writeTemp(staticElf());
    const link = path.join(tempDir('export'), 'bootstrap');
    fs.symlinkSync(real, link);
    expectCdkRustError(() => imageLayout(specOf({ binary: link })), 'INVALID_IMAGE', `the binary ${link} is a symbolic link`);
    expect(imageLayout(specOf({ binary: real })).map(shape)).toContain('file 0755 0:0 /app/api');
  });
});

describe('imageLayout: project files go under the working directory, root-owned and read-only to the service', () => {
  function shipped(): ArtifactEntry[] {
    const dir = tempDir('config');
    fs.mkdirSync(path.join(dir, 'configuration'));
    fs.writeFileSync(path.join(dir, 'configuration/base.yaml'), 'port: 8000\n', { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'migrate'), '#!/bin/sh\n', { mode: 0o700 });
    return [
      { type: 'directory', destination: 'configuration', absolute: path.join(dir, 'configuration'), executable: true },
      { type: 'file', destination: 'configuration/base.yaml', absolute: path.join(dir, 'configuration/base.yaml'), executable: false },
      { type: 'file', destination: '/usr/local/bin/migrate', absolute: path.join(dir, 'migrate'), executable: true },
    ];
  }

  test('a relative destination lands under /app by default, an absolute one where it says, each parent an entry', () => {
    const entries = imageLayout(specOf({ files: shipped() }));
    expect(entries.map(shape)).toEqual(
      expect.arrayContaining([
        'directory 0755 0:0 /app/configuration',
        'file 0644 0:0 /app/configuration/base.yaml',
        'directory 0755 0:0 /usr',
        'directory 0755 0:0 /usr/local/bin',
        'file 0755 0:0 /usr/local/bin/migrate',
      ]),
    );
    expect(content(entries, '/app/configuration/base.yaml')).toBe('port: 8000\n');
  });

  test('another working directory holds the relative files and is an entry of its own', () => {
    const entries = imageLayout(specOf({ files: shipped(), workingDirectory: '/srv/api' }));
    expect(entries.map(shape)).toEqual(
      expect.arrayContaining(['directory 0755 0:0 /srv/api', 'file 0644 0:0 /srv/api/configuration/base.yaml']),
    );
  });

  test.each([
    ['/app/api', 'a file cdk-rust writes'],
    ['/etc/passwd', 'a file cdk-rust writes'],
    ['/etc/ssl', 'a file cdk-rust writes'],
    ['/tmp', 'owns'],
    ['/usr/share/zoneinfo/UTC', 'owns'],
    ['/proc/self', 'owns'],
  ])('a file that would go to %s is INVALID_PROP naming files, before anything is built', (destination, why) => {
    const file: ArtifactEntry = { type: 'file', destination, absolute: '/nonexistent', executable: false };
    expectCdkRustError(() => checkServiceImageSpec(specOf({ files: [file] })), 'INVALID_PROP', 'files', destination, why);
  });

  test.each(['app', '/app/', '/app/../etc', '/proc/x', '/a\nb'])('a workingDirectory "%s" is INVALID_PROP naming it', (dir) => {
    expectCdkRustError(() => checkServiceImageSpec(specOf({ workingDirectory: dir })), 'INVALID_PROP', 'workingDirectory');
  });
});

describe("imageLayout: cdk-rust's health probe has a directory of its own", () => {
  test('the probe is /cdk-rust/healthcheck, 0755 and root-owned; a health check may run it only when the image holds it', () => {
    const probe = Buffer.from('probe bytes');
    const healthCheck = { command: ['/cdk-rust/healthcheck', '8080', '/health'] };
    const entries = imageLayout(specOf({ healthProbe: probe, healthCheck }));
    expect(entries.map(shape)).toEqual(expect.arrayContaining(['directory 0755 0:0 /cdk-rust', 'file 0755 0:0 /cdk-rust/healthcheck']));
    expect(content(entries, '/cdk-rust/healthcheck')).toBe('probe bytes');
    expectCdkRustError(() => checkServiceImageSpec(specOf({ healthCheck })), 'INVALID_PROP', 'healthCheck.command');
  });

  test('a probe given by a path that is a link is refused, never followed', () => {
    const { file } = hostSecret();
    const link = path.join(tempDir('probe'), 'healthcheck');
    fs.symlinkSync(file, link);
    expectCdkRustError(() => imageLayout(specOf({ healthProbe: link })), 'INVALID_IMAGE', 'the health probe', 'symbolic link');
  });

  test('project files may not go under /cdk-rust, whether or not the image holds the probe', () => {
    const file: ArtifactEntry = { type: 'file', destination: '/cdk-rust/healthcheck', absolute: '/nonexistent', executable: true };
    expectCdkRustError(() => checkServiceImageSpec(specOf({ files: [file] })), 'INVALID_PROP', '/cdk-rust');
  });
});
