/**
 * Where a service run by `cdk-rust run` listens: on 127.0.0.1 of this machine only, never on the host's other
 * interfaces (the local network), and in a network namespace of its own, as on Fargate.
 *
 * - `publish`: an engine with its default bridge network (Docker Desktop, a stock Linux engine) runs the container
 *   on it and publishes the port on 127.0.0.1 only (`--publish 127.0.0.1:PORT:PORT`).
 * - `relay`: an engine without one (`dockerd --bridge=none`, as on some CI machines) runs the container with
 *   `--network none` (its own loopback only), and cdk-rust relays 127.0.0.1:PORT of this machine into it
 *   (loopback-relay.ts), which needs the right to enter the container's namespace (root, on Linux).
 */
import { spawnSync } from 'child_process';

/** How the service's port is reached from 127.0.0.1. */
export type ServiceNetwork = 'publish' | 'relay';

/** `publish` when the engine has its default bridge network, `relay` otherwise. */
export function serviceNetwork(docker: string): ServiceNetwork {
  const bridge = spawnSync(docker, ['network', 'inspect', '--format', '{{.Driver}}', 'bridge'], { encoding: 'utf-8' });
  return bridge.status === 0 && bridge.stdout.trim() === 'bridge' ? 'publish' : 'relay';
}
