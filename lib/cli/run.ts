/**
 * `cdk-rust run`: runs a container service of the synthesized app on this machine until Ctrl-C or SIGTERM.
 */
import * as path from 'path';
import { CdkRustError } from '../errors';
import { progress } from '../private/progress';
import { findAssemblyService } from '../service/assembly-service';
import { runServiceLocally } from '../service/run-service';
import { localEnvironment } from './local-environment';

export const RUN_USAGE = `cdk-rust run <construct path or logical id> [options]
  --app DIR             The cloud assembly the service is in. Default: cdk.out
  --env NAME=VALUE      Set an environment variable of the container (repeatable), e.g. for a secret.
                        Values reach the container in a file only you can read, never on a command line.
  --aws-credentials     Pass this shell's AWS credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
                        AWS_SESSION_TOKEN) and region to the container. Without it, it gets none.
  --aws-profile NAME    Pass the credentials of the AWS profile NAME instead, resolved by the AWS CLI v2
                        (aws configure export-credentials: SSO and assumed roles give short-lived values).
  --timeout SECONDS     How long the service may take to answer its health-check path. Default: 60

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
  Example: cdk-rust run MyStack/Service
`;

/** The parsed arguments of `cdk-rust run`. */
export interface RunCommandArgs {
  readonly positionals: string[];
  readonly app?: string;
  readonly env?: string[];
  /** --aws-credentials: pass this process's AWS credentials and region to the container. */
  readonly awsCredentials?: boolean;
  /** --aws-profile: a named profile's credentials, resolved by the AWS CLI. */
  readonly awsProfile?: string;
  readonly timeout?: string;
}

/** Runs `cdk-rust run` and returns its exit code once the service has stopped. */
export async function runCommand(args: RunCommandArgs): Promise<number> {
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
  const service = findAssemblyService(path.resolve(args.app ?? 'cdk.out'), args.positionals[0]);
  const running = await runServiceLocally(service, {
    ...localEnvironment(args),
    healthTimeoutMs: timeout * 1000,
  });
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
