/**
 * Finds a RustService (or any ECS task definition whose image is a tarball asset) in a synthesized cloud assembly,
 * with what running it locally needs: the image's load command, the container's port and environment, and the
 * load balancer's health-check path.
 */
import { CdkRustError } from '../errors';
import { AssemblyStack, environmentVariables, listAssemblyStacks } from '../invoke/assembly';
import { assetImageTag, tarballImageAssets } from '../invoke/assembly-images';

/**
 * A container service of a cloud assembly.
 *
 * @jsii ignore Node.js only (other languages use the `cdk-rust` CLI).
 */
export interface AssemblyService {
  /** The stack's CloudFormation name. */
  readonly stackName: string;
  /** The construct path of the service (the task definition's path without `/Task`), or the task's logical id. */
  readonly name: string;
  /** The task definition's logical id. */
  readonly taskLogicalId: string;
  /** The real path of the assembly directory the stack is in (where the load command runs). */
  readonly assemblyDir: string;
  /** The command CDK publishes the image with (`sh -c "docker load ..."`), which prints the loaded image's name. */
  readonly loadCommand: string[];
  /** The tag the template gives the container's image: the tarball asset's hash (64 hex digits). */
  readonly imageTag: string;
  /** The container port. */
  readonly port: number;
  /** The path the load balancer checks; `/` when no target group names one. */
  readonly healthCheckPath: string;
  /** The container's environment variables whose values are known before deployment. */
  readonly environment: Record<string, string>;
  /** Variables (and secrets) whose values only exist once deployed. */
  readonly unresolvedVariables: string[];
  /** Whether the task runs an init process as PID 1 (`LinuxParameters.InitProcessEnabled`), as RustService's does. */
  readonly initProcessEnabled: boolean;
  /** Seconds between SIGTERM and SIGKILL when the task stops (`StopTimeout`, ECS's 30 when not set). */
  readonly stopTimeoutSeconds: number;
}

/** The container services (task definitions with a tarball image asset) of the assembly in `assemblyDir`. */
export function listAssemblyServices(assemblyDir: string): AssemblyService[] {
  // The asset manifests of an assembly directory serve all of its stacks: read them once per directory.
  const imagesByDir = new Map<string, Map<string, string[]>>();
  return listAssemblyStacks(assemblyDir).flatMap((stack) => {
    let images = imagesByDir.get(stack.dir);
    if (images === undefined) {
      images = tarballImageAssets(stack);
      imagesByDir.set(stack.dir, images);
    }
    return stackServices(stack, images);
  });
}

/** The service that `selector` (a construct path, or a task definition's logical id) names. */
export function findAssemblyService(assemblyDir: string, selector: string): AssemblyService {
  const services = listAssemblyServices(assemblyDir);
  const wanted = selector.replace(/^\/+|\/+$/g, '');
  const matches = services.filter((s) => s.name === wanted || s.taskLogicalId === wanted || s.name.startsWith(`${wanted}/`));
  if (matches.length === 1) return matches[0];
  const list = (found: AssemblyService[]) =>
    found.map((s) => `  ${s.name}  (task definition ${s.taskLogicalId} in stack ${s.stackName})`).join('\n');
  throw new CdkRustError(
    'SERVICE_NOT_FOUND',
    matches.length === 0
      ? `no container service in ${assemblyDir} matches "${selector}". The services are:\n${list(services) || '  (none)'}`
      : `"${selector}" matches several services in ${assemblyDir}:\n${list(matches)}`,
    'name one by its construct path (e.g. MyStack/Service) or its task definition logical id.',
  );
}

function stackServices(stack: AssemblyStack, images: Map<string, string[]>): AssemblyService[] {
  const resources = Object.entries<any>(stack.template.Resources ?? {});
  const services: AssemblyService[] = [];
  for (const [logicalId, resource] of resources) {
    if (resource?.Type !== 'AWS::ECS::TaskDefinition') continue;
    const container = (resource.Properties?.ContainerDefinitions ?? [])[0];
    const hash = assetImageTag(container?.Image);
    const asset = hash ? images.get(hash) : undefined;
    if (!container || !hash || !asset) continue;
    const taskPath = stack.constructPathOf(logicalId);
    const name = taskPath?.replace(/\/Task$/, '') ?? logicalId;
    const port = Number(container.PortMappings?.[0]?.ContainerPort);
    const variables = Object.fromEntries(
      (Array.isArray(container.Environment) ? container.Environment : []).map((e: any) => [String(e.Name), e.Value]),
    );
    const { environment, unresolved } = environmentVariables(variables, { account: stack.account, region: stack.region });
    const secrets = (Array.isArray(container.Secrets) ? container.Secrets : []).map((s: any) => String(s.Name));
    services.push({
      stackName: stack.stackName,
      name,
      taskLogicalId: logicalId,
      assemblyDir: stack.dir,
      loadCommand: asset,
      imageTag: hash,
      port: Number.isInteger(port) && port > 0 ? port : 8080,
      healthCheckPath: healthCheckPathOf(stack, resources, name),
      environment,
      unresolvedVariables: [...unresolved, ...secrets],
      initProcessEnabled: container.LinuxParameters?.InitProcessEnabled === true,
      stopTimeoutSeconds: stopTimeoutOf(container.StopTimeout),
    });
  }
  return services;
}

/** The stop timeout ECS applies: the container's `StopTimeout` when it is one Fargate accepts (2-120 s), else 30. */
function stopTimeoutOf(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 2 && value <= 120 ? value : 30;
}

/** The health-check path of the target group under the service's construct path, `/` when there is none. */
function healthCheckPathOf(stack: AssemblyStack, resources: Array<[string, any]>, serviceName: string): string {
  for (const [logicalId, resource] of resources) {
    if (resource?.Type !== 'AWS::ElasticLoadBalancingV2::TargetGroup') continue;
    const where = stack.constructPathOf(logicalId);
    if (where?.startsWith(`${serviceName}/`) && typeof resource.Properties?.HealthCheckPath === 'string') {
      return resource.Properties.HealthCheckPath;
    }
  }
  return '/';
}
