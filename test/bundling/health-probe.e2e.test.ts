/**
 * End to end: a service build asking for the health probe (test/fixtures/tiny-service, `healthProbe: true`) exports a
 * static `healthcheck` beside `bootstrap`, built by the real BuildKit build; run on this machine against real servers
 * on 127.0.0.1, it exits 0 for a healthy answer, 1 for an unhealthy one, a silent server, a closed port or an answer
 * that is not HTTP, and 2 for wrong arguments. The same source built with the host's cargo behaves the same (a quick
 * check that the source itself is right, independent of the builder image).
 */
import { execFile, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { Bundling } from '../../lib/bundling/bundling';
import { HEALTH_PROBE_MANIFEST, HEALTH_PROBE_SOURCE } from '../../lib/bundling/health-probe';
import { checkStaticExecutable, readElfExecutable } from '../../lib/service/elf';
import { captureStderr, copyFixture, devEnv, freePort, tempDir } from '../support';

jest.setTimeout(20 * 60 * 1000);

interface ProbeRun {
  readonly code: number | null;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs the probe without blocking this process's event loop (the servers below answer from it). */
function runProbe(probe: string, ...args: string[]): Promise<ProbeRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(probe, args, { timeout: 15_000 }, (error, _stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? null) : 0;
      resolve({ code: typeof code === 'number' ? code : null, stderr, ms: Date.now() - started });
    });
  });
}

/** An HTTP server on 127.0.0.1: 200 on /health, 302 on /moved, 503 on /sick, 404 elsewhere; it keeps what it was asked. */
async function httpServer(): Promise<{ port: number; requests: http.IncomingMessage[]; close: () => void }> {
  const requests: http.IncomingMessage[] = [];
  const status: Record<string, number> = { '/health': 200, '/moved': 302, '/sick': 503 };
  const server = http.createServer((req, res) => {
    requests.push(req);
    res.writeHead(status[req.url ?? ''] ?? 404, { 'content-type': 'text/plain' });
    res.end('ok\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, requests, close: () => server.close() };
}

/** A TCP server on 127.0.0.1 that accepts connections and then either never answers, or answers `reply` and closes. */
async function tcpServer(reply?: string): Promise<{ port: number; close: () => void }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    if (reply !== undefined) socket.end(reply);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      sockets.forEach((s) => s.destroy());
      server.close();
    },
  };
}

/** The behaviour every build of the probe must have, whoever compiled it. */
function probeBehaviour(probePath: () => string): void {
  test('200 on the health path: exit 0, silently; a redirect counts as healthy too', async () => {
    const server = await httpServer();
    try {
      expect(await runProbe(probePath(), String(server.port), '/health')).toMatchObject({ code: 0, stderr: '' });
      expect((await runProbe(probePath(), String(server.port), '/moved')).code).toBe(0);
      const request = server.requests[0];
      expect(request.method).toBe('GET');
      expect(request.url).toBe('/health');
      expect(request.httpVersion).toBe('1.1');
      expect(request.headers).toMatchObject({ host: 'localhost', 'user-agent': 'cdk-rust-healthcheck', connection: 'close' });
    } finally {
      server.close();
    }
  });

  test('503 or 404: exit 1, with one line on stderr naming the status', async () => {
    const server = await httpServer();
    try {
      const sick = await runProbe(probePath(), String(server.port), '/sick');
      expect(sick.code).toBe(1);
      expect(sick.stderr).toBe(`healthcheck: GET http://127.0.0.1:${server.port}/sick: the answer's status is 503\n`);
      expect((await runProbe(probePath(), String(server.port), '/missing')).code).toBe(1);
    } finally {
      server.close();
    }
  });

  test('a server that accepts and never answers: exit 1 within the probe’s 4 s deadline, under ECS’s 5 s', async () => {
    const server = await tcpServer();
    try {
      const run = await runProbe(probePath(), String(server.port), '/health');
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('no answer within 4 s');
      expect(run.ms).toBeGreaterThanOrEqual(3_500);
      expect(run.ms).toBeLessThan(5_000);
    } finally {
      server.close();
    }
  });

  test('a closed port, or an answer that is not HTTP: exit 1', async () => {
    const closed = await runProbe(probePath(), String(await freePort()), '/health');
    expect(closed.code).toBe(1);
    expect(closed.stderr).toContain('could not connect');
    const server = await tcpServer('SSH-2.0-OpenSSH_9.2\r\n');
    try {
      const run = await runProbe(probePath(), String(server.port), '/health');
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('the answer is not HTTP: "SSH-2.0-OpenSSH_9.2"');
    } finally {
      server.close();
    }
  });

  test('wrong arguments: exit 2 with the usage, without connecting anywhere', async () => {
    for (const args of [
      [],
      ['8080'],
      ['0', '/health'],
      ['65536', '/health'],
      ['+80', '/health'],
      ['8080', 'health'],
      ['8080', '/a b'],
      ['8080', '/a', 'x'],
    ]) {
      const run = await runProbe(probePath(), ...args);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toContain('usage: healthcheck <port 1-65535> <path starting with />');
    }
  });
}

describe('health probe: built by a service build in Docker, a static executable beside bootstrap', () => {
  let outdir: string;
  let built: ReturnType<typeof Bundling.build>;

  beforeAll(() => {
    const crate = copyFixture('tiny-service');
    const prepared = Bundling.prepare({
      manifestPath: path.join(crate, 'Cargo.toml'),
      containerImage: { healthProbe: true },
      builderImage: devEnv().builderImage,
    });
    outdir = path.join(tempDir('health-probe'), 'asset');
    built = captureStderr(() => Bundling.build(prepared, outdir)).result;
  });

  test('the build returns the probe, 0755 beside bootstrap, a static x86_64 executable well under 1 MB', () => {
    expect(built.healthProbe).toBe(path.join(outdir, 'healthcheck'));
    expect(fs.readdirSync(outdir).sort()).toEqual(['bootstrap', 'ca-certificates.crt', 'healthcheck']);
    const stat = fs.lstatSync(built.healthProbe!);
    expect(stat.isFile()).toBe(true);
    expect(stat.mode & 0o777).toBe(0o755);
    expect(stat.size).toBeLessThan(1024 * 1024);
    const bytes = fs.readFileSync(built.healthProbe!);
    expect(() => checkStaticExecutable(bytes, 'x86_64', 'healthcheck')).not.toThrow();
    expect(readElfExecutable(bytes)).toEqual({ architecture: 'x86_64', interpreter: undefined });
  });

  probeBehaviour(() => built.healthProbe!);
});

describe('health probe: the same source built with the host’s cargo behaves the same', () => {
  let probe: string;

  beforeAll(() => {
    const project = tempDir('health-probe-host');
    fs.mkdirSync(path.join(project, 'src'));
    fs.writeFileSync(path.join(project, 'Cargo.toml'), HEALTH_PROBE_MANIFEST);
    fs.writeFileSync(path.join(project, 'src', 'main.rs'), HEALTH_PROBE_SOURCE);
    const cargo = spawnSync('cargo', ['build', '--release', '--quiet'], { cwd: project, encoding: 'utf-8' });
    if (cargo.status !== 0) throw new Error(`cargo build of the probe failed:\n${cargo.stderr}`);
    probe = path.join(project, 'target', 'release', 'healthcheck');
  });

  probeBehaviour(() => probe);
});
