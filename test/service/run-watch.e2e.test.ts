/**
 * `cdk-rust run --watch`, end to end, as a user runs it (the command line in a process of its own) on a RustService
 * of the std-only tiny-service, built in Docker: the synthesized image serves first (nothing built); an edit is
 * rebuilt while the old container keeps answering, and the same URL answers with the edit without restarting the
 * command, whose stdout printed the URL once; an edit that does not compile prints cargo's errors and leaves the old
 * container serving, and so does a build whose container never becomes healthy (stopped, with its last log lines);
 * the fix is served. SIGTERM stops everything and leaves no container and no tarball directory.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { RustService } from '../../lib';
import { captureStderr, copyFixture, devEnv, freePort, tempDir } from '../support';
import { cdkRustProcess } from '../ts-node-process';

/** A build starting: run --watch's line, or the bundling's own. */
const BUILDING = /: building [0-9a-f]{12}|\[cdk-rust\] building /;

/** Synthesizes a stack with one RustService of `crate` on `port` (building its image); returns the assembly. */
function synthApp(crate: string, port: number): string {
  const outdir = tempDir('watched-app');
  captureStderr(() => {
    const app = new App({ outdir, analyticsReporting: false });
    new RustService(new Stack(app, 'Svc'), 'Api', {
      manifestPath: path.join(crate, 'Cargo.toml'),
      bundling: { builderImage: devEnv().builderImage },
      port,
    });
    app.synth();
  });
  return outdir;
}

function containersNamed(prefix: string): string[] {
  const ps = spawnSync(devEnv().docker, ['ps', '-a', '--filter', `name=${prefix}`, '--format', '{{.Names}}'], { encoding: 'utf-8' });
  return ps.stdout.split('\n').filter((line) => line.trim() !== '');
}

/** The work directories of run --watch (image tarballs) in the temp directory. */
function workDirectories(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('cdk-rust-run-watch-'));
}

/** What `GET /health` answers now: its status and body, or undefined when nothing answers. */
async function health(url: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) });
    return { status: response.status, body: await response.text() };
  } catch {
    return undefined;
  }
}

let cli: ChildProcess | undefined;
let stdout = '';
let stderr = '';

async function until<T>(what: string, poll: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (cli?.exitCode !== null) throw new Error(`cdk-rust run --watch exited while waiting for ${what}:\n${stderr.slice(-4000)}`);
    const value = await poll();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; cdk-rust run --watch printed:\n${stderr.slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Waits until `/health` answers `body`, counting the answers with `old` meanwhile (the old container serving). */
async function servedAfterSave(url: string, body: string, old: string): Promise<number> {
  let oldAnswers = 0;
  await until(
    `the answer "${body}"`,
    async () => {
      const now = await health(url);
      expect(now?.status).toBe(200);
      if (now?.body === body) return true;
      expect(now?.body).toBe(old);
      oldAnswers += 1;
      return undefined;
    },
    10 * 60_000,
  );
  return oldAnswers;
}

afterEach(() => {
  if (cli?.exitCode !== null) return;
  cli.kill('SIGKILL');
  // A failed test leaves no container behind either.
  const started = [...stderr.matchAll(/ as (cdk-rust-watch-[0-9a-f]+)/g)].map((m) => m[1]);
  if (started.length > 0) spawnSync(devEnv().docker, ['rm', '-f', ...started], { stdio: 'ignore' });
});

describe('cdk-rust run --watch: the service stays at one URL while its image is rebuilt and its container replaced', () => {
  test('serves the synthesized image, then each edit at the same URL once healthy; a compile error or an unhealthy build leaves the old container serving', async () => {
    devEnv();
    const crate = copyFixture('tiny-service');
    const source = path.join(crate, 'src', 'main.rs');
    const port = await freePort();
    const outdir = synthApp(crate, port);
    const workBefore = workDirectories();

    const proc = cdkRustProcess(['run', 'Svc/Api', '--app', outdir, '--watch', '--timeout', '20']);
    cli = spawn(proc.command, proc.args, { ...proc.options, stdio: ['ignore', 'pipe', 'pipe'] });
    cli.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    cli.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await until('the URL', async () => (stdout.includes('\n') ? stdout.trim() : undefined), 2 * 60_000);

    // The synthesized image serves at the service's own port, and nothing was built for it.
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(await health(url)).toEqual({ status: 200, body: 'ok' });
    await until(
      'the line saying so',
      async () => stderr.includes('Svc/Api: the synthesized image; healthy; serving it') || undefined,
      10_000,
    );
    // Nothing was built before it served; then the loop's profile (dev) builds, and replaces it, at the same URL.
    const served = stderr.indexOf('Svc/Api: the synthesized image; healthy; serving it');
    expect(stderr.slice(0, served)).not.toMatch(BUILDING);
    await until(
      "the dev profile's first build",
      async () => /Svc\/Api: built [0-9a-f]{12} in [\d.]+ s; healthy; serving it/.test(stderr) || undefined,
      10 * 60_000,
    );
    expect(stderr).toMatch(/\(profile dev\)/);
    expect(await health(url)).toEqual({ status: 200, body: 'ok' });

    // An edit: the old container answers while the image is rebuilt, then the same URL answers with the edit.
    let mark = stderr.length;
    const original = fs.readFileSync(source, 'utf-8');
    const edited = original.replace('"/health" => ("200 OK", "ok".to_string())', '"/health" => ("200 OK", "ok, edited".to_string())');
    expect(edited).not.toBe(original);
    fs.writeFileSync(source, edited);
    expect(await servedAfterSave(url, 'ok, edited', 'ok')).toBeGreaterThan(0);
    expect(stderr.slice(mark)).toMatch(/Svc\/Api: building [0-9a-f]{12} \(still serving [0-9a-f]{12}\)/);
    await until(
      'the line saying so',
      async () => /Svc\/Api: built [0-9a-f]{12} in [\d.]+ s; healthy; serving it/.test(stderr.slice(mark)) || undefined,
      10_000,
    );

    // An edit that does not compile: cargo's errors are printed, and the edited container keeps answering.
    mark = stderr.length;
    fs.writeFileSync(source, `${edited}\nfn broken( {\n`);
    await until(
      'the failed build',
      async () => (/Svc\/Api: the build failed; still serving/.test(stderr.slice(mark)) ? true : undefined),
      10 * 60_000,
    );
    expect(stderr.slice(mark)).toMatch(/error(\[E\d+\])?: /);
    expect(await health(url)).toEqual({ status: 200, body: 'ok, edited' });

    // A build whose container never answers its health-check path: stopped, its last log lines printed, the old one serving.
    mark = stderr.length;
    fs.writeFileSync(source, edited.replace('"/health" => ("200 OK"', '"/health" => ("503 Service Unavailable"'));
    await until(
      'the unhealthy container',
      async () => (/Svc\/Api: [0-9a-f]{12} did not become healthy; still serving/.test(stderr.slice(mark)) ? true : undefined),
      10 * 60_000,
    );
    expect(stderr.slice(mark)).toMatch(/did not answer \/health with 2xx within 20 s[^]*Its last log lines:\n[^]*listening on/);
    expect(await health(url)).toEqual({ status: 200, body: 'ok, edited' });

    // The fix: served at the same URL, by the same command, which printed the URL once.
    fs.writeFileSync(source, edited.replace('"ok, edited"', '"ok, fixed"'));
    await servedAfterSave(url, 'ok, fixed', 'ok, edited');
    expect(stdout).toBe(`${url}\n`);

    // SIGTERM stops the containers and the relay, and removes the image tarballs.
    cli.kill('SIGTERM');
    const code = await new Promise((resolve) => cli?.once('exit', resolve));
    expect(code).toBe(0);
    expect(await health(url)).toBeUndefined();
    // Every container this session started is gone (another run's may come and go meanwhile).
    const started = [...stderr.matchAll(/ as (cdk-rust-watch-[0-9a-f]+)/g)].map((m) => m[1]);
    expect(started.length).toBeGreaterThanOrEqual(3);
    expect(containersNamed('cdk-rust-watch-').filter((name) => started.includes(name))).toEqual([]);
    expect(workDirectories()).toEqual(workBefore);
  });
});
