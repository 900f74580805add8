/**
 * RustService: a Cargo project as an ECS Fargate service behind an Application Load Balancer, with the defaults
 * that keep deployments safe and the service least-privileged.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ServiceAlarms } from '../alarm/service-alarms';
import { ServiceAlarmsOptions, anyServiceAlarmEnabled, resolveServiceAlarmsOptions } from '../alarm/service-alarms-options';
import { ArtifactFile } from '../bundling/artifact-file';
import { RustBundlingOptions } from '../bundling/rust-bundling-options';
import { CdkRustError } from '../errors';
import { scopesGranularAcknowledgements } from '../private/aws-cdk-lib-version';
import { configureAccessLogs } from './access-log-bucket';
import { checkFargateSize } from './fargate-size';
import { checkPort } from './image-spec';
import { RustServiceImage, ServiceHealthCheck } from './rust-service-image';
import { addServiceContainer, CONTAINER_NAME } from './service-container';
import { addServiceListener } from './service-listener';
import { serviceTaskRole } from './task-role';

/** How a RustService scales its task count. */
export interface RustServiceAutoScaling {
  /**
   * The fewest tasks.
   *
   * @default - the service's `desiredCount`
   */
  readonly minCapacity?: number;

  /** The most tasks. */
  readonly maxCapacity: number;

  /**
   * The average CPU utilization, in percent, that scaling keeps the service at.
   *
   * @default 70
   */
  readonly targetCpuUtilization?: number;

  /**
   * The requests per target per minute that scaling keeps the service at, on top of CPU.
   *
   * @default - no request-count scaling
   */
  readonly requestsPerTarget?: number;
}

/** Properties of a {@link RustService}. */
export interface RustServiceProps {
  /** Path of the Cargo.toml of the package to build, or of its workspace. */
  readonly manifestPath: string;

  /**
   * The bin target to run.
   *
   * @default - the package's only bin; required when the package (or workspace root) has several
   */
  readonly binaryName?: string;

  /**
   * How the binary is built: the same options as RustFunction's. The image is always built in Docker, for the
   * architecture's musl target (a glibc target is refused: the image has no loader).
   *
   * @default - a static musl release build
   */
  readonly bundling?: RustBundlingOptions;

  /**
   * The CPU architecture of the binary and of the tasks (the task definition's runtime platform).
   *
   * @default ecs.CpuArchitecture.X86_64
   */
  readonly architecture?: ecs.CpuArchitecture;

  /**
   * The VPC to run in. The tasks go to its private subnets (with egress), the load balancer to its public ones
   * (or private ones, when internal).
   *
   * @default - a new VPC over two availability zones with one NAT gateway and flow logs
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The ECS cluster to run in. It must be in `vpc` when both are given.
   *
   * @default - a new cluster in the VPC, with Container Insights
   */
  readonly cluster?: ecs.ICluster;

  /**
   * Whether the load balancer faces the internet; internal load balancers accept traffic from the VPC only.
   *
   * @default true
   */
  readonly publicLoadBalancer?: boolean;

  /**
   * A certificate for HTTPS. With one, the load balancer serves HTTPS on 443 (TLS 1.2 or later) and redirects
   * HTTP on 80 to it; without one, it serves HTTP on 80, and a public load balancer gets a synth warning
   * (`cdk-rust:plainHttpListener`).
   *
   * @default - HTTP only
   */
  readonly certificate?: acm.ICertificate;

  /**
   * The port the service listens on. RustService sets the `PORT` environment variable to it.
   *
   * @default 8080
   */
  readonly port?: number;

  /**
   * The path the load balancer checks; a 2xx answer means healthy. Must start with `/`.
   *
   * @default '/health'
   */
  readonly healthCheckPath?: string;

  /**
   * CPU units per task (1024 is one vCPU): one of Fargate's sizes, 256 to 16384.
   *
   * @default 256
   */
  readonly cpu?: number;

  /**
   * Memory per task, in MiB: a size Fargate runs with `cpu`.
   *
   * @default 512
   */
  readonly memoryLimitMiB?: number;

  /**
   * How many tasks run (the starting count, when `autoScaling` is set).
   *
   * @default 2
   */
  readonly desiredCount?: number;

  /**
   * Target-tracking scaling on CPU and, optionally, requests per target.
   *
   * @default - no scaling: `desiredCount` tasks
   */
  readonly autoScaling?: RustServiceAutoScaling;

  /**
   * Environment variables of the container (besides `PORT`). Values are stored in the task definition: use
   * `secrets` for anything secret.
   *
   * @default - only PORT
   */
  readonly environment?: Record<string, string>;

  /**
   * Secrets passed to the container as environment variables, from Secrets Manager or SSM parameters; the
   * execution role gets read access to exactly these.
   *
   * @default - none
   */
  readonly secrets?: Record<string, ecs.Secret>;

  /**
   * Whether the image holds time-zone data (see RustServiceImageProps.timeZones).
   *
   * @default false
   */
  readonly timeZones?: boolean;

  /**
   * Project files and directories to place in the image, relative to `workingDirectory` unless absolute (see
   * RustServiceImageProps.files): `[{ source: 'configuration' }]` for a service that reads
   * `configuration/base.yaml` at start.
   *
   * @default - none
   */
  readonly files?: ArtifactFile[];

  /**
   * The directory the service starts in (see RustServiceImageProps.workingDirectory).
   *
   * @default '/app'
   */
  readonly workingDirectory?: string;

  /**
   * The container's own health check, recorded in the image and in the task definition. The image has no shell
   * or curl: the check runs cdk-rust's health probe (`/cdk-rust/healthcheck`, requesting `path` on 127.0.0.1), or
   * with `args` the service binary. `{ enabled: false }` turns it off (the load balancer's check still runs).
   *
   * @default - the health probe requesting `healthCheckPath`, every 30 s, 5 s to answer, 3 retries
   */
  readonly containerHealthCheck?: ServiceHealthCheck;

  /**
   * The service's alarms: the load balancer's 5xx rate, unhealthy targets, CPU and memory (see ServiceAlarms).
   * Each can be tuned, or turned off with `enabled: false`; with all four off there are no alarms.
   *
   * @default - all four, with ServiceAlarms' defaults, notifying `alarmTopic`
   */
  readonly alarms?: ServiceAlarmsOptions;

  /**
   * The topic the alarms notify.
   *
   * @default - the stack's shared, encrypted AlarmTopic (the one RustFunction's alarms use)
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * How long the service's log group keeps logs.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logGroupRetention?: logs.RetentionDays;

  /**
   * What happens to the log group when the stack deletes it.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly logGroupRemovalPolicy?: RemovalPolicy;
}

/** Defaults of RustService, also in the README's table of defaults and why. */
const DEFAULTS = {
  port: 8080,
  healthCheckPath: '/health',
  cpu: 256,
  memoryLimitMiB: 512,
  desiredCount: 2,
  targetCpuUtilization: 70,
  healthCheckGracePeriod: Duration.seconds(60),
  deregistrationDelay: Duration.seconds(15),
} as const;

/**
 * A Rust HTTP service on ECS Fargate behind an Application Load Balancer, built from a Cargo project.
 *
 * The image holds only the static binary, CA certificates and the non-root user it runs as (see
 * {@link RustServiceImage}). Defaults: two tasks of 0.25 vCPU and 512 MiB in private subnets; the deployment
 * circuit breaker with rollback; 100% minimum healthy during deployments; a 60 s health-check grace period; a
 * 15 s deregistration delay; a read-only root filesystem with a writable `/tmp`; its own log group (one month);
 * a task role with no permissions that ECS assumes only for the stack's account and region; an execution role
 * limited to pulling its image, writing its logs and reading its secrets; load-balancer access logs in an
 * encrypted bucket only this account's deliveries can write; alarms on the 5xx rate, unhealthy targets, CPU and
 * memory, notifying the stack's encrypted AlarmTopic. A public load balancer without `certificate` serves plain
 * HTTP, with a synth warning.
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

  /** The service's alarms, unless all four are turned off. */
  public readonly alarms?: ServiceAlarms;

  /**
   * @param scope the construct to create the service in
   * @param id the construct id, unique within `scope`
   * @param props the Cargo project, its build, and the service's settings
   */
  constructor(scope: Construct, id: string, props: RustServiceProps) {
    super(scope, id);
    const settings = validateProps(props, this.node.path);

    const vpc = props.vpc ?? props.cluster?.vpc ?? defaultVpc(this);
    this.cluster = props.cluster ?? new ecs.Cluster(this, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });

    this.image = new RustServiceImage(this, 'Image', {
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

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logGroupRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logGroupRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      taskRole: serviceTaskRole(this),
      cpu: settings.cpu,
      memoryLimitMiB: settings.memoryLimitMiB,
      runtimePlatform: {
        cpuArchitecture: props.architecture ?? ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    this.container = addServiceContainer(this, this.taskDefinition, {
      image: this.image,
      port: settings.port,
      environment: props.environment,
      secrets: props.secrets,
      logGroup: this.logGroup,
      healthCheck: props.containerHealthCheck,
    });

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: settings.desiredCount,
      circuitBreaker: { rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      healthCheckGracePeriod: DEFAULTS.healthCheckGracePeriod,
      assignPublicIp: false,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });

    const publicLoadBalancer = props.publicLoadBalancer ?? true;
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: publicLoadBalancer,
      dropInvalidHeaderFields: true,
      vpcSubnets: { subnetType: publicLoadBalancer ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
    configureAccessLogs(this, this.loadBalancer);
    this.listener = addServiceListener(this, { loadBalancer: this.loadBalancer, vpc, publicLoadBalancer, certificate: props.certificate });

    this.targetGroup = this.listener.addTargets('Service', {
      port: settings.port,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.service.loadBalancerTarget({ containerName: CONTAINER_NAME, containerPort: settings.port })],
      deregistrationDelay: DEFAULTS.deregistrationDelay,
      healthCheck: {
        path: settings.healthCheckPath,
        healthyHttpCodes: '200-299',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });

    if (props.autoScaling) {
      const scaling = this.service.autoScaleTaskCount({
        minCapacity: props.autoScaling.minCapacity ?? settings.desiredCount,
        maxCapacity: props.autoScaling.maxCapacity,
      });
      scaling.scaleOnCpuUtilization('Cpu', {
        targetUtilizationPercent: props.autoScaling.targetCpuUtilization ?? DEFAULTS.targetCpuUtilization,
      });
      if (props.autoScaling.requestsPerTarget !== undefined) {
        scaling.scaleOnRequestCount('Requests', { requestsPerTarget: props.autoScaling.requestsPerTarget, targetGroup: this.targetGroup });
      }
    }

    if (settings.alarmsOn) {
      this.alarms = new ServiceAlarms(this, 'Alarms', {
        ...props.alarms,
        service: this.service,
        loadBalancer: this.loadBalancer,
        targetGroup: this.targetGroup,
        topic: props.alarmTopic,
      });
    }

    this.url = `${props.certificate ? 'https' : 'http'}://${this.loadBalancer.loadBalancerDnsName}`;
    acknowledgeFindings(this, publicLoadBalancer);
  }
}

/** The checked settings, defaults filled in. */
interface Settings {
  readonly port: number;
  readonly healthCheckPath: string;
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  readonly desiredCount: number;
  /** Whether any of the four alarms is on. */
  readonly alarmsOn: boolean;
}

function validateProps(props: RustServiceProps, constructPath: string): Settings {
  const settings: Settings = {
    port: props.port ?? DEFAULTS.port,
    healthCheckPath: props.healthCheckPath ?? DEFAULTS.healthCheckPath,
    cpu: props.cpu ?? DEFAULTS.cpu,
    memoryLimitMiB: props.memoryLimitMiB ?? DEFAULTS.memoryLimitMiB,
    desiredCount: props.desiredCount ?? DEFAULTS.desiredCount,
    alarmsOn: anyServiceAlarmEnabled(props.alarms),
  };
  try {
    checkPort(settings.port);
    if (!/^\/[\x21-\x7e]{0,1023}$/.test(settings.healthCheckPath)) {
      throw new CdkRustError(
        'INVALID_PROP',
        `healthCheckPath: ${JSON.stringify(settings.healthCheckPath)} is not a URL path the load balancer can request.`,
        `start it with "/", without spaces, as "/health".`,
      );
    }
    checkFargateSize(settings.cpu, settings.memoryLimitMiB);
    if (!Number.isInteger(settings.desiredCount) || settings.desiredCount < 0) {
      throw new CdkRustError(
        'INVALID_PROP',
        `desiredCount: ${settings.desiredCount} is not a task count.`,
        'use a whole number, 0 or more.',
      );
    }
    if (props.autoScaling) checkAutoScaling(props.autoScaling, settings.desiredCount);
    if (props.environment && 'PORT' in props.environment) {
      throw new CdkRustError(
        'INVALID_PROP',
        'environment.PORT is set, but RustService sets PORT to the port prop.',
        'set port instead (the load balancer and the container use it too).',
      );
    }
    if (settings.alarmsOn) {
      // Checked here, before the build, with the names the user wrote (alarms.cpu.threshold).
      resolveServiceAlarmsOptions(props.alarms ?? {}, props.alarmTopic, {
        constructPath,
        optionPrefix: 'alarms.',
        topicProp: 'alarmTopic',
      });
    } else if (props.alarmTopic) {
      throw new CdkRustError(
        'INVALID_PROP',
        'alarmTopic is set, but every alarm in alarms is turned off, so nothing would notify it.',
        'leave an alarm on, or leave alarmTopic out.',
      );
    }
    if (props.cluster && props.vpc && props.cluster.vpc !== props.vpc) {
      throw new CdkRustError(
        'INVALID_PROP',
        'cluster is in another VPC than vpc.',
        "pass the cluster's VPC as vpc, or leave vpc out (the cluster's is used).",
      );
    }
  } catch (error) {
    throw CdkRustError.inConstruct(error, constructPath);
  }
  return settings;
}

function checkAutoScaling(scaling: RustServiceAutoScaling, desiredCount: number): void {
  const min = scaling.minCapacity ?? desiredCount;
  if (!Number.isInteger(min) || min < 0) {
    throw new CdkRustError('INVALID_PROP', `autoScaling.minCapacity: ${min} is not a task count.`, 'use a whole number, 0 or more.');
  }
  if (!Number.isInteger(scaling.maxCapacity) || scaling.maxCapacity < Math.max(min, 1)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `autoScaling.maxCapacity: ${scaling.maxCapacity} is below autoScaling.minCapacity (${min}).`,
      'use a whole number at least minCapacity (and at least 1).',
    );
  }
  const cpu = scaling.targetCpuUtilization ?? DEFAULTS.targetCpuUtilization;
  if (!(cpu > 0 && cpu <= 100)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `autoScaling.targetCpuUtilization: ${cpu} is not a percentage.`,
      'use a number above 0, up to 100.',
    );
  }
  if (scaling.requestsPerTarget !== undefined && !(Number.isInteger(scaling.requestsPerTarget) && scaling.requestsPerTarget > 0)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `autoScaling.requestsPerTarget: ${scaling.requestsPerTarget} is not a request count.`,
      'use a whole number of requests per target per minute, 1 or more.',
    );
  }
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
