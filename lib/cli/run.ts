/**
 * `cdk-rust run`: runs a container service of the synthesized app on this machine until Ctrl-C or SIGTERM.
 */
import * as path from 'path';
import { CdkRustError } from '../errors';
import { progress } from '../private/progress';
import { findAssemblyService } from '../service/assembly-service';
import { runServiceLocally } from '../service/run-service';
import { localEnvironment } from './local-environment';
import { LoopProfileArgs, loopProfile } from './loop-profile';

export const RUN_USAGE = `cdk-rust run <construct path or logical id> [options]
  --app DIR             The cloud assembly the service is in. Default: cdk.out
  --env NAME=VALUE      Set an environment variable of the container (repeatable), e.g. for a secret.
                        Values reach the container in a file only you can read, never on a command line.
  --aws-credentials     Pass this shell's AWS credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
                        AWS_SESSION_TOKEN) and region to the container. Without it, it gets none.
  --aws-profile NAME    Pass the credentials of the AWS profile NAME instead, resolved by the AWS CLI v2
                        (aws configure export-credentials: SSO and assumed roles give short-lived values).
  --timeout SECONDS     How long the service may take to answer its health-check path. Default: 60
  --watch               Rebuild the image when its sources change and replace the container (see below).
  --profile NAME        With --watch: the Cargo profile to build. Default: dev
  --release             With --watch: build the deployed profile (the construct's) instead of dev.

  Loads the service's image (as cdk deploy does) and runs it as Fargate does: its own network
  namespace, a read-only root file system with a writable /tmp, no Linux capabilities, its non-root
  user, the task definition's environment and port, and an init as PID 1 when the task turns ECS's on
  (RustService does). The port is reachable on 127.0.0.1 only (never from the local network), and only
  when the service listens on an address a load balancer reaches (0.0.0.0, not its own 127.0.0.1).
  Waits until the load balancer's health-check path answers 2xx, prints the
  URL on stdout, and streams the container's output to stderr until Ctrl-C or SIGTERM, which stop it
  cleanly. A service that never becomes healthy exits 1 with the end of its logs.
  On a Docker engine without a bridge network (dockerd --bridge=none), the container has no network
  and cdk-rust relays 127.0.0.1:PORT into it, which needs root (nsenter).
  With --watch (a RustServiceImage's service), the URL stays the same while the container behind it
  changes: the synthesized image runs first while it is the sources' build; when a file its build reads
  changes, the image is built again (nothing is built when its hash is unchanged) while the old
  container keeps serving, the new one starts, and once it answers the health-check path it takes the
  URL and the old one is stopped as ECS stops a task. A failed build, or a container that never
  becomes healthy, leaves the old one serving. Ctrl-C stops the build and every container.
  Example: cdk-rust run MyStack/Service
  Example: cdk-rust run MyStack/Service --watch
`;

/** The parsed arguments of `cdk-rust run`. */
export interface RunCommandArgs extends LoopProfileArgs {
  readonly positionals: string[];
  readonly app?: string;
  readonly env?: string[];
  /** --aws-credentials: pass this process's AWS credentials and region to the container. */
  readonly awsCredentials?: boolean;
  /** --aws-profile: a named profile's credentials, resolved by the AWS CLI. */
  readonly awsProfile?: string;
  readonly timeout?: string;
  /** --watch: rebuild on save and replace the container once the new one is healthy. */
  readonly watch?: boolean;
}

/** The checked arguments of `cdk-rust run`. */
export interface RunSettings {
  /** The service: a construct path or logical id. */
  readonly selector: string;
  readonly healthTimeoutMs: number;
  /** With --watch: the Cargo profile the loop builds (undefined: the recorded one). Absent without --watch. */
  readonly watch?: { readonly profile?: string };
}

/** Checks the arguments of `cdk-rust run`: CLI_USAGE errors before anything starts. */
export function runSettings(args: RunCommandArgs): RunSettings {
  if (args.positionals.length !== 1) {
    throw new CdkRustError(
      'CLI_USAGE',
      args.positionals.length === 0 ? 'run needs the service to run.' : `run runs one service; got ${args.positionals.join(' ')}.`,
      'name it by construct path or logical id, e.g. `cdk-rust run MyStack/Service`.',
    );
  }
  const timeout = args.timeout === undefined ? 60 : Number(args.timeout);
  if (!(timeout > 0)) {
    throw new CdkRustError(
      'CLI_USAGE',
      `--timeout ${args.timeout}: not a number of seconds.`,
      'give a positive number, e.g. --timeout 120.',
    );
  }
  if (!args.watch && (args.profile !== undefined || args.release)) {
    throw new CdkRustError(
      'CLI_USAGE',
      `${args.release ? '--release' : `--profile ${args.profile}`} chooses what run --watch builds, but --watch is not given: ` +
        'without it, run runs the synthesized image and builds nothing.',
      'add --watch, or leave the flag out.',
    );
  }
  return {
    selector: args.positionals[0],
    healthTimeoutMs: timeout * 1000,
    ...(args.watch ? { watch: { profile: loopProfile(args, 'run --watch') } } : {}),
  };
}

/** Runs `cdk-rust run` and returns its exit code once the service has stopped. */
export async function runCommand(args: RunCommandArgs): Promise<number> {
  const { selector, healthTimeoutMs, watch } = runSettings(args);
  const assemblyDir = path.resolve(args.app ?? 'cdk.out');
  const service = findAssemblyService(assemblyDir, selector);
  const options = { ...localEnvironment(args), healthTimeoutMs };
  if (watch) {
    // Loaded here: it brings aws-cdk-lib (through the bundling), which a plain run does not need.
    const { runWatch } = await import('./run-watch');
    return runWatch(assemblyDir, service, options, watch.profile);
  }
  const running = await runServiceLocally(service, options);
  process.stdout.write(`${running.url}\n`);
  progress(`${service.name} is healthy at ${running.url} (Ctrl-C stops it)`);
  const stopOnSignal = () => {
    progress(`stopping ${service.name}`);
    void running.stop();
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    const code = await running.exited;
    progress(`${service.name} stopped (exit ${code})`);
    return 0;
  } finally {
    process.removeListener('SIGINT', stopOnSignal);
    process.removeListener('SIGTERM', stopOnSignal);
  }
}
