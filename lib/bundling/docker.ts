/**
 * The docker invocation: finding a client with BuildKit, staging the build context, running
 * `docker build` with `--ssh` and `--output`, and turning failures into clear errors.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { BUILD_ID_ARG, FRESHEN_SCRIPT } from './dockerfile';
import { InputFile } from './hash';
import { BuildPlan, shortHash } from './plan';
import { runStreaming } from './process';

/** A Docker client able to run BuildKit builds. */
export interface DockerClient {
  /** The client binary (`CDK_DOCKER`, or `docker`). */
  readonly command: string;
  /** `buildx`: `docker buildx build`; `classic`: `DOCKER_BUILDKIT=1 docker build` on a client with BuildKit built in. */
  readonly mode: 'buildx' | 'classic';
}

/** Detects how `command` can run BuildKit builds. Throws when it cannot, or when the daemon is down. */
export function detectDocker(command: string = process.env.CDK_DOCKER || 'docker'): DockerClient {
  // The environment is passed explicitly, so that DOCKER_HOST and friends are read from the same
  // process.env the rest of cdk-rust sees (test runners give each file its own).
  const version = spawnSync(command, ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf-8', env: process.env });
  if (version.error) {
    if ((version.error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CdkRustError('DOCKER_NOT_FOUND', `the Docker client "${command}" was not found.`,
        'install Docker (with BuildKit), or set CDK_DOCKER to the client to use. ' +
        'A target installed in the host toolchain builds without Docker.');
    }
    throw new CdkRustError('DOCKER_NOT_FOUND', `could not run "${command}": ${version.error.message}`);
  }
  if (version.status !== 0) {
    throw new CdkRustError('DOCKER_DAEMON_DOWN',
      `the Docker daemon is not reachable through "${command}":\n${version.stderr.trim()}`,
      'start the Docker engine (or Docker Desktop) and try again; check DOCKER_HOST if you use a remote engine.');
  }
  if (spawnSync(command, ['buildx', 'version'], { encoding: 'utf-8', env: process.env }).status === 0) {
    return { command, mode: 'buildx' };
  }
  const help = spawnSync(command, ['build', '--help'], { encoding: 'utf-8', env: { ...process.env, DOCKER_BUILDKIT: '1' } });
  const helpText = `${help.stdout ?? ''}${help.stderr ?? ''}`;
  if (help.status === 0 && helpText.includes('--ssh') && helpText.includes('--output')) {
    return { command, mode: 'classic' };
  }
  throw new CdkRustError('BUILDKIT_UNAVAILABLE',
    `the Docker client "${command}" cannot run BuildKit builds: it has no buildx plugin, and its own \`docker build\` ` +
    'lacks --ssh and --output.',
    'install the docker-buildx plugin, or set CDK_DOCKER to a client with BuildKit built in (e.g. Debian\'s docker.io 20.10).');
}

/** Everything one `docker build` needs. */
export interface DockerBuildRequest {
  readonly plan: BuildPlan;
  readonly image: string;
  readonly dockerfile: string;
  readonly inputs: readonly InputFile[];
  /** Where the exported files are written (must exist). */
  readonly outputDir: string;
}

/** What a finished build reports. */
export interface DockerBuildResult {
  /** Everything docker printed. */
  readonly log: string;
}

/** The arguments of `docker build` (after the client command). `buildId` is new for every build. */
export function dockerBuildArgs(client: DockerClient, plan: BuildPlan, contextDir: string, outputDir: string, buildId: string, sshSocket?: string): string[] {
  const args = client.mode === 'buildx' ? ['buildx', 'build'] : ['build'];
  args.push('--progress', 'plain', '--network', plan.network, '--build-arg', `${BUILD_ID_ARG}=${buildId}`);
  if (plan.ssh.forward) args.push('--ssh', `default=${sshSocket}`);
  args.push('--output', `type=local,dest=${outputDir}`, '--file', path.join(contextDir, 'Dockerfile'), contextDir);
  return args;
}

/** The environment for the client: BuildKit on for the classic client. */
export function dockerEnv(client: DockerClient): NodeJS.ProcessEnv {
  return client.mode === 'classic' ? { ...process.env, DOCKER_BUILDKIT: '1' } : { ...process.env };
}

/**
 * Checks that the SSH agent can be forwarded: the socket is set, alive, and holds at least one key.
 * Returns the socket path.
 */
export function checkSshAgent(plan: BuildPlan): string {
  const socket = plan.ssh.agentSocket ?? process.env.SSH_AUTH_SOCK;
  const hosts = plan.ssh.sources.map((s) => s.url).join(', ') || 'the private git dependencies';
  if (!socket) {
    throw new CdkRustError('SSH_AGENT_MISSING',
      `no SSH agent to forward: SSH_AUTH_SOCK is not set, and the build fetches ${hosts} over SSH.`,
      'start an agent and add your key (eval "$(ssh-agent)" && ssh-add), or set bundling.sshAgentSocket.');
  }
  let isSocket = false;
  try {
    isSocket = fs.statSync(socket).isSocket();
  } catch {
    isSocket = false;
  }
  const listed = isSocket ? spawnSync('ssh-add', ['-l'], { encoding: 'utf-8', env: { ...process.env, SSH_AUTH_SOCK: socket } }) : undefined;
  const listError = listed?.error as NodeJS.ErrnoException | undefined;
  if (!isSocket || (listed && !listError && listed.status === 2)) {
    throw new CdkRustError('SSH_AGENT_MISSING',
      `the SSH agent socket ${socket} is dead (no agent answers there), and the build fetches ${hosts} over SSH.`,
      'start an agent and add your key (eval "$(ssh-agent)" && ssh-add), then synth again in that shell.');
  }
  if (listed && !listError && listed.status === 1) {
    throw new CdkRustError('SSH_AGENT_MISSING',
      `the SSH agent at ${socket} holds no keys, and the build fetches ${hosts} over SSH.`,
      'add the key that can read those repositories: ssh-add ~/.ssh/<key>.');
  }
  return socket;
}

/**
 * Runs the build. The context is staged in a fresh temporary directory (only the plan's inputs, so
 * `target/` and unrelated files are never sent) and removed afterwards, whatever happens.
 */
export function runDockerBuild(client: DockerClient, request: DockerBuildRequest, sshSocket?: string): DockerBuildResult {
  const contextDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-context-'));
  try {
    for (const input of request.inputs) {
      const target = path.join(contextDir, 'src', ...input.relative.split('/'));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(input.absolute, target);
      // Keep modification times, so that cargo does not rebuild crates whose sources did not change.
      const stat = fs.statSync(input.absolute);
      fs.utimesSync(target, stat.atime, stat.mtime);
    }
    fs.mkdirSync(path.join(contextDir, 'src'), { recursive: true });
    if (request.plan.ssh.forward) {
      fs.writeFileSync(path.join(contextDir, 'known_hosts'), request.plan.ssh.knownHosts.join('\n') + '\n');
    }
    fs.writeFileSync(path.join(contextDir, 'freshen.sh'), FRESHEN_SCRIPT);
    fs.writeFileSync(path.join(contextDir, 'Dockerfile'), request.dockerfile);
    const args = dockerBuildArgs(client, request.plan, contextDir, request.outputDir, crypto.randomUUID(), sshSocket);
    const result = runStreaming(client.command, args, { env: dockerEnv(client) });
    if (result.signal) {
      throw new CdkRustError('BUILD_INTERRUPTED', `the Docker build of ${request.plan.binaryName} was interrupted (${result.signal}).`);
    }
    if (result.status !== 0) {
      throw new CdkRustError('BUILD_FAILED', describeFailure(request.plan, result.output), buildFailureFix(result.output));
    }
    return { log: result.output };
  } finally {
    fs.rmSync(contextDir, { recursive: true, force: true });
  }
}

/**
 * Extracts the output of the failed step from BuildKit's plain progress: cargo's own messages,
 * without BuildKit's `#N 1.23` prefixes.
 */
export function failedStepOutput(log: string): string {
  const steps = new Map<string, string[]>();
  let failed: string | undefined;
  for (const line of log.split(/\r?\n/)) {
    // Programs run under a pseudo-terminal (ssh) end lines with CR LF; `.` would not match the CR.
    const match = /^#(\d+) (?:\d+\.\d+ )?(.*?)\r*$/.exec(line);
    if (!match) continue;
    const [, step, text] = match;
    if (/^ERROR:/.test(text)) failed = step;
    if (!steps.has(step)) steps.set(step, []);
    steps.get(step)?.push(text);
  }
  if (failed === undefined) return log.trim();
  return (steps.get(failed) ?? []).filter((l) => !/^(ERROR:|DONE |\[|CACHED|sha256:[0-9a-f]{64}$)/.test(l)).join('\n').replace(/^(\s*\n)+/, '').trimEnd();
}

function describeFailure(plan: BuildPlan, log: string): string {
  return `the Docker build of ${plan.packageName}/${plan.binaryName} for ${plan.target} failed. Output of the failed step:\n\n` +
    failedStepOutput(log) + '\n';
}

function buildFailureFix(log: string): string {
  if (/Host key verification failed/.test(log)) {
    return 'the git host\'s key did not match bundling.knownHosts: check the pinned line (host, port and key).';
  }
  if (/Permission denied \(publickey\)/.test(log)) {
    return 'the forwarded SSH agent has no key that the git host accepts: ssh-add the right key.';
  }
  if (/pull access denied|manifest unknown|failed to resolve source metadata/.test(log)) {
    return 'the builder image could not be found: build or pull it first, or set bundling.builderImage.';
  }
  return 'fix the error above (it is cargo\'s own output), then synth again.';
}

/**
 * The Dockerfile of cdk-rust's default builder image: the official Rust image plus musl tools, both
 * musl targets, git and openssh-client. aarch64 links with the GNU cross gcc as the driver and the
 * target's own (self-contained) musl objects, which covers pure-Rust crates; crates that compile C
 * code for aarch64 need a builder image with an aarch64 musl C compiler.
 */
export const DEFAULT_BUILDER_DOCKERFILE = [
  'FROM public.ecr.aws/docker/library/rust:1-bookworm',
  'RUN apt-get update \\',
  ' && apt-get install -y --no-install-recommends musl-tools gcc-aarch64-linux-gnu git openssh-client \\',
  ' && rm -rf /var/lib/apt/lists/* \\',
  ' && rustup target add x86_64-unknown-linux-musl aarch64-unknown-linux-musl \\',
  ' && printf \'%s\\n\' \'[target.aarch64-unknown-linux-musl]\' \'linker = "aarch64-linux-gnu-gcc"\' >> /usr/local/cargo/config.toml',
  '',
].join('\n');

/** The tag of the default builder image: it changes whenever its Dockerfile does. */
export const DEFAULT_BUILDER_IMAGE = `cdk-rust-builder:${shortHash(DEFAULT_BUILDER_DOCKERFILE)}`;

/** Builds the default builder image unless it exists already. */
export function ensureDefaultBuilderImage(client: DockerClient): void {
  const exists = spawnSync(client.command, ['image', 'inspect', DEFAULT_BUILDER_IMAGE], { encoding: 'utf-8', env: process.env });
  if (exists.status === 0) return;
  process.stderr.write(`[cdk-rust] building the default builder image ${DEFAULT_BUILDER_IMAGE} (once per machine)\n`);
  const args = [...(client.mode === 'buildx' ? ['buildx', 'build', '--load'] : ['build']),
    '--progress', 'plain', '--tag', DEFAULT_BUILDER_IMAGE, '-'];
  const result = runStreaming(client.command, args, { env: dockerEnv(client), input: DEFAULT_BUILDER_DOCKERFILE });
  if (result.status !== 0) {
    throw new CdkRustError('BUILD_FAILED',
      `could not build the default builder image ${DEFAULT_BUILDER_IMAGE}:\n${failedStepOutput(result.output)}`,
      'check that Docker can pull public.ecr.aws/docker/library/rust, or set bundling.builderImage ' +
      '(or CDK_RUST_BUILDER_IMAGE) to an image you have.');
  }
}
