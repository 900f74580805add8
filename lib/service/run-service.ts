/**
 * Runs a service of a synthesized app on this machine: loads its image with CDK's own publishing command, runs it
 * on the host network with the task definition's environment, waits until the load balancer's health-check path
 * answers, and stops it cleanly.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import { CdkRustError } from '../errors';
import { progress } from '../private/progress';
import { AssemblyService } from './assembly-service';

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
  /** How long the service may take to answer its health-check path. @default 60000 */
  readonly healthTimeoutMs?: number;
  /** Where the container's output goes. @default - this process's stderr */
  readonly log?: (chunk: string) => void;
}

/**
 * A service running locally.
 *
 * @jsii ignore Node.js only (other languages use the `cdk-rust` CLI).
 */
export interface RunningService {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The loaded image's name. */
  readonly image: string;
  /** The container's name. */
  readonly container: string;
  /** Resolves with the container's exit code once it has stopped. */
  readonly exited: Promise<number>;
  /** Stops the container (SIGTERM, then SIGKILL after 10 s) and waits for it. */
  stop(): Promise<number>;
}

/** How many lines of the container's output a failure report quotes. */
const TAIL_LINES = 30;

/** Loads, starts and waits for `service`; throws SERVICE_UNHEALTHY (with its last log lines) when it never answers. */
export async function runServiceLocally(service: AssemblyService, options: RunServiceOptions = {}): Promise<RunningService> {
  const docker = options.docker ?? process.env.CDK_DOCKER ?? 'docker';
  const image = loadImage(service);
  const container = `cdk-rust-run-${randomBytes(4).toString('hex')}`;
  const environment = { ...service.environment, ...options.environment };
  for (const name of service.unresolvedVariables.filter((n) => !(n in environment))) {
    progress(`${service.name}: ${name} only has a value once deployed; pass --env ${name}=... to set it locally`);
  }
  const args = ['run', '--rm', '--name', container, '--network', 'host'];
  for (const [name, value] of Object.entries(environment)) args.push('--env', `${name}=${value}`);
  args.push(image);

  const log = options.log ?? ((chunk: string) => process.stderr.write(chunk));
  const tail: string[] = [];
  // A line can arrive in pieces (Rust's unbuffered stderr writes `eprintln!`'s parts one by one): each stream
  // keeps its unfinished line until the rest comes.
  const unfinished = { stdout: '', stderr: '' };
  const child = spawn(docker, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const record = (stream: 'stdout' | 'stderr') => (data: Buffer) => {
    const text = data.toString();
    log(text);
    const lines = (unfinished[stream] + text).split('\n');
    unfinished[stream] = lines.pop() ?? '';
    tail.push(...lines.filter((line) => line !== ''));
    tail.splice(0, Math.max(0, tail.length - TAIL_LINES));
  };
  child.stdout?.on('data', record('stdout'));
  child.stderr?.on('data', record('stderr'));
  const lastLines = () => [...tail, unfinished.stdout, unfinished.stderr].filter((line) => line !== '').slice(-TAIL_LINES);
  const exited = exitOf(child);
  const url = `http://127.0.0.1:${service.port}`;
  const stop = async (): Promise<number> => {
    spawnSync(docker, ['stop', '--time', '10', container], { stdio: 'ignore' });
    return exited;
  };

  progress(`${service.name}: started ${image} as ${container} on the host network; waiting for ${url}${service.healthCheckPath}`);
  const healthy = await waitHealthy(`${url}${service.healthCheckPath}`, options.healthTimeoutMs ?? 60_000, exited);
  if (healthy !== true) {
    await stop();
    throw new CdkRustError(
      'SERVICE_UNHEALTHY',
      `${service.name} ${healthy.exited ? `exited with code ${healthy.code}` : `did not answer ${service.healthCheckPath} with 2xx within ${(options.healthTimeoutMs ?? 60_000) / 1000} s`}. ` +
        `Its last log lines:\n${lastLines().join('\n') || '  (none)'}`,
      `fix what the log shows; the service must listen on port ${service.port} (the PORT variable) and answer ${service.healthCheckPath}.`,
    );
  }
  return { url, image, container, exited, stop };
}

/**
 * Runs CDK's publishing command for the image in the assembly directory (it names the Docker client the app was
 * synthesized with, CDK_DOCKER or docker); returns the image name it prints.
 */
function loadImage(service: AssemblyService): string {
  const [command, ...args] = service.loadCommand;
  const result = spawnSync(command, args, {
    cwd: service.assemblyDir,
    encoding: 'utf-8',
  });
  const image = (result.stdout ?? '').trim().split('\n').pop() ?? '';
  if (result.status !== 0 || image === '' || result.error) {
    throw new CdkRustError(
      'SERVICE_UNHEALTHY',
      `loading the image of ${service.name} failed: ${(result.stderr || result.error?.message || '').trim() || `exit ${result.status}`}`,
      'check that Docker runs (docker info) and synthesize the app again if the image tarball is missing.',
    );
  }
  return image;
}

function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    child.on('error', () => resolve(127));
  });
}

/** Polls `url` until it answers 2xx (true), the container exits, or the time is up. */
async function waitHealthy(url: string, timeoutMs: number, exited: Promise<number>): Promise<true | { exited: boolean; code?: number }> {
  let exitCode: number | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) return { exited: true, code: exitCode };
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
