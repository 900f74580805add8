/**
 * RustService: a Cargo project as an ECS Fargate service behind an Application Load Balancer, with the defaults
 * that keep deployments safe and the service least-privileged. Its steps live beside it: the props
 * (rust-service-props.ts) and their checks (service-settings.ts), the task (service-task.ts), the load balancer
 * (service-load-balancer.ts), and the scaling and alarms wiring here.
 */
import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ServiceAlarms } from '../alarm/service-alarms';
import { scopesGranularAcknowledgements } from '../private/aws-cdk-lib-version';
import { RustServiceProps } from './rust-service-props';
import { RustServiceImage } from './rust-service-image';
import { addServiceLoadBalancer } from './service-load-balancer';
import { DEFAULTS, ServiceSettings, resolveServiceSettings } from './service-settings';
import { addServiceTask } from './service-task';

export type { RustServiceAutoScaling, RustServiceProps } from './rust-service-props';

/**
 * A Rust HTTP service on ECS Fargate behind an Application Load Balancer, built from a Cargo project.
 *
 * The image holds only the static binary, CA certificates and the non-root user it runs as (see
 * {@link RustServiceImage}). Defaults: two tasks of 0.25 vCPU and 512 MiB in private subnets; the deployment
 * circuit breaker with rollback; 100% minimum healthy during deployments; a 60 s health-check grace period; a
 * 15 s deregistration delay; a read-only root filesystem with a writable `/tmp`; its own log group (one month);
 * a task role with no permissions that ECS assumes only for the stack's account and region; an execution role
 * limited to pulling its image, writing its logs and reading its secrets; load-balancer access logs in an
 * encrypted bucket only this account's deliveries can write; alarms on the 5xx rate, p99 response time, unhealthy
 * targets, CPU and memory, notifying the stack's encrypted AlarmTopic. A public load balancer without `certificate`
 * serves plain HTTP, with a synth warning.
 */
export class RustService extends Construct {
  /** The Fargate service. */
  public readonly service: ecs.FargateService;

  /** The task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;

  /** The service's container. */
  public readonly container: ecs.ContainerDefinition;

  /** The image the container runs. */
  public readonly image: RustServiceImage;

  /** The load balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;

  /** The listener that forwards to the service (HTTPS on 443 with a certificate, HTTP on 80 otherwise). */
  public readonly listener: elbv2.ApplicationListener;

  /** The target group of the service's tasks. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  /** The cluster the service runs in. */
  public readonly cluster: ecs.ICluster;

  /** The log group of the container. */
  public readonly logGroup: logs.LogGroup;

  /** The URL of the load balancer: `https://<dns>` with a certificate, `http://<dns>` otherwise. */
  public readonly url: string;

  /** The service's alarms, unless all five are turned off. */
  public readonly alarms?: ServiceAlarms;

  /**
   * @param scope the construct to create the service in
   * @param id the construct id, unique within `scope`
   * @param props the Cargo project, its build, and the service's settings
   */
  constructor(scope: Construct, id: string, props: RustServiceProps) {
    super(scope, id);
    const settings = resolveServiceSettings(props, this.node.path);
    const vpc = props.vpc ?? props.cluster?.vpc ?? defaultVpc(this);
    this.cluster = props.cluster ?? new ecs.Cluster(this, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    const task = addServiceTask(this, props, settings);
    this.image = task.image;
    this.logGroup = task.logGroup;
    this.taskDefinition = task.taskDefinition;
    this.container = task.container;
    this.service = fargateService(this, this.cluster, this.taskDefinition, settings);
    const publicLoadBalancer = props.publicLoadBalancer ?? true;
    const front = addServiceLoadBalancer(this, {
      vpc,
      service: this.service,
      settings,
      publicLoadBalancer,
      certificate: props.certificate,
    });
    this.loadBalancer = front.loadBalancer;
    this.listener = front.listener;
    this.targetGroup = front.targetGroup;
    if (props.autoScaling) addAutoScaling(this, props, settings);
    if (settings.alarmsOn) this.alarms = serviceAlarms(this, props);
    this.url = `${props.certificate ? 'https' : 'http'}://${this.loadBalancer.loadBalancerDnsName}`;
    acknowledgeFindings(this, publicLoadBalancer);
  }
}

/** The Fargate service: rolled back by the circuit breaker, 100% healthy during deployments, in private subnets. */
function fargateService(
  scope: Construct,
  cluster: ecs.ICluster,
  taskDefinition: ecs.FargateTaskDefinition,
  settings: ServiceSettings,
): ecs.FargateService {
  return new ecs.FargateService(scope, 'Service', {
    cluster,
    taskDefinition,
    desiredCount: settings.desiredCount,
    circuitBreaker: { rollback: true },
    minHealthyPercent: 100,
    maxHealthyPercent: 200,
    healthCheckGracePeriod: DEFAULTS.healthCheckGracePeriod,
    assignPublicIp: false,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
  });
}

/** `autoScaling`: the task count follows CPU, and requests per target when asked. */
function addAutoScaling(service: RustService, props: RustServiceProps, settings: ServiceSettings): void {
  const options = props.autoScaling!;
  const scaling = service.service.autoScaleTaskCount({
    minCapacity: options.minCapacity ?? settings.desiredCount,
    maxCapacity: options.maxCapacity,
  });
  scaling.scaleOnCpuUtilization('Cpu', {
    targetUtilizationPercent: options.targetCpuUtilization ?? DEFAULTS.targetCpuUtilization,
  });
  if (options.requestsPerTarget !== undefined) {
    scaling.scaleOnRequestCount('Requests', { requestsPerTarget: options.requestsPerTarget, targetGroup: service.targetGroup });
  }
}

/** The service's alarms (`alarms`), notifying `alarmTopic` or the stack's AlarmTopic. */
function serviceAlarms(service: RustService, props: RustServiceProps): ServiceAlarms {
  return new ServiceAlarms(service, 'Alarms', {
    ...props.alarms,
    service: service.service,
    loadBalancer: service.loadBalancer,
    targetGroup: service.targetGroup,
    topic: props.alarmTopic,
  });
}

/** A VPC over two availability zones: public subnets for the load balancer, private ones (one NAT) for tasks. */
function defaultVpc(scope: Construct): ec2.Vpc {
  return new ec2.Vpc(scope, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    flowLogs: { FlowLogs: { trafficType: ec2.FlowLogTrafficType.REJECT } },
  });
}

/** The cdk-nag findings RustService leaves by design, each where it applies. */
function acknowledgeFindings(service: RustService, publicLoadBalancer: boolean): void {
  Validations.of(service.loadBalancer).acknowledge({
    id: 'AwsSolutions-EC23',
    reason: publicLoadBalancer
      ? 'A public load balancer accepts connections from the internet by design (publicLoadBalancer: false restricts it to the VPC).'
      : "An internal load balancer accepts connections from the VPC's CIDR only, which cdk-nag cannot read from the token.",
  });
  // ECR's GetAuthorizationToken has no resource-level permissions, so pulling the image needs it on `*`; the
  // execution role holds nothing else unscoped. Before aws-cdk-lib 2.269 this acknowledgement would apply to the
  // whole app, so there the finding is left for the user to see.
  const executionRole = service.taskDefinition.executionRole;
  if (executionRole && scopesGranularAcknowledgements()) {
    Validations.of(executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "ecr:GetAuthorizationToken supports no resource-level permissions; the execution role's other statements name " +
        'its image repository, log group and secrets.',
    });
  }
  Validations.of(service.taskDefinition).acknowledge({
    id: 'AwsSolutions-ECS2',
    reason: 'PORT and the environment prop are configuration, not secrets; secrets go through the secrets prop.',
  });
}
