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
import { progress } from '../private/progress';
import { isVerbose } from '../private/verbose';
import { writeSecretFiles } from './build-secrets';
import { builderArgs, builderFailureFix } from './buildx-builder';
import { missingOfflineDependency } from './dependency-key';
import { BUILD_ID_ARG, CHECK_STAGE, EXPORT_STAGE, FETCH_STAGE, NOT_A_FILE_MESSAGE } from './dockerfile';
import { FRESHEN_SCRIPT } from './freshen';
import { ExcludedFile, InputFile, collectInputs } from './hash';
import { describeMissingInputs, findMissingInputs } from './missing-input';
import { BuildPhase, PHASE_STATUS, buildPhases } from './build-phases';
import { BuildPlan } from './plan';
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
      throw new CdkRustError(
        'DOCKER_NOT_FOUND',
        `the Docker client "${command}" was not found.`,
        'install Docker (with BuildKit), or set CDK_DOCKER to the client to use. ' +
          'A target installed in the host toolchain builds without Docker.',
      );
    }
    throw new CdkRustError(
      'DOCKER_NOT_FOUND',
      `could not run "${command}": ${version.error.message}`,
      'check that the client runs in this shell (docker version), or set CDK_DOCKER to one that does.',
    );
  }
  if (version.status !== 0) {
    throw new CdkRustError(
      'DOCKER_DAEMON_DOWN',
      `the Docker daemon is not reachable through "${command}":\n${version.stderr.trim()}`,
      'start the Docker engine (or Docker Desktop) and try again; check DOCKER_HOST if you use a remote engine.',
    );
  }
  if (spawnSync(command, ['buildx', 'version'], { encoding: 'utf-8', env: process.env }).status === 0) {
    return { command, mode: 'buildx' };
  }
  const help = spawnSync(command, ['build', '--help'], { encoding: 'utf-8', env: { ...process.env, DOCKER_BUILDKIT: '1' } });
  const helpText = `${help.stdout ?? ''}${help.stderr ?? ''}`;
  if (help.status === 0 && helpText.includes('--ssh') && helpText.includes('--output')) {
    return { command, mode: 'classic' };
  }
  throw new CdkRustError(
    'BUILDKIT_UNAVAILABLE',
    `the Docker client "${command}" cannot run BuildKit builds: it has no buildx plugin, and its own \`docker build\` ` +
      'lacks --ssh and --output.',
    "install the docker-buildx plugin, or set CDK_DOCKER to a client with BuildKit built in (e.g. Debian's docker.io 20.10).",
  );
}

/** Everything one `docker build` needs. */
export interface DockerBuildRequest {
  readonly plan: BuildPlan;
  readonly image: string;
  readonly dockerfile: string;
  readonly inputs: readonly InputFile[];
  /** Where the exported files are written (must exist). */
  readonly outputDir: string;
  /** The log file that keeps the build's output (build-log.ts). */
  readonly logFile: string;
  /** What the build is called in its status line and errors. @default - the plan's bin */
  readonly label?: string;
  /**
   * The dependencies are known to be in the shared caches (dependency-key.ts): only the compile run is made. When
   * cargo, offline, lacks one after all, the build runs again in full. @default false
   */
  readonly dependenciesFetched?: boolean;
}

/** What a finished build reports. */
export interface DockerBuildResult {
  /** Everything docker printed (also kept in the request's log file). */
  readonly log: string;
}

/**
 * The arguments of one `docker build` run (after the client command). `buildId` is new for every
 * build. The check run gets `--network none`, no agent and no secret; the fetch run gets the build's network
 * and the SSH agent; the compile run gets `--network none`, no agent, and exports the `bootstrap` into `outputDir`.
 * Fetch and compile get the build secrets, as `--secret id=ID,src=FILE` (`secretFiles`: the file holding each id's value), and with buildx the
 * builder (`--builder`: `bundling.builder`, else `BUILDX_BUILDER`; see buildx-builder.ts).
 */
export function dockerBuildArgs(
  client: DockerClient,
  phase: BuildPhase,
  plan: BuildPlan,
  contextDir: string,
  buildId: string,
  options: { readonly outputDir?: string; readonly sshSocket?: string; readonly secretFiles?: Readonly<Record<string, string>> } = {},
): string[] {
  const args = buildCommand(client, plan.builder);
  args.push('--progress', 'plain', '--build-arg', `${BUILD_ID_ARG}=${buildId}`);
  if (phase === 'check') {
    args.push('--network', 'none', '--target', CHECK_STAGE, ...(client.mode === 'buildx' ? ['--output', 'type=cacheonly'] : []));
    return [...args, '--file', path.join(contextDir, 'Dockerfile'), contextDir];
  }
  for (const [id, file] of Object.entries(options.secretFiles ?? {})) args.push('--secret', csvJoin([`id=${id}`, `src=${file}`]));
  if (phase === 'fetch') {
    args.push('--network', plan.network, '--target', FETCH_STAGE);
    if (plan.ssh.forward) args.push('--ssh', `default=${options.sshSocket}`);
    // buildx keeps the result of a build with no output in its cache only, with a warning: say so.
    if (client.mode === 'buildx') args.push('--output', 'type=cacheonly');
  } else {
    if (options.outputDir === undefined) throw new Error('the compile run needs an output directory');
    args.push('--network', 'none', '--target', EXPORT_STAGE, '--output', csvJoin(['type=local', `dest=${options.outputDir}`]));
  }
  args.push('--file', path.join(contextDir, 'Dockerfile'), contextDir);
  return args;
}

/** `buildx build` on `builder` (see buildx-builder.ts), or the classic client's `build`: how every build run starts. */
function buildCommand(client: DockerClient, builder: string | undefined): string[] {
  return [...(client.mode === 'buildx' ? ['buildx', 'build'] : ['build']), ...builderArgs(client, builder)];
}

/**
 * Joins fields the way BuildKit's `--output` parser (CSV) reads them: a field holding a comma or a
 * quote is quoted, so a path like `/work/a,b` stays one `dest`.
 */
export function csvJoin(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
}

/** The environment for the client: BuildKit on for the classic client. */
export function dockerEnv(client: DockerClient): NodeJS.ProcessEnv {
  return client.mode === 'classic' ? { ...process.env, DOCKER_BUILDKIT: '1' } : { ...process.env };
}

/** The outcome of {@link runQuietBuild}. */
export interface QuietBuildResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Everything docker printed. */
  readonly output: string;
}

/**
 * Runs one small `docker build` of `<contextDir>/Dockerfile` with `--network none` and no agent,
 * exporting its `stage` into `outputDir`, without streaming its output (the build cache's probe, seed
 * and save builds: their progress is one line of cdk-rust's, and their output is quoted on failure), on the
 * build's `builder` (`bundling.builder`; see buildx-builder.ts).
 */
export function runQuietBuild(
  client: DockerClient,
  contextDir: string,
  stage: string,
  outputDir: string,
  builder?: string,
): QuietBuildResult {
  const args = [
    ...buildCommand(client, builder),
    '--progress',
    'plain',
    '--build-arg',
    `${BUILD_ID_ARG}=${crypto.randomUUID()}`,
    '--network',
    'none',
    '--target',
    stage,
    '--output',
    csvJoin(['type=local', `dest=${outputDir}`]),
    '--file',
    path.join(contextDir, 'Dockerfile'),
    contextDir,
  ];
  const result = spawnSync(client.command, args, { encoding: 'utf-8', env: dockerEnv(client), maxBuffer: 64 * 1024 * 1024 });
  return {
    status: result.status,
    signal: result.signal,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error.message) : ''}`,
  };
}

/**
 * Runs the build: the check run (locked plans), the fetch run unless the check passed, then the compile run (see
 * renderDockerfile). A failed check is expected (something is not downloaded yet): its output goes to the build log
 * only, never to the terminal, even with --verbose. The context is staged
 * in a fresh temporary directory (only the plan's inputs, so `target/`, credentials and unrelated
 * files are never sent) and removed afterwards, whatever happens.
 */
export function runDockerBuild(client: DockerClient, request: DockerBuildRequest, sshSocket?: string): DockerBuildResult {
  // Outside the context, readable by this user only, and removed with it (see build-secrets.ts).
  const secrets = writeSecretFiles(request.plan.buildSecrets);
  const contextDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-context-'));
  const { logFile } = request;
  const verbose = isVerbose();
  try {
    writeContext(contextDir, request);
    const buildId = crypto.randomUUID();
    let log = '';
    let present = false;
    for (const phase of buildPhases(request.plan, request.dependenciesFetched)) {
      if (phase === 'fetch' && present) continue;
      const args = dockerBuildArgs(client, phase, request.plan, contextDir, buildId, {
        outputDir: request.outputDir,
        sshSocket,
        secretFiles: secrets.files,
      });
      const result = runStreaming(client.command, args, {
        env: dockerEnv(client),
        logFile,
        display: { label: request.label ?? request.plan.binaryName, verbose: verbose && phase !== 'check', status: PHASE_STATUS[phase] },
      });
      log += result.output;
      if (result.signal) {
        throw new CdkRustError(
          'BUILD_INTERRUPTED',
          `the Docker build of ${request.label ?? request.plan.binaryName} was interrupted (${result.signal}).`,
          'synth again: nothing of the interrupted build was kept.',
        );
      }
      if (phase === 'check') {
        present = result.status === 0;
        continue;
      }
      if (result.status !== 0 && request.dependenciesFetched && missingOfflineDependency(result.output)) {
        progress(`${request.label ?? request.plan.binaryName}: a dependency is missing from the shared caches; fetching`);
        return runDockerBuild(client, { ...request, dependenciesFetched: false }, sshSocket);
      }
      if (result.status !== 0) {
        // Quiet builds showed none of it: the failed run's whole output, as --verbose would have shown it.
        if (!verbose) process.stderr.write(result.output);
        throw buildFailed(request, result.output, logFile);
      }
    }
    return { log };
  } finally {
    fs.rmSync(contextDir, { recursive: true, force: true });
    secrets.remove();
  }
}

/**
 * Writes the build context: the inputs under `src/` at their relative paths, plus the Dockerfile,
 * the freshen script and the pinned hosts. Every path is checked to stay inside `contextDir`.
 */
function writeContext(contextDir: string, request: DockerBuildRequest): void {
  const src = path.join(contextDir, 'src');
  fs.mkdirSync(src, { recursive: true });
  for (const input of request.inputs) {
    const target = path.resolve(src, ...input.relative.split('/'));
    if (!target.startsWith(src + path.sep)) {
      throw new CdkRustError(
        'INVALID_PROP',
        `the build input ${input.absolute} lies outside the build context (${input.relative}).`,
        'keep workspace members and path dependencies below a common directory, without ".." escaping it.',
      );
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(input.absolute, target);
    // Keep modification times, so that cargo does not rebuild crates whose sources did not change.
    const stat = fs.statSync(input.absolute);
    fs.utimesSync(target, stat.atime, stat.mtime);
  }
  if (request.plan.ssh.forward) {
    fs.writeFileSync(path.join(contextDir, 'known_hosts'), request.plan.ssh.knownHosts.join('\n') + '\n');
  }
  fs.writeFileSync(path.join(contextDir, 'freshen.sh'), FRESHEN_SCRIPT);
  fs.writeFileSync(path.join(contextDir, 'Dockerfile'), request.dockerfile);
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
  const lines = steps.get(failed) ?? [];
  const output = lines
    .filter((l) => !/^(ERROR:|DONE |\[|CACHED|sha256:[0-9a-f]{64}$)/.test(l))
    .join('\n')
    .replace(/^(\s*\n)+/, '')
    .trimEnd();
  // A step that failed before printing anything (resolving the image, say): BuildKit's own error is all there is.
  return (
    output ||
    lines
      .filter((l) => /^ERROR:/.test(l))
      .map((l) => l.replace(/^ERROR:\s*/, ''))
      .join('\n')
  );
}

/**
 * The error of a failed run: the failed step's output, with the fix its text calls for; or, when the build read
 * files of the project that cdk-rust left out of the context (see missing-input.ts), that it is cdk-rust's context
 * that lacks them, not the user's code. The excluded files are listed again only then (a failed build is rare).
 */
function buildFailed(request: DockerBuildRequest, log: string, logFile: string): CdkRustError {
  const problem = `${describeFailure(request, log)}(The build's full output: ${logFile})\n`;
  const collected = { inputs: request.inputs, excluded: excludedFiles(request.plan) };
  const missing = describeMissingInputs(findMissingInputs(log, request.plan, collected));
  return missing
    ? new CdkRustError('BUILD_FAILED', `${problem}\n${missing.problem}`, missing.fix)
    : new CdkRustError('BUILD_FAILED', problem, buildFailureFix(log));
}

function excludedFiles(plan: BuildPlan): ExcludedFile[] {
  try {
    return collectInputs(plan).excluded;
  } catch {
    return [];
  }
}

function describeFailure(request: DockerBuildRequest, log: string): string {
  const { plan } = request;
  const what = request.label ?? `${plan.packageName}/${plan.binaryName}`;
  return `the Docker build of ${what} for ${plan.target} failed. Output of the failed step:\n\n` + failedStepOutput(log) + '\n';
}

/** The fix of a failed build, by what its output says. */
export function buildFailureFix(log: string): string {
  if (
    /openssl-sys/.test(log) &&
    /Could not find (?:directory of )?OpenSSL|openssl-sys.*(?:pkg-config|PKG_CONFIG)|failed to run custom build command for `openssl-sys/.test(
      log,
    )
  ) {
    return (
      'openssl-sys found no OpenSSL for the target: a static musl build links no system OpenSSL. Either use rustls ' +
      '(e.g. reqwest with default-features = false and features = ["rustls-tls"]; the AWS SDK for Rust uses rustls by default), ' +
      'or build OpenSSL from source with openssl = { version = "0.10", features = ["vendored"] } in [dependencies] ' +
      '(it needs perl, make and a C compiler for the target in the builder image).'
    );
  }
  // Printed by the step, not merely quoted in the failed command that BuildKit repeats (`echo '<message>'`).
  if (log.split('\n').some((line) => line.includes(NOT_A_FILE_MESSAGE) && !line.includes(`'${NOT_A_FILE_MESSAGE}'`))) {
    return (
      'this is not your code failing to compile: a build script of the crate or of one of its dependencies replaced ' +
      "the build's tools or outputs. Find the build.rs that writes outside its OUT_DIR (cargo build -vv shows each " +
      'build script as it runs) and remove or update that dependency.'
    );
  }
  const builderFix = builderFailureFix(log);
  if (builderFix) return builderFix;
  if (/Host key verification failed/.test(log)) {
    return "the git host's key did not match bundling.knownHosts: check the pinned line (host, port and key).";
  }
  if (/Permission denied \(publickey\)/.test(log)) {
    return 'the forwarded SSH agent has no key that the git host accepts: ssh-add the right key.';
  }
  if (
    /pull access denied|manifest unknown|failed to resolve source metadata|\[internal\] load metadata for .*\n(?:#\d+ sha256:\S+\n)?#\d+ ERROR/.test(
      log,
    )
  ) {
    return 'the builder image could not be found: build or pull it first, or set bundling.builderImage.';
  }
  return "fix the error above (it is cargo's own output), then synth again.";
}
