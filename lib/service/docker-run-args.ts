/**
 * The `docker run` command line of a service run locally: as Fargate runs it (a read-only root file system with
 * a writable /tmp, no Linux capabilities, no privilege gain, the image's own non-root user), reachable on
 * 127.0.0.1 only, and with no environment value on the command line (they are in `envFile`).
 */
import { ServiceNetwork } from './service-network';

/**
 * What a local container of cdk-rust gets, as Fargate and Lambda give theirs: a read-only root with a writable
 * /tmp, no capabilities, no privilege gain.
 */
export const CONFINED_CONTAINER: readonly string[] = [
  '--read-only',
  '--tmpfs',
  '/tmp',
  '--cap-drop',
  'ALL',
  '--security-opt',
  'no-new-privileges',
];

/** What a service's container runs with. */
export interface ContainerRunSpec {
  readonly container: string;
  readonly image: string;
  /** The container port, published (or relayed) on 127.0.0.1. */
  readonly port: number;
  /**
   * The port of 127.0.0.1 it is published on: 0 for one Docker picks (read back with `docker port`).
   * @default - the container port
   */
  readonly hostPort?: number;
  /** The file holding the environment (see container-env-file.ts). */
  readonly envFile: string;
  readonly network: ServiceNetwork;
  /** Run Docker's init (tini) as PID 1, as ECS's `initProcessEnabled` does: signals reach the binary, zombies are reaped. */
  readonly init: boolean;
}

/** The arguments of `docker run` for `spec`. */
export function dockerRunArgs(spec: ContainerRunSpec): string[] {
  const network =
    spec.network === 'publish'
      ? ['--network', 'bridge', '--publish', `127.0.0.1:${spec.hostPort === 0 ? '' : (spec.hostPort ?? spec.port)}:${spec.port}`]
      : // Its own namespace with only a loopback interface; cdk-rust relays 127.0.0.1:PORT of this machine into it.
        ['--network', 'none'];
  return [
    'run',
    '--rm',
    '--name',
    spec.container,
    ...network,
    ...(spec.init ? ['--init'] : []),
    ...CONFINED_CONTAINER,
    '--env-file',
    spec.envFile,
    spec.image,
  ];
}
