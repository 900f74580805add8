/**
 * A service repository as a user has it, for `cdk watch --hotswap` against moto: a temporary project holding a
 * copy of a crate, `notes.md` (a file no build reads) and a cdk.json whose app is
 * test/fixtures/hotswap-app.ts (one RustFunction) and whose watch settings include every file. Used by
 * test/hotswap.e2e.test.ts and by the benchmark's hotswap scenario.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Moto, startMoto } from './moto';

const ROOT = path.join(__dirname, '..');
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');
/** The function's name in hotswap-app.ts. */
export const HOTSWAP_FUNCTION = 'cdk-rust-hotswap';
export const HOTSWAP_STACK = 'CdkRustHotswap';

/** What `cdk watch` printed for one change: from the change's detection to the end of its deployment. */
export interface WatchCycle {
  readonly output: string;
  /** Seconds from the edit to the function's new code in moto, or (no update expected) to the end of the cycle. */
  readonly seconds: number;
}

/** A deployed project with `cdk watch --hotswap` running on it. */
export interface HotswapProject {
  readonly dir: string;
  readonly crateDir: string;
  readonly moto: Moto;
  /** Everything `cdk watch` printed so far. */
  watchOutput(): string;
  /** The CodeSha256 moto holds for the function. */
  deployedCodeSha(): Promise<string>;
  /**
   * Applies `edit`, then waits for the deployed code to change (`expectUpdate`) or for the watch cycle the edit
   * triggered to end with no change; returns that cycle's output and its time from the edit. The default timeout is
   * generous: a build waits for the shared cargo caches while another project's build holds them.
   */
  change(edit: () => void, expectUpdate: boolean, timeoutMs?: number): Promise<WatchCycle>;
  /** Stops `cdk watch` and moto and removes the project. */
  close(): Promise<void>;
}

function runCdk(args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const result = spawnSync(CDK, args, { cwd, env, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0)
    throw new Error(`cdk ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n${output}`);
  return output;
}

function copyDir(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true, filter: (src) => path.basename(src) !== 'target' });
}

/** SHA-256 (hex) of a file. */
export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * Creates the project with a copy of the crate in `crateSource`, starts moto, bootstraps and deploys it with `cdk deploy`,
 * then starts `cdk watch --hotswap` and waits for its first (no-change) deployment. `env` must carry the
 * development environment's builder image (CDK_RUST_BUILDER_IMAGE, CDK_DOCKER).
 */
export async function startHotswapProject(crateSource: string, env: NodeJS.ProcessEnv): Promise<HotswapProject> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-hotswap-'));
  const crateDir = path.join(dir, 'crate');
  copyDir(crateSource, crateDir);
  fs.writeFileSync(path.join(dir, 'notes.md'), '# Notes\n');
  const app = `node -r ${path.join(ROOT, 'node_modules', 'esbuild-register', 'register.js')} ${path.join(__dirname, 'fixtures', 'hotswap-app.ts')}`;
  fs.writeFileSync(
    path.join(dir, 'cdk.json'),
    JSON.stringify({ app, watch: { include: ['**'], exclude: ['**/target/**', 'cdk.out'] } }, undefined, 2),
  );
  let moto: Moto | undefined;
  let watch: ChildProcess | undefined;
  let output = '';
  const stop = async (): Promise<void> => {
    if (watch?.pid !== undefined && watch.exitCode === null) {
      const exited = new Promise((resolve) => watch!.once('exit', resolve));
      try {
        process.kill(-watch.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000).unref())]);
    }
    moto?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    moto = await startMoto();
    const cdkEnv = { ...env, ...moto.env, CDK_RUST_TEST_MANIFEST: path.join(crateDir, 'Cargo.toml') };
    runCdk(['bootstrap', 'aws://123456789012/us-east-1'], dir, cdkEnv);
    runCdk(['deploy', '--require-approval', 'never'], dir, cdkEnv);
    // Its own process group, so that stopping it stops the app and the builds it runs too.
    watch = spawn(CDK, ['watch', '--hotswap', '--require-approval', 'never'], { cwd: dir, env: cdkEnv, detached: true });
    watch.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf-8')));
    watch.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf-8')));
    const started = Date.now();
    while (!/Total time/.test(output)) {
      if (watch.exitCode !== null) throw new Error(`cdk watch exited (${watch.exitCode}):\n${output}`);
      if (Date.now() - started > 180_000) throw new Error(`cdk watch made no first deployment within 3 minutes:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const movedMoto = moto;
    return {
      dir,
      crateDir,
      moto: movedMoto,
      watchOutput: () => output,
      deployedCodeSha: async () => (await movedMoto.lambdaFunction(HOTSWAP_FUNCTION)).Configuration.CodeSha256,
      async change(edit, expectUpdate, timeoutMs = 600_000) {
        const before = (await movedMoto.lambdaFunction(HOTSWAP_FUNCTION)).Configuration.CodeSha256;
        const from = output.length;
        const t0 = Date.now();
        edit();
        for (;;) {
          const cycle = output.slice(from);
          const ended = /Detected change[\s\S]*Total time/.test(cycle);
          const sha = (await movedMoto.lambdaFunction(HOTSWAP_FUNCTION)).Configuration.CodeSha256;
          if (expectUpdate ? sha !== before : ended) {
            const seconds = (Date.now() - t0) / 1000;
            if (expectUpdate) {
              // The cycle's output ends with its deployment summary: wait for it (it follows the update at once).
              while (!/Total time/.test(output.slice(from)) && Date.now() - t0 < timeoutMs) await new Promise((r) => setTimeout(r, 100));
            }
            return { output: output.slice(from), seconds };
          }
          if (watch!.exitCode !== null) throw new Error(`cdk watch exited (${watch!.exitCode}):\n${output.slice(from)}`);
          if (Date.now() - t0 > timeoutMs) {
            throw new Error(
              `no ${expectUpdate ? 'code update' : 'watch cycle'} within ${timeoutMs} ms of the edit:\n${output.slice(from)}`,
            );
          }
          await new Promise((r) => setTimeout(r, 250));
        }
      },
      close: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
