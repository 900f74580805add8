/**
 * A function's container image run locally (a RustFunction with `packaging: IMAGE`): loaded once with CDK's own
 * publishing command, then each warm process is a container of it, run as Lambda runs one (read-only root with a
 * writable /tmp, no capabilities, no privilege gain, the image's entrypoint and non-root user) on the host network
 * (`--network host`), so that it reaches the Runtime API emulator on 127.0.0.1. Its environment is passed in a file
 * only this user can read (container-env-file.ts), never on the command line where `ps` shows it. Stopping the
 * process removes the container (`docker rm -f`), and so does this process's exit.
 */
import { execFile, execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import { promisify } from 'util';
import { CdkRustError } from '../errors';
import { progress } from '../private/progress';
import { writeContainerEnvFile } from '../service/container-env-file';
import { HostCommand } from './emulator';
import { loadTarballImage } from './load-image';
import { RunningProcess, spawnLocalProcess } from './local-process';
import { CONFINED_CONTAINER } from '../service/docker-run-args';

/** Where a function image holds its code: Lambda's `LAMBDA_TASK_ROOT`. */
export const IMAGE_TASK_ROOT = '/var/task';

/**
 * A function's container image, for a {@link LocalFunction} that runs it instead of a bootstrap on this machine.
 *
 * @jsii ignore Node.js only (other languages use the `cdk-rust` CLI).
 */
export interface LocalFunctionImage {
  /** The command that loads the image and prints its name: CDK's publishing command of the tarball asset. */
  readonly loadCommand: string[];
  /** The directory the command runs in (the cloud assembly's, which its tarball path is relative to). */
  readonly assemblyDir: string;
  /** The Docker client that runs the container. @default - `CDK_DOCKER`, or `docker` */
  readonly docker?: string;
}

/** Where a container's output goes. */
export interface ImageOutput {
  readonly streamLogs: boolean;
  readonly rawLogs?: boolean;
  onOutput(text: string): void;
}

/** The `docker run` arguments of one warm container of `image`, its environment in `envFile`. */
export function imageRunArgs(container: string, image: string, envFile: string): string[] {
  return ['run', '--rm', '--name', container, '--network', 'host', ...CONFINED_CONTAINER, '--env-file', envFile, image];
}

/** Runs a function's image: loads it once, then starts one container per warm process. */
export class ImageProcesses {
  private loaded?: Promise<string>;
  private readonly docker: string;

  /** `name`: the function, as errors name it. */
  constructor(
    private readonly image: LocalFunctionImage,
    private readonly name: string,
  ) {
    this.docker = image.docker ?? process.env.CDK_DOCKER ?? 'docker';
  }

  /** The command a container runs with: the Docker client and the loaded image (loaded on the first call). */
  public async command(): Promise<HostCommand> {
    this.loaded ??= this.load();
    return { command: this.docker, args: [await this.loaded] };
  }

  /** Starts a container of the image loaded by {@link command}, with `env` as its whole environment. */
  public spawn(image: string, env: Record<string, string>, output: ImageOutput): RunningProcess {
    const container = `cdk-rust-invoke-${randomBytes(4).toString('hex')}`;
    const envFile = writeContainerEnvFile(env, this.name);
    const proc = spawnLocalProcess(this.docker, imageRunArgs(container, image, envFile.path), {
      cwd: this.image.assemblyDir,
      env: dockerClientEnvironment(),
      ...output,
    });
    const removeOnExit = (): void => {
      try {
        execFileSync(this.docker, ['rm', '-f', container], { stdio: 'ignore' });
      } catch {
        // Gone already.
      }
    };
    process.on('exit', removeOnExit);
    void proc.closed.then(() => {
      envFile.remove();
      process.removeListener('exit', removeOnExit);
    });
    // The client has read the file once the container exists: removed then, not only at exit.
    void untilCreated(this.docker, container, proc).then(() => envFile.remove());
    proc.stop = async () => {
      await promisify(execFile)(this.docker, ['rm', '-f', container]).catch(() => undefined);
      if (!proc.exited) proc.child.kill('SIGKILL');
    };
    return proc;
  }

  private async load(): Promise<string> {
    progress(`${this.name}: loading its container image`);
    const loaded = await loadTarballImage(this.image.loadCommand, this.image.assemblyDir);
    if ('failure' in loaded) {
      throw new CdkRustError(
        'INVOKE_FAILED',
        `loading the container image of ${this.name} failed: ${loaded.failure}`,
        'check that Docker runs (docker info; CDK_DOCKER names the client), and synthesize the app again if the image tarball is missing.',
      );
    }
    return loaded.image;
  }
}

/** The Docker client's own environment: this process's, which the container never sees (it gets only its file). */
function dockerClientEnvironment(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** Resolves once `container` exists, or its client has exited. */
async function untilCreated(docker: string, container: string, proc: RunningProcess): Promise<void> {
  while (!proc.exited) {
    try {
      await promisify(execFile)(docker, ['inspect', '--format', '{{.Id}}', container]);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
