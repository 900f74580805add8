import * as path from 'path';
import { GoFunction } from '@aws-cdk/aws-lambda-go-alpha';
import { Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ErrorRateAlarm, RustFunction } from '../lib';

/**
 * A Go function (the official `@aws-cdk/aws-lambda-go-alpha` GoFunction) and a RustFunction side by
 * side. ErrorRateAlarm works on any function: the Go one gets the same alarm as the Rust one, and
 * both notify the stack's one shared, encrypted alarm topic.
 *
 * The GoFunction is given what RustFunction does by default, so that cdk-nag's AwsSolutions and
 * Serverless packs pass on it too: its own role with no AWS-managed policy (write access to its own
 * log group only), its own log group, explicit memory and timeout, JSON logs and active X-Ray tracing.
 */
export class GoAndRustStack extends Stack {
  /** The Go function. */
  public readonly goGreeter: GoFunction;
  /** The Rust function. */
  public readonly rustGreeter: RustFunction;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Without a role, lambda.Function creates one with the AWS-managed AWSLambdaBasicExecutionRole
    // (AwsSolutions-IAM4), which may write to every log group of the account.
    const role = new iam.Role(this, 'GoGreeterServiceRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Execution role of the Go function GoGreeter',
    });
    const logGroup = new logs.LogGroup(this, 'GoGreeterLogGroup', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.goGreeter = new GoFunction(this, 'GoGreeter', {
      entry: path.join(__dirname, 'go-greeter'),
      // GoFunction's default is provided.al2.
      runtime: lambda.Runtime.PROVIDED_AL2023,
      architecture: lambda.Architecture.X86_64,
      memorySize: 128,
      timeout: Duration.seconds(10),
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      // Tracing is switched on below, with its `*` permissions in a policy of their own.
      tracing: lambda.Tracing.DISABLED,
      bundling: {
        // The local `go` builds (GoFunction falls back to Docker only when no go >= 1.11 is on the PATH).
        forcedDockerBundling: false,
        // A static binary, which provided.al2023 runs without any libc of the build machine.
        cgoEnabled: false,
        environment: {
          // The same binary (and so the same asset hash: it is the output's) on every machine and in every
          // checkout: no build paths, no VCS stamp (dirty or not); no RPC mode (only the go1.x runtime used
          // it); no symbol table. Set here, not in `goBuildFlags`, which GoFunction flags with a warning.
          GOFLAGS: '-trimpath -buildvcs=false -tags=lambda.norpc -ldflags=-s',
        },
      },
    });

    // Write access to this log group only (what RustFunction grants), never `logs:*` on `*`.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    activeTracing(this.goGreeter, role);
    Validations.of(this.goGreeter).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'GoGreeter is only invoked synchronously (like RustFunction, which acknowledges the same rule); a ' +
        'dead-letter target only serves asynchronous invocations.',
    });
    new ErrorRateAlarm(this, 'GoGreeterErrorRate', { function: this.goGreeter });

    // RustFunction brings all of the above by default, its error-rate alarm included.
    this.rustGreeter = new RustFunction(this, 'Greeter', {
      manifestPath: path.join(__dirname, 'greeter', 'Cargo.toml'),
    });
  }
}

/**
 * Active X-Ray tracing, with the X-Ray permissions in a policy of their own (as RustFunction does):
 * `tracing: ACTIVE` would add them, with their `Resource: *`, to the role's default policy, where
 * acknowledging the wildcard would also hide any other the role gets later.
 */
function activeTracing(fn: lambda.Function, role: iam.IRole): void {
  const cfn = fn.node.defaultChild as lambda.CfnFunction;
  cfn.tracingConfig = { mode: lambda.Tracing.ACTIVE };
  const policy = new iam.Policy(fn, 'TracingPolicy', {
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
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      "X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level permissions; this policy holds " +
      "only those two actions, so the function's other policies stay fully checked.",
  });
}
