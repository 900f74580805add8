/**
 * Local builds: the same cargo commands as in Docker, run by the host's toolchain when it has the
 * target installed (and Docker is not forced).
 *
 * What a local build promises: `cargo fetch` runs first, with your environment and, for private git
 * dependencies, the SSH agent and only the pinned host keys; then `cargo build --offline` runs with a
 * minimal environment (no SSH agent, no cloud credentials, nothing but PATH, HOME, locale and
 * temporary-directory variables, rustup's and Cargo's homes, and `bundling.buildEnvironment`). Both get
 * `bundling.buildSecrets` as environment variables, read when the build starts. Build scripts still run
 * as you, with your files and your network: only Docker builds isolate them.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { isVerbose } from '../private/verbose';
import { buildSecretEnvironment } from './build-secrets';
import { shellJoin } from './dockerfile';
import { BuildPlan, cargoBuildArgs, cargoFetchArgs } from './plan';
import { runStreaming } from './process';

/** Host variables the local compile keeps; everything else (agents, credentials, RUSTFLAGS, ...) is left out. */
const COMPILE_ENV_ALLOWED =
  /^(?:PATH|HOME|USER|LOGNAME|SHELL|TMPDIR|TEMP|TMP|LANG|LANGUAGE|LC_[A-Z]+|TZ|RUSTUP_HOME|RUSTUP_TOOLCHAIN|CARGO_HOME)$/;

/**
 * The host toolchain's identity (`rustc -vV` and `cargo -V`), when it has the standard library for
 * `target` installed; undefined when it cannot build `target` (or there is no toolchain).
 */
export function localToolchainFor(target: string, cwd: string): string | undefined {
  const libdir = spawnSync('rustc', ['--print', 'target-libdir', '--target', target], { encoding: 'utf-8', cwd });
  if (libdir.error || libdir.status !== 0) return undefined;
  const dir = libdir.stdout.trim();
  let hasStd: boolean;
  try {
    hasStd = fs.readdirSync(dir).some((f) => /^libstd-.*\.rlib$/.test(f));
  } catch {
    hasStd = false;
  }
  if (!hasStd) return undefined;
  const rustc = spawnSync('rustc', ['-vV'], { encoding: 'utf-8', cwd });
  const cargo = spawnSync('cargo', ['-V'], { encoding: 'utf-8', cwd });
  return rustc.status === 0 && cargo.status === 0 ? `${rustc.stdout.trim()}\n${cargo.stdout.trim()}` : undefined;
}

/**
 * The Cargo configuration files a local build in `workspaceRoot` reads, in Cargo's order: every
 * `.cargo/config.toml` (or `.cargo/config`) from the workspace up to `/`, then `$CARGO_HOME`'s.
 * Their contents are part of a local build's recipe, and so of its hash.
 */
export function cargoConfigFiles(workspaceRoot: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs: string[] = [];
  for (let dir = workspaceRoot; ; dir = path.dirname(dir)) {
    dirs.push(path.join(dir, '.cargo'));
    if (path.dirname(dir) === dir) break;
  }
  dirs.push(env.CARGO_HOME || path.join(env.HOME || os.homedir(), '.cargo'));
  const files: string[] = [];
  for (const dir of [...new Set(dirs)]) {
    const found = ['config.toml', 'config'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
    if (found) files.push(found);
  }
  return files;
}

/**
 * The recipe of a local build for the asset hash: the toolchain, the commands, and the contents of
 * the Cargo configuration files it reads (not their paths, so the hash does not depend on where the
 * project lives). The compile's environment is the fixed set of {@link localCompileEnv}: what can
 * change the binary there is `bundling.buildEnvironment`, which the plan's hash covers.
 */
export function localRecipe(plan: BuildPlan, toolchain: string, env: NodeJS.ProcessEnv = process.env): string {
  return [
    'local',
    toolchain,
    shellJoin(['cargo', ...cargoFetchArgs(plan)]),
    shellJoin(['cargo', ...cargoBuildArgs(plan, '<target-dir>'), '--offline']),
    ...cargoConfigFiles(plan.workspaceRoot, env).map((f) => fs.readFileSync(f, 'utf-8')),
  ].join('\n');
}

/** The environment of the local fetch: yours, the build secrets, plus the SSH settings for private git dependencies. */
export function localFetchEnv(
  plan: BuildPlan,
  knownHostsFile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const fetchEnv: NodeJS.ProcessEnv = { ...env, ...plan.buildEnvironment, ...buildSecretEnvironment(plan.buildSecrets, env) };
  if (plan.ssh.forward) {
    fetchEnv.CARGO_NET_GIT_FETCH_WITH_CLI = 'true';
    if (plan.ssh.agentSocket) fetchEnv.SSH_AUTH_SOCK = plan.ssh.agentSocket;
    if (knownHostsFile) {
      // The same pinned hosts as in Docker, and only those; host key checking cannot be relaxed.
      fetchEnv.GIT_SSH_COMMAND = shellJoin([
        'ssh',
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `UserKnownHostsFile=${knownHostsFile}`,
        '-o',
        'GlobalKnownHostsFile=/dev/null',
      ]);
    }
  }
  return fetchEnv;
}

/** The environment of the local compile: the allowed host variables plus `bundling.buildEnvironment` and the build secrets. */
export function localCompileEnv(plan: BuildPlan, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const kept = Object.entries(env).filter(([k, v]) => v !== undefined && COMPILE_ENV_ALLOWED.test(k));
  return { ...Object.fromEntries(kept), ...plan.buildEnvironment, ...buildSecretEnvironment(plan.buildSecrets, env) };
}

/** Cargo's progress bar even though its stderr is a pipe: it feeds the one-line status of quiet builds (process.ts). */
const PROGRESS_ENV = { CARGO_TERM_PROGRESS_WHEN: 'always', CARGO_TERM_PROGRESS_WIDTH: '100' };

/**
 * Builds on the host into `targetDir`, copies the binary to `<outputDir>/bootstrap` and returns
 * cargo's output, which is also appended to `logFile`.
 */
export function runLocalBuild(plan: BuildPlan, targetDir: string, outputDir: string, logFile: string): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-local-'));
  try {
    let knownHostsFile: string | undefined;
    if (plan.ssh.forward) {
      knownHostsFile = path.join(tmp, 'known_hosts');
      fs.writeFileSync(knownHostsFile, plan.ssh.knownHosts.map((l) => l + '\n').join(''));
    }
    const verbose = isVerbose();
    const run = (args: string[], env: NodeJS.ProcessEnv, status: string) =>
      runStreaming('cargo', args, {
        cwd: plan.workspaceRoot,
        env: { ...env, ...PROGRESS_ENV },
        logFile,
        display: { label: plan.binaryName, verbose, status },
      });
    const fetched = run(cargoFetchArgs(plan), localFetchEnv(plan, knownHostsFile), 'fetching dependencies');
    const compiled =
      fetched.status === 0 && !fetched.signal
        ? run([...cargoBuildArgs(plan, targetDir), '--offline'], localCompileEnv(plan), 'compiling')
        : fetched;
    const output = compiled === fetched ? fetched.output : fetched.output + compiled.output;
    if (compiled.signal) {
      throw new CdkRustError(
        'BUILD_INTERRUPTED',
        `the local build of ${plan.binaryName} was interrupted (${compiled.signal}).`,
        'synth again: nothing of the interrupted build was kept.',
      );
    }
    if (compiled.status !== 0) {
      throw new CdkRustError(
        'BUILD_FAILED',
        `the local build of ${plan.packageName}/${plan.binaryName} for ${plan.target} failed:\n\n${output.trim()}\n` +
          `(The build's full output: ${logFile})\n`,
        "fix the error above (it is cargo's own output), then synth again.",
      );
    }
    const binary = path.join(targetDir, plan.target, plan.profileDir, plan.binaryName);
    fs.copyFileSync(binary, path.join(outputDir, 'bootstrap'));
    fs.chmodSync(path.join(outputDir, 'bootstrap'), 0o755);
    return output;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
