/**
 * Runs a service of a synthesized app on this machine: loads its image with CDK's own publishing command, runs it as
 * Fargate does (read-only root with a writable /tmp, no capabilities, no privilege gain, its own network namespace)
 * with the task definition's environment (passed in a file, never on a command line), reachable on 127.0.0.1 only,
 * waits until the load balancer's health-check path answers, and stops it cleanly.
 */
import { ChildProcess, execFile, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { promisify } from 'util';
import { CdkRustError } from '../errors';
import { loadTarballImage } from '../invoke/load-image';
import { resolveRegion } from '../invoke/region';
import { hostCredentials, noticeCredentialsNotPassed } from '../private/aws-credentials';
import { progress } from '../private/progress';
import { AssemblyService } from './assembly-service';
import { writeContainerEnvFile } from './container-env-file';
import { dockerRunArgs } from './docker-run-args';
import { listeners, unreachableBecause } from './listening-sockets';
import { LoopbackRelay, startLoopbackRelay } from './loopback-relay';
import { publishedPort } from './published-port';
import { serviceNetwork } from './service-network';

/**
 * Options of {@link runServiceLocally}.
 *
 * @jsii ignore Node.js only (other languages use the `cdk-rust` CLI).
 */
export interface RunServiceOptions {
  /** The Docker client. @default - `CDK_DOCKER`, or `docker` */
  readonly docker?: string;
  /** Variables that replace or add to the task definition's. @default - none */
  readonly environment?: Record<string, string>;
  /**
   * Whether this process's AWS credentials are passed to the container.
   *
   * With `true`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` (when set) and the region
   * (`AWS_REGION` and `AWS_DEFAULT_REGION`) are passed, as the task role's would be on Fargate; `environment` still
   * wins. Without, the container gets none, and a line on stderr says so once per process.
   *
   * @default false
   */
  readonly passCredentials?: boolean;
  /** How long the service may take to answer its health-check path. @default 60000 */
  readonly healthTimeoutMs?: number;
  /** Where the container's output goes. @default - this process's stderr */
  readonly log?: (chunk: string) => void;
  /**
   * An image tarball to load instead of the assembly's (a rebuilt image), with the same command.
   * @default - the image the assembly names
   */
  readonly imageTarball?: string;
  /**
   * Reach the container on a port of 127.0.0.1 that the system picks instead of the container's port (`url` names
   * it): for `cdk-rust run --watch`, whose own relay holds the service's port and moves to each new container.
   * @default false
   */
  readonly ephemeralPort?: boolean;
  /** What the container's name starts with (a random suffix follows). @default 'cdk-rust-run' */
  readonly containerNamePrefix?: string;
  /** Stops the container, and rejects, when aborted while waiting for it to become healthy. @default - none */
  readonly signal?: AbortSignal;
}

/**
 * A service running locally.
 *
 * @jsii ignore Node.js only (other languages use the `cdk-rust` CLI).
 */
export interface RunningService {
  /** `http://127.0.0.1:<port>`: the container's port, or the port picked with `ephemeralPort`. */
  readonly url: string;
  /** The loaded image's name. */
  readonly image: string;
  /** The container's name. */
  readonly container: string;
  /** Resolves with the container's exit code once it has stopped. */
  readonly exited: Promise<number>;
  /** Stops the container as ECS stops a task (SIGTERM, then SIGKILL after the task's stop timeout) and waits for it. */
  stop(): Promise<number>;
}

/** How many lines of the container's output a failure report quotes. */
const TAIL_LINES = 30;

/** Loads, starts and waits for `service`; throws SERVICE_UNHEALTHY (with its last log lines) when it never answers. */
export async function runServiceLocally(service: AssemblyService, options: RunServiceOptions = {}): Promise<RunningService> {
  const docker = options.docker ?? process.env.CDK_DOCKER ?? 'docker';
  const environment = containerEnvironment(service, options);
  const image = await loadImage(service, options.imageTarball);
  const container = `${options.containerNamePrefix ?? 'cdk-rust-run'}-${randomBytes(4).toString('hex')}`;
  const network = serviceNetwork(docker);
  const envFile = writeContainerEnvFile(environment, service.name);
  const ephemeral = options.ephemeralPort === true;
  const hostPort = ephemeral ? 0 : service.port;
  const args = dockerRunArgs({
    container,
    image,
    port: service.port,
    hostPort,
    envFile: envFile.path,
    network,
    init: service.initProcessEnabled,
  });
  const timeoutMs = options.healthTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;

  const output = containerOutput(options.log ?? ((chunk: string) => process.stderr.write(chunk)));
  const child = spawn(docker, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', output.record('stdout'));
  child.stderr?.on('data', output.record('stderr'));
  let relay: LoopbackRelay | undefined;
  const exited = exitOf(child).then((code) => {
    envFile.remove();
    relay?.close();
    return code;
  });
  const stop = async (): Promise<number> => {
    // As ECS stops a task: SIGTERM, then SIGKILL once the task's stop timeout has passed.
    await promisify(execFile)(docker, ['stop', '--time', String(service.stopTimeoutSeconds), container]).catch(() => undefined);
    return exited;
  };

  let pid: number | undefined;
  let port = service.port;
  try {
    // The Docker client has read the environment file once the container exists: it is removed right away.
    pid = await containerPid(docker, container, exited, deadline);
    envFile.remove();
    if (pid !== undefined && network === 'relay') {
      relay = await startLoopbackRelay(pid, service.port, service.name, hostPort);
      port = relay.port;
    } else if (pid !== undefined && ephemeral) {
      port = (await publishedPort(docker, container, service.port)) ?? 0;
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    envFile.remove();
  }
  const url = `http://127.0.0.1:${port}`;
  const where = network === 'publish' ? 'published on 127.0.0.1' : 'in its own network namespace, relayed from 127.0.0.1';
  progress(`${service.name}: started ${image} as ${container} (${where}); waiting for ${url}${service.healthCheckPath}`);
  const healthy = await waitHealthy(`${url}${service.healthCheckPath}`, deadline, exited, options.signal);
  if (healthy !== true) {
    // Read before the container goes: what it listens on, in its own namespace (when this machine lets us see it).
    const why = healthy.exited || pid === undefined ? undefined : unreachableBecause(listeners(`/proc/${pid}/net`), service.port);
    await stop();
    throw new CdkRustError(
      'SERVICE_UNHEALTHY',
      `${service.name} ${unhealthyBecause(healthy, service.healthCheckPath, timeoutMs)}` +
        `${why ? `: ${why.problem}` : '.'} Its last log lines:\n${output.lastLines().join('\n') || '  (none)'}`,
      why?.fix ??
        `fix what the log shows; the service must listen on 0.0.0.0, port ${service.port} (the PORT variable), and answer ${service.healthCheckPath}.`,
    );
  }
  return { url, image, container, exited, stop };
}

/** What went wrong with a container that did not become healthy. */
function unhealthyBecause(healthy: Unhealthy, healthCheckPath: string, timeoutMs: number): string {
  if (healthy.exited) return `exited with code ${healthy.code}`;
  if (healthy.aborted) return 'was stopped before it became healthy';
  return `did not answer ${healthCheckPath} with 2xx within ${timeoutMs / 1000} s`;
}

/**
 * The container's environment: the task definition's, then (only when asked) this process's AWS credentials and
 * region, then `options.environment`.
 */
function containerEnvironment(service: AssemblyService, options: RunServiceOptions): Record<string, string> {
  for (const name of service.unresolvedVariables.filter((n) => !(n in (options.environment ?? {})))) {
    progress(`${service.name}: ${name} only has a value once deployed; pass --env ${name}=... to set it locally`);
  }
  let credentials: Record<string, string> = {};
  if (options.passCredentials === true) {
    const region = resolveRegion(undefined);
    credentials = { ...hostCredentials(), AWS_REGION: region, AWS_DEFAULT_REGION: region };
  } else if (!options.environment?.AWS_ACCESS_KEY_ID) {
    noticeCredentialsNotPassed('the service');
  }
  return { ...service.environment, ...credentials, ...options.environment };
}

/**
 * The container's output, passed to `log` as it comes, with its last lines kept for a failure report. A line can
 * arrive in pieces (Rust's unbuffered stderr writes `eprintln!`'s parts one by one): each stream keeps its
 * unfinished line until the rest comes.
 */
function containerOutput(log: (chunk: string) => void): {
  record: (stream: 'stdout' | 'stderr') => (data: Buffer) => void;
  lastLines: () => string[];
} {
  const tail: string[] = [];
  const unfinished = { stdout: '', stderr: '' };
  return {
    record: (stream) => (data) => {
      const text = data.toString();
      log(text);
      const lines = (unfinished[stream] + text).split('\n');
      unfinished[stream] = lines.pop() ?? '';
      tail.push(...lines.filter((line) => line !== ''));
      tail.splice(0, Math.max(0, tail.length - TAIL_LINES));
    },
    lastLines: () => [...tail, unfinished.stdout, unfinished.stderr].filter((line) => line !== '').slice(-TAIL_LINES),
  };
}

/** The container's process id once it runs; undefined when it exited first. Fails when the time is up. */
async function containerPid(docker: string, container: string, exited: Promise<number>, deadline: number): Promise<number | undefined> {
  let done = false;
  void exited.then(() => (done = true));
  while (Date.now() < deadline) {
    if (done) return undefined;
    try {
      const { stdout } = await promisify(execFile)(docker, ['inspect', '--format', '{{.State.Pid}}', container], { encoding: 'utf-8' });
      const pid = Number(stdout.trim());
      if (pid > 0) return pid;
    } catch {
      // Not created yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new CdkRustError(
    'SERVICE_UNHEALTHY',
    `the container ${container} did not start before the time was up.`,
    'check that Docker runs (docker info), or give the service more time (--timeout).',
  );
}

/**
 * Runs CDK's publishing command for the image in the assembly directory (it names the Docker client the app was
 * synthesized with, CDK_DOCKER or docker), for `tarball` instead of the assembly's when given; returns the image
 * name it prints.
 */
async function loadImage(service: AssemblyService, tarball?: string): Promise<string> {
  const loaded = await loadTarballImage(service.loadCommand, service.assemblyDir, tarball);
  if ('failure' in loaded) {
    throw new CdkRustError(
      'SERVICE_UNHEALTHY',
      `loading the image of ${service.name} failed: ${loaded.failure}`,
      'check that Docker runs (docker info) and synthesize the app again if the image tarball is missing.',
    );
  }
  return loaded.image;
}

function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    child.on('error', () => resolve(127));
  });
}

/** Why a container did not become healthy: it exited (with `code`), was stopped (`aborted`), or the time was up. */
interface Unhealthy {
  readonly exited: boolean;
  readonly code?: number;
  readonly aborted?: boolean;
}

/** Polls `url` until it answers 2xx (true), the container exits, `signal` aborts, or the `deadline` passes. */
async function waitHealthy(
  url: string,
  deadline: number,
  exited: Promise<number>,
  signal: AbortSignal | undefined,
): Promise<true | Unhealthy> {
  let exitCode: number | undefined;
  void exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) return { exited: true, code: exitCode };
    if (signal?.aborted) return { exited: false, aborted: true };
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.status >= 200 && response.status < 300) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { exited: false };
}
