/**
 * The container of a RustService's task: the image, run as on Fargate by cdk-rust's defaults. Non-root on a
 * read-only root with a writable /tmp; the health check the image records; and signals handled as a Rust binary
 * needs them.
 *
 * Signals: in a container the binary is PID 1, and the kernel delivers to PID 1 only the signals it has a handler
 * for. A binary that installs none (axum's hello-world, most `tokio::main` services without `with_graceful_shutdown`)
 * ignores ECS's SIGTERM and is killed only when the stop timeout runs out, on every deploy and scale-in; and no one
 * reaps its children. ECS's init process (`initProcessEnabled`, Docker's `--init`) runs as PID 1 instead, passes
 * signals on and reaps: a binary without handlers then stops at once on SIGTERM (the default action), one with
 * handlers drains as it chose. The stop timeout is ECS's 30 s, written out: after the load balancer's 15 s
 * deregistration delay has moved traffic away, a service that drains gets 30 s more before SIGKILL.
 */
import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { NONROOT_ID } from './image-spec';
import { RustServiceImage } from './rust-service-image';
import { ServiceHealthCheck } from './service-health-check';

/** How long ECS waits after SIGTERM before SIGKILL. */
export const STOP_TIMEOUT = Duration.seconds(30);

/** The container's name in the task definition. */
export const CONTAINER_NAME = 'App';

/** What the container runs with. */
export interface ServiceContainerOptions {
  readonly image: RustServiceImage;
  readonly port: number;
  readonly environment?: Record<string, string>;
  readonly secrets?: Record<string, ecs.Secret>;
  readonly logGroup: logs.ILogGroup;
  /** The user's timings of the health check (its command comes from the image). */
  readonly healthCheck?: ServiceHealthCheck;
}

/** Adds the service's container (and its /tmp volume) to `taskDefinition`. */
export function addServiceContainer(
  scope: Construct,
  taskDefinition: ecs.TaskDefinition,
  options: ServiceContainerOptions,
): ecs.ContainerDefinition {
  taskDefinition.addVolume({ name: 'tmp' });
  const command = options.image.healthCheckCommand;
  const check = options.healthCheck;
  const container = taskDefinition.addContainer(CONTAINER_NAME, {
    image: options.image.image,
    user: `${NONROOT_ID}:${NONROOT_ID}`,
    readonlyRootFilesystem: true,
    environment: { ...options.environment, PORT: String(options.port) },
    secrets: options.secrets,
    portMappings: [{ containerPort: options.port, protocol: ecs.Protocol.TCP }],
    logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'service', logGroup: options.logGroup }),
    linuxParameters: new ecs.LinuxParameters(scope, 'LinuxParameters', { initProcessEnabled: true }),
    stopTimeout: STOP_TIMEOUT,
    healthCheck: command
      ? {
          command: ['CMD', ...command],
          interval: check?.interval,
          timeout: check?.timeout,
          startPeriod: check?.startPeriod,
          retries: check?.retries,
        }
      : undefined,
  });
  container.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });
  return container;
}
