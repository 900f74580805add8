/**
 * End to end: a real build of a std-only service (test/fixtures/tiny-service) becomes an image archive that
 * Docker loads with the command CDK's own asset publishing runs, that runs on the host network as the non-root
 * user with TLS roots, that Docker reports healthy through the image's health check, and that is byte-identical
 * when built from a copy of the sources at another path.
 */
import { spawnSync } from 'child_process';
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { RustServiceImage } from '../../lib';
import { captureStderr, copyFixture, devEnv, freePort, tempDir } from '../support';

interface Synthesized {
  readonly outdir: string;
  readonly stderr: string;
  /** The tarball that CDK publishes, and the command its publishing runs (from the assets manifest). */
  readonly tarball: string;
  readonly loadCommand: string[];
}

function synthService(crate: string, outdir: string, port: number): Synthesized {
  const { stderr } = captureStderr(() => {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Svc');
    new RustServiceImage(stack, 'Api', {
      manifestPath: path.join(crate, 'Cargo.toml'),
      port,
      environment: { PORT: String(port) },
      // A timeout that a loaded CI machine's `docker exec` start-up fits in.
      healthCheck: { args: ['healthcheck'], interval: Duration.seconds(5), timeout: Duration.seconds(5), retries: 3 },
      bundling: { builderImage: devEnv().builderImage },
    });
    app.synth();
  });
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'Svc.assets.json'), 'utf-8'));
  const images = Object.values(manifest.dockerImages as Record<string, { source: { executable: string[] } }>);
  expect(images).toHaveLength(1);
  const loadCommand = images[0].source.executable;
  const tarball = fs.readdirSync(outdir).find((name) => /^asset\.[0-9a-f]{64}\.tar$/.test(name));
  expect(tarball).toBeDefined();
  return { outdir, stderr, tarball: path.join(outdir, tarball!), loadCommand };
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

async function eventually<T>(what: string, timeoutMs: number, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await attempt().catch(() => undefined);
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Runs CDK's publishing command for the image (`sh -c "docker load ... | sed ..."`) with `docker` being `client`. */
function cdkLoad(synthesized: Synthesized, client: string): string {
  const [command, ...args] = synthesized.loadCommand;
  const bin = tempDir('docker-client');
  fs.symlinkSync(client, path.join(bin, 'docker'));
  const run = spawnSync(command, args, {
    cwd: synthesized.outdir,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    encoding: 'utf-8',
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout.trim();
}

function docker(...args: string[]): string {
  const run = spawnSync(devEnv().docker, args, { encoding: 'utf-8' });
  if (run.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout.trim();
}

describe('RustServiceImage: a real build becomes an image Docker loads, runs as non-root and finds healthy', () => {
  let port: number;
  let crate: string;
  let first: Synthesized;
  let tag: string;
  const container = `cdk-rust-test-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    devEnv();
    port = await freePort();
    crate = copyFixture('tiny-service');
    first = synthService(crate, tempDir('service-out'), port);
    expect(first.stderr).toContain('[cdk-rust] building tiny-service/tiny-service for x86_64-unknown-linux-musl');
  });

  afterAll(() => {
    spawnSync(devEnv().docker, ['rm', '-f', container]);
  });

  test("CDK's own publishing command loads it, with this machine's Docker clients", () => {
    const clients = [devEnv().docker, '/usr/local/bin/docker', '/usr/bin/docker'].filter(
      (c, i, all) => fs.existsSync(c) && all.indexOf(c) === i,
    );
    const tags = clients.map((client) => cdkLoad(first, client));
    tag = tags[0];
    expect(tag).toMatch(/^cdk-rust\/tiny-service:[0-9a-f]{16}$/);
    expect(new Set(tags)).toEqual(new Set([tag]));
    const [user, entrypoint, exposed, os, architecture] = docker(
      'image',
      'inspect',
      '--format',
      '{{.Config.User}}|{{json .Config.Entrypoint}}|{{json .Config.ExposedPorts}}|{{.Os}}|{{.Architecture}}',
      tag,
    ).split('|');
    expect({ user, entrypoint, exposed, os, architecture }).toEqual({
      user: '65532:65532',
      entrypoint: '["/app/tiny-service"]',
      exposed: `{"${port}/tcp":{}}`,
      os: 'linux',
      architecture: 'amd64',
    });
  });

  test('it runs on the host network as 65532, with TLS roots and a writable /tmp only; Docker finds it healthy', async () => {
    expect(tag).toBeDefined();
    docker('run', '-d', '--network', 'host', '--name', container, tag);
    const whoami = await eventually('the service answering', 30_000, async () => {
      const response = await fetch(`http://127.0.0.1:${port}/whoami`);
      return response.ok ? response.text() : undefined;
    });
    const fields = Object.fromEntries(whoami.split(' ').map((pair) => pair.split('=')));
    expect(fields.uid).toBe('65532');
    expect(Number(fields.certificates)).toBeGreaterThan(50);
    expect(fields.tmp_writable).toBe('true');
    expect(fields.root_writable).toBe('false');
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    // The health check is the service binary itself (`tiny-service healthcheck`): no shell, no curl.
    await eventually('Docker reporting the container healthy', 60_000, async () =>
      docker('inspect', '--format', '{{.State.Health.Status}}', container) === 'healthy' ? true : undefined,
    );
  });

  test('an unchanged re-synth builds nothing; the same sources at another path give a byte-identical archive', () => {
    const again = synthService(crate, first.outdir, port);
    expect(again.stderr).not.toContain('[cdk-rust] building');
    const elsewhere = synthService(copyFixture('tiny-service'), tempDir('service-out-2'), port);
    expect(sha256(elsewhere.tarball)).toBe(sha256(first.tarball));
  });

  test('timeZones puts the builder image time-zone data in the image as files (links resolved), without right/ and posix/', () => {
    const outdir = tempDir('service-tz');
    captureStderr(() => {
      const app = new App({ outdir });
      new RustServiceImage(new Stack(app, 'Svc'), 'Api', {
        manifestPath: path.join(crate, 'Cargo.toml'),
        timeZones: true,
        bundling: { builderImage: devEnv().builderImage },
      });
      app.synth();
    });
    const tarball = fs.readdirSync(outdir).find((name) => /^asset\.[0-9a-f]{64}\.tar$/.test(name));
    const layer = spawnSync('sh', ['-c', `tar -xOf "$1" --wildcards '*/layer.tar' | tar -tv`, 'sh', path.join(outdir, tarball!)], {
      encoding: 'utf-8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(layer.status).toBe(0);
    const lines = layer.stdout.trim().split('\n');
    const entries = lines.map((line) => line.split(/ +/).pop()!);
    expect(entries).toContain('usr/share/zoneinfo/Europe/Paris');
    // tzdata's links (Egypt -> Africa/Cairo) are files of their own: the build exports no link.
    expect(entries).toContain('usr/share/zoneinfo/Egypt');
    expect(lines.filter((line) => !/^[-d]/.test(line))).toEqual([]);
    expect(entries.some((entry) => /^usr\/share\/zoneinfo\/(right|posix)\//.test(entry))).toBe(false);
    expect(entries).toContain('app/tiny-service');
  });
});
