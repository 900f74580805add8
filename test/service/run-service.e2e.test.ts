/**
 * End to end: `cdk-rust run` and runServiceLocally on a RustService synthesized with a real build (the std-only
 * test/fixtures/tiny-service): the image loads as cdk deploy loads it, the service answers as the non-root user
 * once healthy, stops cleanly on SIGTERM leaving no container, and a service that never gets healthy is reported
 * with the end of its logs. It runs as on Fargate and for this machine only: reachable on 127.0.0.1 and no other
 * address, read-only root with a writable /tmp, no capabilities, no privilege gain, environment values in no
 * process's arguments, and the developer's AWS credentials only with --aws-credentials.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { RustService } from '../../lib';
import { findAssemblyService } from '../../lib/service/assembly-service';
import { runServiceLocally } from '../../lib/service/run-service';
import { captureStderr, copyFixture, devEnv, freePort, tempDir } from '../support';
import { listeningAddresses } from '../../lib/service/listening-sockets';
import { cdkRustProcess } from '../ts-node-process';

/**
 * Synthesizes a stack with three RustServices of tiny-service: `Api` (healthy), `Broken` (checks a path it 404s) and
 * `Loopback` (binds 127.0.0.1, as axum's hello-world does: healthy to a probe on its loopback, unreachable on Fargate).
 */
function synthApp(crate: string, ports: { api: number; broken: number; loopback: number }): string {
  const outdir = tempDir('run-out');
  captureStderr(() => {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Svc');
    const common = { manifestPath: path.join(crate, 'Cargo.toml'), bundling: { builderImage: devEnv().builderImage } };
    // The container's own check is cdk-rust's health probe (the default), every 5 s so that Docker reports it soon.
    const containerHealthCheck = { interval: Duration.seconds(5) };
    new RustService(stack, 'Api', { ...common, port: ports.api, environment: { GREETING: 'hello' }, containerHealthCheck });
    new RustService(stack, 'Broken', { ...common, port: ports.broken, healthCheckPath: '/nope' });
    new RustService(stack, 'Loopback', { ...common, port: ports.loopback, environment: { BIND_ADDRESS: '127.0.0.1' } });
    app.synth();
  });
  return outdir;
}

function containersNamed(prefix: string): string[] {
  const ps = spawnSync(devEnv().docker, ['ps', '-a', '--filter', `name=${prefix}`, '--format', '{{.Names}}'], { encoding: 'utf-8' });
  return ps.stdout.split('\n').filter((line) => line.trim() !== '');
}

/** What `docker inspect` says of a running container. */
function inspect(container: string): any {
  const result = spawnSync(devEnv().docker, ['inspect', container], { encoding: 'utf-8' });
  return JSON.parse(result.stdout)[0];
}

/** The command lines of every process of this machine, as any user sees them. */
function processArguments(): string {
  return spawnSync('ps', ['-eo', 'args'], { encoding: 'utf-8' }).stdout;
}

/** The environment directories of runServiceLocally in the temp directory. */
function envDirectories(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('cdk-rust-env-'));
}

describe('run-service: a synthesized RustService runs locally until stopped', () => {
  let outdir: string;
  let ports: { api: number; broken: number; loopback: number };

  beforeAll(async () => {
    devEnv();
    ports = { api: await freePort(), broken: await freePort(), loopback: await freePort() };
    outdir = synthApp(copyFixture('tiny-service'), ports);
  });

  test("the assembly gives the service's port, health-check path and environment", () => {
    const service = findAssemblyService(outdir, 'Svc/Api');
    expect(service).toMatchObject({
      name: 'Svc/Api',
      port: ports.api,
      healthCheckPath: '/health',
      initProcessEnabled: true,
      stopTimeoutSeconds: 30,
    });
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

  test("the image's health check is cdk-rust's probe, which needs nothing from the binary: Docker reports the container healthy", async () => {
    const service = findAssemblyService(outdir, 'Svc/Api');
    const running = await runServiceLocally(service, { log: () => undefined });
    try {
      expect(inspect(running.container).Config.Healthcheck.Test).toEqual(['CMD', '/cdk-rust/healthcheck', String(ports.api), '/health']);
      const deadline = Date.now() + 30_000;
      let status = '';
      while (Date.now() < deadline && status !== 'healthy') {
        status = inspect(running.container).State.Health?.Status ?? '';
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(status).toBe('healthy');
    } finally {
      await running.stop();
    }
  });

  test('runs as on Fargate, for this machine only: 127.0.0.1 and no other address, read-only root, no capabilities, no value in any command line, no credentials unless asked', async () => {
    const secret = `s3cr3t-${process.pid}-value`;
    const envBefore = envDirectories();
    process.env.AWS_ACCESS_KEY_ID = 'AKIADEVELOPER';
    process.env.AWS_SECRET_ACCESS_KEY = `developer-${secret}`;
    let running;
    try {
      running = await runServiceLocally(findAssemblyService(outdir, 'Svc/Api'), {
        environment: { API_TOKEN: secret },
        log: () => undefined,
      });
    } finally {
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
    }
    try {
      // Reachable on 127.0.0.1, and nothing of this machine listens on the port on another address (the LAN).
      expect((await fetch(`${running.url}/health`)).status).toBe(200);
      const addresses = listeningAddresses(ports.api) ?? [];
      expect(addresses.length).toBeGreaterThan(0);
      expect(addresses.filter((address) => address !== '0100007F')).toEqual([]);
      // Fargate's hardening: a read-only root with a writable /tmp, as the non-root user, without capabilities.
      expect(await (await fetch(`${running.url}/whoami`)).text()).toContain('uid=65532 certificates=');
      expect(await (await fetch(`${running.url}/whoami`)).text()).toMatch(/tmp_writable=true root_writable=false$/);
      const container = inspect(running.container);
      expect(container.HostConfig.NetworkMode).not.toBe('host');
      expect(container.HostConfig.ReadonlyRootfs).toBe(true);
      expect(container.HostConfig.CapDrop).toEqual(['ALL']);
      expect(container.HostConfig.SecurityOpt).toEqual(['no-new-privileges']);
      // The value reached the container, through a file that is gone, never through a command line.
      expect(container.Config.Env).toContain(`API_TOKEN=${secret}`);
      expect(processArguments()).not.toContain(secret);
      expect(envDirectories()).toEqual(envBefore);
      // No credentials without passCredentials.
      expect(container.Config.Env.filter((v: string) => v.startsWith('AWS_'))).toEqual([]);
    } finally {
      await running.stop();
    }
  });

  test('a service that never answers its health-check path: SERVICE_UNHEALTHY with the end of its logs', async () => {
    const service = findAssemblyService(outdir, 'Svc/Broken');
    await expect(runServiceLocally(service, { healthTimeoutMs: 3000, log: () => undefined })).rejects.toThrow(
      new RegExp(`SERVICE_UNHEALTHY[^]*did not answer /nope with 2xx within 3 s[^]*listening on ${ports.broken}`),
    );
    expect(containersNamed('cdk-rust-run-').filter((name) => name.length > 0)).toEqual([]);
  });

  test('a service bound to its own loopback is unhealthy, as a load balancer would find it, with the bind address as the fix', async () => {
    const service = findAssemblyService(outdir, 'Svc/Loopback');
    await expect(runServiceLocally(service, { healthTimeoutMs: 5000, log: () => undefined })).rejects.toThrow(
      new RegExp(
        `SERVICE_UNHEALTHY[^]*it listens on 127\\.0\\.0\\.1:${ports.loopback} only, its container's own loopback[^]*` +
          `Fix: bind 0\\.0\\.0\\.0:${ports.loopback}`,
      ),
    );
  });

  test('a binary with no SIGTERM handler stops at once: the init passes the signal on, with no wait for SIGKILL', async () => {
    const running = await runServiceLocally(findAssemblyService(outdir, 'Svc/Api'), { log: () => undefined });
    expect(inspect(running.container).HostConfig.Init).toBe(true);
    const started = Date.now();
    const code = await running.stop();
    // Without an init, PID 1 ignores SIGTERM: docker stop would wait out the 30 s stop timeout and SIGKILL (137).
    expect(Date.now() - started).toBeLessThan(5000);
    expect(code).toBe(143);
  });

  test('cdk-rust run prints the URL once healthy, passes the AWS credentials with --aws-credentials, and stops cleanly on SIGTERM', async () => {
    const proc = cdkRustProcess(['run', 'Svc/Api', '--app', outdir, '--aws-credentials', '--env', 'API_TOKEN=cli-secret-value'], {
      AWS_ACCESS_KEY_ID: 'AKIADEVELOPER',
      AWS_SECRET_ACCESS_KEY: 'developer-secret',
      AWS_REGION: 'eu-west-3',
    });
    const cli = spawn(proc.command, proc.args, { ...proc.options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (d) => (stdout += d));
    cli.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (!stdout.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(stdout.trim()).toBe(`http://127.0.0.1:${ports.api}`);
    expect((await fetch(`${stdout.trim()}/health`)).status).toBe(200);
    const container = /started \S+ as (cdk-rust-run-[0-9a-f]+)/.exec(stderr)?.[1] as string;
    expect(inspect(container).Config.Env).toEqual(
      expect.arrayContaining([
        'AWS_ACCESS_KEY_ID=AKIADEVELOPER',
        'AWS_SECRET_ACCESS_KEY=developer-secret',
        'AWS_REGION=eu-west-3',
        'API_TOKEN=cli-secret-value',
      ]),
    );
    // The value is on cdk-rust's own command line (the user typed it), and on no command line of Docker's.
    const dockerLines = processArguments()
      .split('\n')
      .filter((line) => /docker/.test(line));
    expect(dockerLines.join('\n')).toContain(container);
    expect(dockerLines.join('\n')).not.toContain('cli-secret-value');
    cli.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('Svc/Api stopped');
    expect(containersNamed('cdk-rust-run-')).toEqual([]);
  });
});
