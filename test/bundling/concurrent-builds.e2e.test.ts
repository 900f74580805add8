/**
 * End to end: builds of unrelated projects on one daemon never wait for each other on the shared registry and git
 * caches (cache-mounts.ts, and the check stage of dockerfile.ts).
 */
import { ChildProcess, spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Bundling } from '../../lib/bundling/bundling';
import { cacheIdsFor, renderDockerfile } from '../../lib/bundling/dockerfile';
import { TEST_CLIENTS, captureStderr, clientEnv, copyFixture, devEnv, planOf, runBinary, tempDir, useEnvironment } from '../support';

const ROOT = path.join(__dirname, '..', '..');
/** The classic client of the development environment, read before a test switches clients: it runs the holder. */
const CLASSIC_DOCKER = process.env.CDK_DOCKER ?? 'docker';
/** How long the stand-in for another project's download holds the shared caches. */
const HOLD_SECONDS = 90;

/** A running build that holds the shared caches as another project's fetch step does, and when it let go. */
interface Holder {
  readonly child: ChildProcess;
  /** Resolves once the step runs (its cache mounts are taken). */
  readonly holding: Promise<void>;
  /** Resolves with the time (ms) the step let go of the caches, as the step's own clock says. */
  readonly released: Promise<number>;
}

/**
 * Starts a raw `docker build` of the fetch step exactly as cdk-rust renders it (same cache ids, same sharing flags,
 * same writers lock) for another project, with `cargo fetch` replaced by a long sleep: another project's download.
 */
function holdSharedCaches(image: string): Holder {
  const context = tempDir('holder');
  fs.mkdirSync(path.join(context, 'src'));
  const rendered = renderDockerfile(planOf('hello'), image, cacheIdsFor(planOf('hello'), image));
  const fetchStage = /^FROM \S+ AS fetch\n[\s\S]*?\n\n/m.exec(rendered)?.[0];
  expect(fetchStage).toMatch(/cargo fetch --locked$/m);
  const step = `echo holding && sleep ${HOLD_SECONDS} && echo released-at-$(date +%s%3N)`;
  fs.writeFileSync(path.join(context, 'Dockerfile'), (fetchStage as string).replace(/cargo fetch --locked$/m, step));
  const args = ['build', '--progress', 'plain', '--network', 'none', '--target', 'fetch'];
  args.push('--build-arg', `CDK_RUST_BUILD_ID=${crypto.randomUUID()}`, context);
  const child = spawn(CLASSIC_DOCKER, args, { env: { ...process.env, DOCKER_BUILDKIT: '1', DOCKER_CONFIG: undefined } });
  let output = '';
  const holding = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf-8');
      if (/^#\d+ \S+ holding$/m.test(output)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', () => reject(new Error(`the holder ended before holding the caches:\n${output}`)));
  });
  const released = new Promise<number>((resolve, reject) => {
    child.on('close', (code) => {
      const at = /released-at-(\d+)/.exec(output);
      if (code === 0 && at) resolve(Number(at[1]));
      else reject(new Error(`the holder failed (${code}):\n${output}`));
    });
  });
  return { child, holding, released };
}

/** Builds the crate at `crate` through cdk-rust (as a synth does); returns when it finished and its bootstrap. */
function buildCrate(crate: string, builderImage: string): { finishedAt: number; bootstrap: string } {
  const prepared = Bundling.prepare({ manifestPath: path.join(crate, 'Cargo.toml'), builderImage });
  const { result } = captureStderr(() => Bundling.build(prepared, path.join(tempDir('asset'), 'asset')));
  return { finishedAt: Date.now(), bootstrap: result.bootstrap };
}

/** Writes a line that only this build prints into the fixture's main.rs, so that the build really compiles. */
function bump(crate: string, text: string): void {
  const main = path.join(crate, 'src', 'main.rs');
  fs.writeFileSync(main, fs.readFileSync(main, 'utf-8').replace(/hello from cdk-rust[^"]*/, text));
}

/** Runs a cdk-rust build of `crate` in a child process (another synth); resolves with its bootstrap's path. */
function buildInChild(crate: string, builderImage: string): Promise<string> {
  const script = [
    `const path = require('path');`,
    `const { Bundling } = require(${JSON.stringify(path.join(ROOT, 'lib', 'bundling', 'bundling'))});`,
    `const prepared = Bundling.prepare({ manifestPath: ${JSON.stringify(path.join(crate, 'Cargo.toml'))}, builderImage: ${JSON.stringify(builderImage)} });`,
    `const out = Bundling.build(prepared, ${JSON.stringify(path.join(tempDir('child-asset'), 'asset'))});`,
    `process.stdout.write(JSON.stringify({ bootstrap: out.bootstrap }));`,
  ].join('\n');
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: ROOT, env: process.env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf-8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf-8')));
  return new Promise((resolve, reject) => {
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(stdout).bootstrap);
      else reject(new Error(`the build of ${crate} failed (${code}):\n${stderr}`));
    });
  });
}

describe.each(TEST_CLIENTS)("concurrent builds: unrelated projects never wait for each other's cache locks (%s client)", (client) => {
  useEnvironment(() => clientEnv(client));

  test("a build whose dependencies are all cached finishes while another project's download holds the shared caches", async () => {
    const env = devEnv();
    const crate = copyFixture('hello');
    buildCrate(crate, env.builderImage);
    bump(crate, `hello from cdk-rust, beside a download (${client})`);

    const holder = holdSharedCaches(env.builderImage);
    try {
      await holder.holding;
      const built = buildCrate(crate, env.builderImage);
      expect(runBinary(built.bootstrap)).toBe(`hello from cdk-rust, beside a download (${client})\n`);
      expect(built.finishedAt).toBeLessThan(await holder.released);
    } finally {
      holder.child.kill('SIGINT');
    }
  });

  test('two projects built at once, in two processes, both succeed', async () => {
    const env = devEnv();
    const crates = ['one', 'two'].map((name) => {
      const crate = copyFixture('hello', tempDir(`project-${name}`));
      bump(crate, `hello from project ${name} (${client})`);
      return crate;
    });
    const bootstraps = await Promise.all(crates.map((crate) => buildInChild(crate, env.builderImage)));
    expect(bootstraps.map((b) => runBinary(b))).toEqual([`hello from project one (${client})\n`, `hello from project two (${client})\n`]);
  });
});
