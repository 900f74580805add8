/**
 * End to end: `cdk-rust run` and runServiceLocally on a RustService synthesized with a real build (the std-only
 * test/fixtures/tiny-service): the image loads as cdk deploy loads it, the service answers as the non-root user
 * once healthy, stops cleanly on SIGTERM leaving no container, and a service that never gets healthy is reported
 * with the end of its logs.
 */
import { spawn, spawnSync } from 'child_process';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { RustService } from '../../lib';
import { findAssemblyService } from '../../lib/service/assembly-service';
import { runServiceLocally } from '../../lib/service/run-service';
import { captureStderr, copyFixture, devEnv, freePort, tempDir } from '../support';

const ROOT = path.join(__dirname, '..', '..');

/** Synthesizes a stack with two RustServices of tiny-service: `Api` (healthy) and `Broken` (checks a path it 404s). */
function synthApp(crate: string, ports: { api: number; broken: number }): string {
  const outdir = tempDir('run-out');
  captureStderr(() => {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Svc');
    const common = { manifestPath: path.join(crate, 'Cargo.toml'), bundling: { builderImage: devEnv().builderImage } };
    new RustService(stack, 'Api', { ...common, port: ports.api, environment: { GREETING: 'hello' } });
    new RustService(stack, 'Broken', { ...common, port: ports.broken, healthCheckPath: '/nope' });
    app.synth();
  });
  return outdir;
}

function containersNamed(prefix: string): string[] {
  const ps = spawnSync(devEnv().docker, ['ps', '-a', '--filter', `name=${prefix}`, '--format', '{{.Names}}'], { encoding: 'utf-8' });
  return ps.stdout.split('\n').filter((line) => line.trim() !== '');
}

describe('run-service: a synthesized RustService runs locally until stopped', () => {
  let outdir: string;
  let ports: { api: number; broken: number };

  beforeAll(async () => {
    devEnv();
    ports = { api: await freePort(), broken: await freePort() };
    outdir = synthApp(copyFixture('tiny-service'), ports);
  });

  test("the assembly gives the service's port, health-check path and environment", () => {
    const service = findAssemblyService(outdir, 'Svc/Api');
    expect(service).toMatchObject({ name: 'Svc/Api', port: ports.api, healthCheckPath: '/health' });
    expect(service.environment).toEqual({ GREETING: 'hello', PORT: String(ports.api) });
    expect(() => findAssemblyService(outdir, 'Svc/Nothing')).toThrow(/SERVICE_NOT_FOUND[^]*Svc\/Api[^]*Svc\/Broken/);
  });

  test('runServiceLocally: healthy at its URL, running as 65532; stop() ends it and removes the container', async () => {
    const logs: string[] = [];
    const running = await runServiceLocally(findAssemblyService(outdir, 'Svc/Api'), { log: (chunk) => logs.push(chunk) });
    try {
      expect(running.url).toBe(`http://127.0.0.1:${ports.api}`);
      expect(await (await fetch(`${running.url}/whoami`)).text()).toContain('uid=65532');
      expect(logs.join('')).toContain(`listening on ${ports.api}`);
    } finally {
      await running.stop();
    }
    expect(containersNamed(running.container)).toEqual([]);
  });

  test('a service that never answers its health-check path: SERVICE_UNHEALTHY with the end of its logs', async () => {
    const service = findAssemblyService(outdir, 'Svc/Broken');
    await expect(runServiceLocally(service, { healthTimeoutMs: 3000, log: () => undefined })).rejects.toThrow(
      new RegExp(`SERVICE_UNHEALTHY[^]*did not answer /nope with 2xx within 3 s[^]*listening on ${ports.broken}`),
    );
    expect(containersNamed('cdk-rust-run-').filter((name) => name.length > 0)).toEqual([]);
  });

  test('cdk-rust run prints the URL once healthy and stops cleanly on SIGTERM', async () => {
    const cli = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'bin', 'cdk-rust.ts'), 'run', 'Svc/Api', '--app', outdir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (d) => (stdout += d));
    cli.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (!stdout.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(stdout.trim()).toBe(`http://127.0.0.1:${ports.api}`);
    expect((await fetch(`${stdout.trim()}/health`)).status).toBe(200);
    cli.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('Svc/Api stopped');
    expect(containersNamed('cdk-rust-run-')).toEqual([]);
  });
});
