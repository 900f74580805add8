/**
 * Local builds: the same cargo command as in Docker, run by the host's toolchain when it has the
 * target installed (and Docker is not forced).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { BuildPlan, cargoBuildArgs } from './plan';
import { runStreaming } from './process';

/**
 * The host toolchain's `rustc -vV`, when it has the standard library for `target` installed;
 * undefined when it cannot build `target` (or there is no toolchain).
 */
export function localToolchainFor(target: string, cwd: string): string | undefined {
  const libdir = spawnSync('rustc', ['--print', 'target-libdir', '--target', target], { encoding: 'utf-8', cwd });
  if (libdir.error || libdir.status !== 0) return undefined;
  const dir = libdir.stdout.trim();
  let hasStd = false;
  try {
    hasStd = fs.readdirSync(dir).some((f) => /^libstd-.*\.rlib$/.test(f));
  } catch {
    hasStd = false;
  }
  if (!hasStd) return undefined;
  const version = spawnSync('rustc', ['-vV'], { encoding: 'utf-8', cwd });
  return version.status === 0 ? version.stdout.trim() : undefined;
}

/** The environment of a local build. */
export function localBuildEnv(plan: BuildPlan, knownHostsFile?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...plan.buildEnvironment };
  if (plan.ssh.forward) {
    env.CARGO_NET_GIT_FETCH_WITH_CLI = 'true';
    if (plan.ssh.agentSocket) env.SSH_AUTH_SOCK = plan.ssh.agentSocket;
    if (knownHostsFile) {
      // The same pinned hosts as in Docker; host key checking stays on.
      env.GIT_SSH_COMMAND = `ssh -o BatchMode=yes -o UserKnownHostsFile=${knownHostsFile}`;
    }
  }
  return env;
}

/** Builds on the host, copies the binary to `<outputDir>/bootstrap` and returns cargo's output. */
export function runLocalBuild(plan: BuildPlan, targetDirectory: string, outputDir: string): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-local-'));
  try {
    let knownHostsFile: string | undefined;
    if (plan.ssh.forward && plan.ssh.knownHosts.length > 0) {
      knownHostsFile = path.join(tmp, 'known_hosts');
      fs.writeFileSync(knownHostsFile, plan.ssh.knownHosts.join('\n') + '\n');
    }
    const result = runStreaming('cargo', cargoBuildArgs(plan), { cwd: plan.workspaceRoot, env: localBuildEnv(plan, knownHostsFile) });
    if (result.signal) {
      throw new CdkRustError('BUILD_INTERRUPTED', `the local build of ${plan.binaryName} was interrupted (${result.signal}).`);
    }
    if (result.status !== 0) {
      throw new CdkRustError('BUILD_FAILED',
        `the local build of ${plan.packageName}/${plan.binaryName} for ${plan.target} failed:\n\n${result.output.trim()}\n`,
        'fix the error above (it is cargo\'s own output), then synth again.');
    }
    const binary = path.join(targetDirectory, plan.target, plan.profileDir, plan.binaryName);
    fs.copyFileSync(binary, path.join(outputDir, 'bootstrap'));
    fs.chmodSync(path.join(outputDir, 'bootstrap'), 0o755);
    return result.output;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
