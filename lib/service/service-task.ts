/**
 * A RustService's task: its image (RustServiceImage), log group, task definition and container.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { RustServiceProps } from './rust-service-props';
import { RustServiceImage } from './rust-service-image';
import { addServiceContainer } from './service-container';
import { ServiceSettings } from './service-settings';
import { serviceTaskRole } from './task-role';

/** What {@link addServiceTask} made. */
export interface ServiceTask {
  readonly image: RustServiceImage;
  readonly logGroup: logs.LogGroup;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
}

/** The image, the log group, and the task definition with the service's container, in `scope`. */
export function addServiceTask(scope: Construct, props: RustServiceProps, settings: ServiceSettings): ServiceTask {
  const image = new RustServiceImage(scope, 'Image', {
    manifestPath: props.manifestPath,
    binaryName: props.binaryName,
    bundling: props.bundling,
    architecture: props.architecture,
    port: settings.port,
    timeZones: props.timeZones,
    // The probe requests the load balancer's path unless told otherwise: one health path for both checks.
    healthCheck: { path: props.containerHealthCheck?.args ? undefined : settings.healthCheckPath, ...props.containerHealthCheck },
    files: props.files,
    workingDirectory: props.workingDirectory,
  });
  const logGroup = new logs.LogGroup(scope, 'Logs', {
    retention: props.logGroupRetention ?? logs.RetentionDays.ONE_MONTH,
    removalPolicy: props.logGroupRemovalPolicy ?? RemovalPolicy.RETAIN,
  });
  const taskDefinition = new ecs.FargateTaskDefinition(scope, 'Task', {
    taskRole: serviceTaskRole(scope),
    cpu: settings.cpu,
    memoryLimitMiB: settings.memoryLimitMiB,
    runtimePlatform: {
      cpuArchitecture: props.architecture ?? ecs.CpuArchitecture.X86_64,
      operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
    },
  });
  const container = addServiceContainer(scope, taskDefinition, {
    image,
    port: settings.port,
    environment: props.environment,
    secrets: props.secrets,
    logGroup,
    healthCheck: props.containerHealthCheck,
  });
  return { image, logGroup, taskDefinition, container };
}
