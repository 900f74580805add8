/**
 * The props of RustService: the Cargo project and its build, and the service's settings.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ServiceAlarmsOptions } from '../alarm/service-alarms-options';
import { ArtifactFile } from '../bundling/artifact-file';
import { RustBundlingOptions } from '../bundling/rust-bundling-options';
import { ServiceHealthCheck } from './service-health-check';

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
   * The service's alarms: the load balancer's 5xx rate, the p99 response time (`responseTime`), unhealthy targets,
   * CPU and memory (see ServiceAlarms). Each can be tuned, or turned off with `enabled: false`; with all five off
   * there are no alarms.
   *
   * @default - all five, with ServiceAlarms' defaults, notifying `alarmTopic`
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
