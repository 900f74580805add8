/**
 * `cdk-rust watch`, end to end, as a user runs it (the command line in a process of its own): two
 * RustFunctions of one crate (the std-only raw runtime, built in Docker) served on local ports, a new
 * synth's environment picked up, a save that changes nothing the hash covers not rebuilding, a one-line
 * edit rebuilt once while the previous build keeps answering, and an edit that does not compile leaving
 * the last good build serving. A web page cannot use it: a request from another origin, or addressed to another
 * host (DNS rebinding), is refused; and the functions do not get the developer's AWS credentials unless asked.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { RustFunction } from '../../lib';
import { copyFixture, devEnv, tempDir } from '../support';
import { cdkRustProcess } from '../ts-node-process';

/** A build starting: watch's line for a function, or the bundling's own. */
const BUILDING = /: building [0-9a-f]{12}|\[cdk-rust\] building /;

/** Synthesizes the two-function app into `outdir` (building the crate when its hash is new). */
function synth(manifestPath: string, outdir: string, greeting: string): void {
  const app = new App({ outdir, analyticsReporting: false });
  const stack = new Stack(app, 'Watch');
  const bundling = { builderImage: devEnv().builderImage, forceDockerBundling: true };
  new RustFunction(stack, 'Fn', { manifestPath, bundling, environment: { GREETING: greeting } });
  new RustFunction(stack, 'Other', { manifestPath, bundling, environment: { GREETING: `${greeting} (other)` } });
  app.synth();
}

interface Answer {
  readonly status: number;
  readonly build: string | null;
  readonly body: { edited?: boolean; env: Record<string, string> };
}

async function get(url: string): Promise<Answer> {
  const response = await fetch(`${url}hello?name=Ferris`);
  return { status: response.status, build: response.headers.get('x-cdk-rust-build'), body: (await response.json()) as Answer['body'] };
}

async function until<T>(what: string, poll: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await poll();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; cdk-rust watch printed:\n${stderr.slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A GET of `url` with `headers` as given (fetch cannot set Host): the status and the body. */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

let watch: ChildProcess | undefined;
let stderr = '';

afterEach(() => {
  if (watch?.exitCode === null) watch.kill('SIGKILL');
});

describe('cdk-rust watch: serves functions as function URLs and rebuilds them through the same hash and build', () => {
  test('serves two functions, reloads the environment after a synth, skips saves the hash ignores, and rebuilds an edit once while serving the old build, which a failed build leaves serving', async () => {
    devEnv();
    const crate = copyFixture('raw-runtime');
    const manifest = path.join(crate, 'Cargo.toml');
    const outdir = path.join(tempDir('watch-app'), 'cdk.out');
    synth(manifest, outdir, 'one');

    const proc = cdkRustProcess(['watch', 'Watch/Fn', 'Watch/Other', '--app', outdir, '--port', '0'], {
      AWS_ACCESS_KEY_ID: 'AKIADEVELOPER',
      AWS_SECRET_ACCESS_KEY: 'developer-secret',
    });
    watch = spawn(proc.command, proc.args, { ...proc.options, stdio: ['ignore', 'ignore', 'pipe'] });
    watch.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const urls = await until(
      'the URLs',
      async () => {
        if (watch?.exitCode !== null) throw new Error(`watch exited: ${stderr}`);
        const fn = /Watch\/Fn: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr)?.[1];
        const other = /Watch\/Other: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr)?.[1];
        return stderr.includes('watching 2 functions') && fn && other ? { fn, other } : undefined;
      },
      60_000,
    );
    // Both serve the synthesized build (nothing built before), each with its own environment, as a function URL event.
    // (Fn's dev build may start before Other is served: both serve synthesized builds that nothing built first.)
    expect(stderr.slice(0, stderr.indexOf('Watch/Fn: serving the synthesized build'))).not.toMatch(BUILDING);
    expect(stderr).toContain('Watch/Other: serving the synthesized build');
    const synthesized = await get(urls.fn);
    expect(synthesized.status).toBe(200);
    // Then the loop's profile (dev) is built once for both, in the background, and replaces it.
    await until(
      "the dev profile's first build",
      async () =>
        /Watch\/Fn: built [0-9a-f]{12} in [\d.]+ s; serving it/.test(stderr) && /Watch\/Other: built /.test(stderr) ? true : undefined,
      10 * 60_000,
    );
    expect(stderr.match(/\[cdk-rust\] building raw-runtime\/\S+ for \S+ \(profile dev\)/g)).toHaveLength(1);
    expect(stderr).toMatch(/Watch\/Other: [0-9a-f]{12} was built for another function of this session: reusing it/);
    const first = await get(urls.fn);
    expect(first.build).not.toBe(synthesized.build);
    expect(first.status).toBe(200);
    expect(first.body.env.GREETING).toBe('one');
    expect(first.body.env.AWS_LAMBDA_FUNCTION_NAME).toContain('Fn');
    expect((await get(urls.other)).body.env.GREETING).toBe('one (other)');
    // Without --aws-credentials, the developer's credentials stay out of the functions, and watch says so once.
    expect(first.body.env.AWS_ACCESS_KEY_ID).toBeUndefined();
    expect(first.body.env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
    expect(stderr.match(/gets no AWS credentials[^\n]*--aws-credentials/g)).toHaveLength(1);

    // A web page cannot invoke a function (another origin, or a link from another site) nor read its answer
    // through DNS rebinding (another Host); the browser's own navigation to the URL is served.
    const port = new URL(urls.fn).port;
    const attacks: Array<Record<string, string>> = [
      { Origin: 'http://evil.example' },
      { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors' },
      { Host: `evil.example:${port}` },
    ];
    for (const headers of attacks) {
      const refused = await rawGet(`${urls.fn}hello`, headers);
      expect(refused.status).toBe(403);
      expect(refused.body).not.toContain('GREETING');
    }
    expect((await rawGet(`${urls.fn}hello`, { 'Sec-Fetch-Site': 'none', 'Sec-Fetch-Mode': 'navigate' })).status).toBe(200);

    // A new synth with another environment (same code, so nothing is built): the process restarts with it.
    const synthMark = stderr.length;
    synth(manifest, outdir, 'two');
    await until('the new environment', async () => ((await get(urls.fn)).body.env.GREETING === 'two' ? true : undefined), 15_000);
    expect(stderr.slice(synthMark)).not.toMatch(BUILDING);

    // A save that changes no content, and a file in target/: no rebuild.
    const mark = stderr.length;
    const source = path.join(crate, 'src', 'main.rs');
    fs.utimesSync(source, new Date(), new Date());
    fs.mkdirSync(path.join(crate, 'target'), { recursive: true });
    fs.writeFileSync(path.join(crate, 'target', 'notes.txt'), 'not an input');
    await until('the hash check', async () => (stderr.slice(mark).includes('not rebuilding') ? true : undefined), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(stderr.slice(mark)).not.toMatch(BUILDING);

    // A one-line edit: rebuilt once (the other function reuses the build), the old build answering meanwhile.
    const edited = fs.readFileSync(source, 'utf-8').replace('"{{\\"status\\":{},', '"{{\\"edited\\":true,\\"status\\":{},');
    expect(edited).toContain('edited');
    fs.writeFileSync(source, edited);
    let oldWhileBuilding = 0;
    const answer = await until(
      'the edited build',
      async () => {
        const now = await get(urls.fn);
        expect(now.status).toBe(200);
        if (now.body.edited) return now;
        // The old build answered after the save: it keeps serving until the new one is built (a warm incremental
        // build takes about a second here, too short to also wait for the "building" line first).
        oldWhileBuilding += 1;
        return undefined;
      },
      10 * 60_000,
    );
    expect(oldWhileBuilding).toBeGreaterThan(0);
    expect(answer.build).not.toBe(first.build);
    expect(answer.body.env.GREETING).toBe('two');
    const other = await until('the other function', async () => ((await get(urls.other)).body.edited ? true : undefined), 60_000);
    expect(other).toBe(true);
    expect(stderr.slice(mark).match(/\[cdk-rust\] building raw-runtime/g)).toHaveLength(1);
    // The dependencies are those of the dev profile's first build: only the compile ran (no check, no fetch).
    expect(stderr.slice(mark)).toMatch(
      /\[cdk-rust\] building raw-runtime\/\S+ for \S+ \(profile dev\) in Docker [^\n]*, dependencies unchanged: compile only/,
    );

    // An edit that does not compile: the compiler's errors are printed, and the last good build keeps answering.
    const broken = stderr.length;
    fs.writeFileSync(source, `${edited}\nfn broken( {\n`);
    await until(
      'the failed build',
      async () => (/Watch\/Fn: the build failed; still serving/.test(stderr.slice(broken)) ? true : undefined),
      5 * 60_000,
    );
    expect(stderr.slice(broken)).toMatch(/error(\[E\d+\])?: /);
    const afterFailure = await get(urls.fn);
    expect(afterFailure).toMatchObject({ status: 200, build: answer.build, body: { edited: true } });

    // SIGTERM stops everything.
    watch.kill('SIGTERM');
    const code = await new Promise((resolve) => watch?.once('exit', resolve));
    expect(code).toBe(0);
    await expect(fetch(urls.fn)).rejects.toThrow();
  });
});
