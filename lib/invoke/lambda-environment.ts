/**
 * The environment Lambda gives a function's process: its reserved variables (`AWS_LAMBDA_*`, `AWS_REGION`,
 * `_HANDLER`, `LAMBDA_TASK_ROOT`, `AWS_LAMBDA_MAX_CONCURRENCY` on Managed Instances, ...) over the function's own
 * variables.
 */
import { randomBytes } from 'crypto';
import { hostCredentials } from '../private/aws-credentials';

/** What the environment of one function's process is made from. */
export interface LambdaEnvironmentOptions {
  /** `host:port` of the Runtime API the process polls: `AWS_LAMBDA_RUNTIME_API`. */
  readonly runtimeApi: string;
  /** The directory holding the bootstrap: `LAMBDA_TASK_ROOT`. */
  readonly taskRoot: string;
  /** `AWS_LAMBDA_FUNCTION_NAME`, and the name of the log group. */
  readonly functionName: string;
  /** `AWS_REGION` and `AWS_DEFAULT_REGION`. */
  readonly region: string;
  /** `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`, in MiB. @default 128 */
  readonly memorySize?: number;
  /** `_HANDLER`. @default 'bootstrap' */
  readonly handler?: string;
  /** With `JSON`, `AWS_LAMBDA_LOG_FORMAT` and `AWS_LAMBDA_LOG_LEVEL` are set. @default 'Text' */
  readonly logFormat?: 'Text' | 'JSON';
  /** `AWS_LAMBDA_LOG_LEVEL` with JSON logging. @default 'INFO' */
  readonly applicationLogLevel?: string;
  /** The function's own variables; Lambda's reserved variables win over them. @default - none */
  readonly environment?: Record<string, string>;
  /** Whether the AWS credentials of `hostEnv` are passed on. @default false */
  readonly passCredentials?: boolean;
  /**
   * How many invocations the environment runs at once: above 1 (Lambda Managed Instances), `AWS_LAMBDA_MAX_CONCURRENCY`.
   * @default 1
   */
  readonly concurrency?: number;
}

/**
 * The process's whole environment: the function's variables, then (only with `passCredentials`) the credentials of
 * `hostEnv`, then Lambda's own variables. Nothing else of `hostEnv` leaks in.
 */
export function lambdaEnvironment(options: LambdaEnvironmentOptions, hostEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const credentials = options.passCredentials === true ? hostCredentials(hostEnv) : {};
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  return {
    ...options.environment,
    ...credentials,
    PATH: '/usr/local/bin:/usr/bin/:/bin:/opt/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    _HANDLER: options.handler ?? 'bootstrap',
    LAMBDA_TASK_ROOT: options.taskRoot,
    AWS_LAMBDA_RUNTIME_API: options.runtimeApi,
    AWS_LAMBDA_FUNCTION_NAME: options.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memorySize ?? 128),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${options.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    ...(options.concurrency !== undefined && options.concurrency > 1 ? { AWS_LAMBDA_MAX_CONCURRENCY: String(options.concurrency) } : {}),
    ...(options.logFormat === 'JSON' ? { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: options.applicationLogLevel ?? 'INFO' } : {}),
  };
}
