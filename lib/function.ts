/**
 * RustFunction: a Lambda function built from a Cargo project, with its own least-privilege role, its
 * own log group and alarms on its error rate, its duration and its throttles.
 */
import * as path from 'path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { DurationAlarm, DurationAlarmOptions, ErrorRateAlarm, ErrorRateAlarmOptions, ThrottlesAlarm, ThrottlesAlarmOptions } from './alarm';
import { validateAlarmProps, validateProps } from './function-checks';
import {
  acknowledgeNoDeadLetterTarget,
  defaultLogGroup,
  defaultLogging,
  defaultRole,
  durationAlarmOf,
  errorRateAlarmOf,
  throttlesAlarmOf,
} from './function-defaults';
import { scopesGranularAcknowledgements } from './private/aws-cdk-lib-version';
import { ArtifactFile } from './bundling/artifact-file';
import { RustBundlingOptions } from './bundling/rust-bundling-options';
import { RustExtension, checkExtensionArchitectures } from './extension/rust-extension';
import { RustFunctionUrlOptions, resolveFunctionUrlOptions } from './function-url';
import { FunctionPackaging } from './function-packaging';
import { packagedCode } from './image-function/packaged-code';
import { checkPackaging, refuseExtensionOnImage } from './image-function/packaging-checks';
import { attachCapacityProvider } from './managed-instances/attach-capacity-provider';
import { checkManagedInstances, managedInstancesMemory } from './managed-instances/managed-instances-checks';
import { ManagedInstancesOptions } from './managed-instances/managed-instances-options';
import { runtimeConcurrency } from './managed-instances/runtime-concurrency';
import { recordBuild } from './watch/build-record';

/** The memory RustFunction gives a function unless told otherwise, in MiB. */
export const DEFAULT_MEMORY_SIZE = 256;
/** The timeout RustFunction gives a function unless told otherwise. */
export const DEFAULT_TIMEOUT = Duration.seconds(10);

/** Properties of a {@link RustFunction}: every ordinary Lambda option, plus where the Rust code is. */
export interface RustFunctionProps extends lambda.FunctionOptions {
  /**
   * Path of the Cargo.toml of the package to build, or of its workspace.
   *
   * The whole workspace is the build's input; `target/` is never read.
   */
  readonly manifestPath: string;

  /**
   * The bin target to run.
   *
   * @default - the package's only bin; required when the package (or workspace root) has several
   */
  readonly binaryName?: string;

  /**
   * The Lambda runtime: an OS-only runtime of the `provided` family.
   *
   * @default lambda.Runtime.PROVIDED_AL2023
   */
  readonly runtime?: lambda.Runtime;

  /**
   * How the binary is built.
   *
   * @default - a static musl build for the function's architecture, in Docker with BuildKit
   */
  readonly bundling?: RustBundlingOptions;

  /**
   * Project files and directories shipped in the zip beside `bootstrap`, such as configuration or templates.
   *
   * They land in the function's working directory, `/var/task` (`{ source: 'configuration' }` is read as
   * `configuration/base.yaml` relative to it), and `cdk-rust invoke` and `watch` run the function with the same
   * files beside it. Links, files outside the workspace and credentials are refused; contents are part of the
   * asset hash. See {@link ArtifactFile}.
   *
   * @default - only `bootstrap`
   */
  readonly files?: ArtifactFile[];

  /**
   * Lambda extensions built by cdk-rust, added as layers after `layers`.
   *
   * Each must be built for the function's architecture: a mismatch is an error at synth time.
   *
   * @default - none
   */
  readonly extensions?: RustExtension[];

  /**
   * The error-rate alarm's options; `{ enabled: false }` for no alarm.
   *
   * `{ enabled: false }` creates no alarm and no topic, and the other options are ignored, as with the alarms of a
   * RustService. `false` also turns the alarm off, but is deprecated: use `{ enabled: false }` (synthesis warns,
   * with the id `cdk-rust:error-rate-alarm-false`). `true` is refused with an error (in Python, where this prop is
   * typed `bool | ErrorRateAlarmOptions`, `True` would otherwise look meaningful): leave the prop out for the
   * default alarm. With every alarm of the function off, `alarmTopic` is refused, since nothing would notify it.
   *
   * @default - an alarm when more than 5% of invocations fail over 5 minutes, notifying `alarmTopic`
   */
  readonly errorRateAlarm?: ErrorRateAlarmOptions | false;

  /**
   * The duration alarm's options (p99 duration near the timeout); `{ enabled: false }` for no alarm.
   *
   * `threshold` is a percentage of the function's `timeout`. `{ enabled: false }` creates no alarm, and the other
   * options are ignored. See DurationAlarm.
   *
   * @default - an alarm when the p99 duration is above 80% of the timeout for 15 minutes (3 periods of 5 minutes),
   * notifying `alarmTopic`
   */
  readonly durationAlarm?: DurationAlarmOptions;

  /**
   * The throttles alarm's options (requests Lambda rejects for lack of concurrency); `{ enabled: false }` for no
   * alarm.
   *
   * `{ enabled: false }` creates no alarm, and the other options are ignored. See ThrottlesAlarm.
   *
   * @default - an alarm when more than 1% of the requests of one 5-minute window are throttled, notifying
   * `alarmTopic`
   */
  readonly throttlesAlarm?: ThrottlesAlarmOptions;

  /**
   * The topic the function's alarms (error rate, duration, throttles) notify.
   *
   * @default - one topic per stack, shared by every alarm in it, encrypted with a customer-managed KMS key
   * that CloudWatch may use (see `AlarmTopic`)
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * A function URL: an HTTPS endpoint that invokes the function, `AWS_IAM`-authenticated unless told otherwise.
   *
   * Set `invokeMode: lambda.InvokeMode.RESPONSE_STREAM` for a function that streams its response.
   *
   * @default - no function URL
   */
  readonly functionUrl?: RustFunctionUrlOptions;

  /**
   * How long the function's log group keeps logs. Only for the log group RustFunction creates.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logGroupRetention?: logs.RetentionDays;

  /**
   * What happens to the function's log group when it leaves the stack. Only for the log group
   * RustFunction creates.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly logGroupRemovalPolicy?: RemovalPolicy;

  /**
   * Runs the function on Lambda Managed Instances: a capacity provider's EC2 instances, where one execution
   * environment serves several invocations at once (`perExecutionEnvironmentMaxConcurrency`).
   *
   * Checked at synth time: the crate's lambda_runtime must have its `concurrency-tokio` feature (the handler then
   * starts with `run_concurrent`) unless `perExecutionEnvironmentMaxConcurrency` is 1; `memorySize` must be 2048 to
   * 32768 MiB and a whole number of vCPUs at `executionEnvironmentMemoryGiBPerVCpu`; `architecture` must be the
   * provider's; `vpc`, `snapStart` and provisioned concurrency are refused. The role, the log group and the
   * alarms stay as they are. Pricing and isolation change: see docs/functions.md.
   *
   * @default - no capacity provider: ordinary Lambda, one invocation per execution environment
   */
  readonly managedInstances?: ManagedInstancesOptions;

  /**
   * How the binary is shipped: a zip holding `bootstrap` on `provided.al2023`, or a container image.
   *
   * `FunctionPackaging.IMAGE` puts the same static binary into an image that cdk-rust writes itself (no Dockerfile,
   * no base image pulled, the same sources give the same image digest), published as a TarballImageAsset: the binary
   * is the entrypoint at `/var/task/bootstrap`, the working directory is `/var/task`, `files` go under it as they go
   * into the zip, with the CA bundle and a non-root user (65532; Lambda runs it as its own non-root user). It is a
   * prop rather than a construct of its own so that an image function keeps every RustFunction default: its role,
   * log group, alarms, function URL, tracing and capacity provider. With an image, `layers`, `extensions`,
   * `runtime` and a glibc `bundling.target` are refused at synth time: Lambda gives image functions no layers, and
   * the image holds no libc. Choose it for pipelines that scan and sign images or code over the zip's 250 MB; the
   * zip starts faster (see docs/functions.md).
   *
   * @default FunctionPackaging.ZIP
   */
  readonly packaging?: FunctionPackaging;
}

/**
 * A Lambda function whose code is a Rust binary built from a Cargo project.
 *
 * Defaults: `provided.al2023` with handler `bootstrap`, a static musl binary for the function's
 * architecture, 256 MiB and 10 s, `RUST_BACKTRACE=1`, JSON logs at INFO, active X-Ray tracing, its own
 * role without AWS-managed policies, its own log group (one month), and alarms on its error rate, its p99
 * duration (near the timeout) and its throttles.
 */
export class RustFunction extends lambda.Function {
  /** The memory size, in MiB, of a RustFunction that does not set `memorySize`. */
  public static readonly DEFAULT_MEMORY_SIZE: number = DEFAULT_MEMORY_SIZE;

  /** The timeout of a RustFunction that does not set `timeout`. */
  public static readonly DEFAULT_TIMEOUT: Duration = DEFAULT_TIMEOUT;

  /** The function's log group: the one given as `logGroup`, or the one RustFunction created. */
  public readonly functionLogGroup: logs.ILogGroupRef;

  /** The error-rate alarm, unless it is turned off (`errorRateAlarm: { enabled: false }`). */
  public readonly errorRateAlarm?: ErrorRateAlarm;

  /** The duration alarm, unless it is turned off (`durationAlarm: { enabled: false }`). */
  public readonly durationAlarm?: DurationAlarm;

  /** The throttles alarm, unless it is turned off (`throttlesAlarm: { enabled: false }`). */
  public readonly throttlesAlarm?: ThrottlesAlarm;

  /** The function URL, when `functionUrl` is set; its `url` attribute is the endpoint. */
  public readonly functionUrl?: lambda.FunctionUrl;

  /**
   * @param scope the construct to create the function, built from the Cargo project at `props.manifestPath` in
   * @param id the construct id, unique within `scope`
   * @param props the Cargo project, its build, and the function's settings
   */
  constructor(scope: Construct, id: string, props: RustFunctionProps) {
    const runtime = props.runtime ?? lambda.Runtime.PROVIDED_AL2023;
    const constructPath = scope.node.path ? `${scope.node.path}/${id}` : id;
    checkPackaging(props, constructPath);
    validateProps(props, runtime);
    validateAlarmProps(props, constructPath, props.timeout ?? DEFAULT_TIMEOUT);
    checkManagedInstances(props, constructPath);
    const urlOptions = props.functionUrl ? resolveFunctionUrlOptions(props.functionUrl, props.vpc !== undefined, constructPath) : undefined;
    const architecture = props.architecture ?? lambda.Architecture.X86_64;
    const extensions = props.extensions ?? [];
    checkExtensionArchitectures(extensions, architecture, constructPath);

    // The role and the log group are made before the function (`super` needs them), beside it in the scope.
    const role = props.role ?? defaultRole(scope, id);
    const logGroup = props.logGroup ?? defaultLogGroup(scope, id, props);
    const tracing = props.tracing ?? lambda.Tracing.ACTIVE;
    const bundled = packagedCode(
      props.packaging,
      runtime,
      { ...props.bundling, manifestPath: props.manifestPath, binaryName: props.binaryName, architecture, files: props.files },
      scope,
      id,
    );

    super(scope, id, {
      timeout: DEFAULT_TIMEOUT,
      ...defaultLogging(props.loggingFormat),
      ...props,
      memorySize: managedInstancesMemory(props) ?? DEFAULT_MEMORY_SIZE,
      // X-Ray permissions go into a policy of their own (below), so that the one unavoidable `*` is
      // acknowledged there and nowhere else.
      tracing: lambda.Tracing.DISABLED,
      environment: { RUST_BACKTRACE: '1', ...props.environment },
      layers: props.layers || extensions.length > 0 ? [...(props.layers ?? []), ...extensions.map((e) => e.layer)] : undefined,
      role,
      logGroup,
      architecture,
      ...bundled.lambdaProps,
    });
    this.functionLogGroup = logGroup;
    recordBuild(this, { ...props, architecture, plan: bundled.plan, assetHash: bundled.assetHash });

    // Write access to this log group only (what LogGroup.grantWrite grants), never `logs:*` on `*`.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupRef.logGroupArn],
      }),
    );
    if (tracing !== lambda.Tracing.DISABLED) this.enableTracing(tracing, role);

    if (urlOptions) this.functionUrl = this.addFunctionUrl(urlOptions);

    if (!props.deadLetterQueue && !props.deadLetterQueueEnabled && !props.deadLetterTopic && !props.onFailure) {
      acknowledgeNoDeadLetterTarget(this);
    }

    this.errorRateAlarm = errorRateAlarmOf(this, props);
    this.durationAlarm = durationAlarmOf(this, props);
    this.throttlesAlarm = throttlesAlarmOf(this, props);
    if (props.managedInstances) {
      const { plan } = bundled;
      attachCapacityProvider(this, props.managedInstances, () =>
        runtimeConcurrency(path.resolve(props.manifestPath), plan.packageName, plan.target),
      );
    }
  }

  /**
   * Adds a Lambda extension built by cdk-rust as a layer of this function.
   *
   * @param extension the extension; it must be built for the function's architecture (else an error is thrown)
   */
  public addExtension(extension: RustExtension): void {
    if (this.runtime === lambda.Runtime.FROM_IMAGE) refuseExtensionOnImage(this.node.path);
    checkExtensionArchitectures([extension], this.architecture, this.node.path, 'addExtension(extension)');
    this.addLayers(extension.layer);
  }

  private enableTracing(tracing: lambda.Tracing, role: iam.IRole): void {
    const cfn = this.node.defaultChild as lambda.CfnFunction;
    cfn.tracingConfig = { mode: tracing };
    const policy = new iam.Policy(this, 'TracingPolicy', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          resources: ['*'],
        }),
      ],
    });
    // Lambda checks the X-Ray permissions when it creates a traced function.
    cfn.addResourceDependency(policy.node.defaultChild as iam.CfnPolicy, 'Lambda checks X-Ray permissions on create');
    // On aws-cdk-lib before 2.269 this acknowledgement would apply to the whole app and hide the user's own
    // wildcards, so there the finding is left for the user to see (and acknowledge knowingly).
    if (!scopesGranularAcknowledgements()) return;
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level permissions; this policy holds " +
        "only those two actions, so the function's other policies stay fully checked.",
    });
  }
}
