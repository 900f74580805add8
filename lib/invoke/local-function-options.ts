/**
 * How a function runs locally: its bootstrap, architecture, environment, limits and what it is told
 * about itself, as Lambda would tell it.
 */
import { ArchitectureName } from '../private/architecture';
import type { LocalFunctionImage } from './image-process';

/** A function's architecture, as Lambda names it (`lambda.Architecture`'s `name`). */
export type LocalArchitecture = ArchitectureName;

/**
 * What a {@link LocalFunction} runs, and how.
 *
 * @jsii ignore Node.js only (other languages use the `cdk-rust` CLI).
 */
export interface LocalFunctionOptions {
  /**
   * The function's code: its `bootstrap` file, or the asset directory holding it.
   *
   * The process runs in the directory holding the bootstrap (`LAMBDA_TASK_ROOT`). A missing bootstrap fails the
   * first invocation with `ASSET_NOT_FOUND`.
   */
  readonly code: string;
  /**
   * Run the function from its container image instead of `code` (a RustFunction with `packaging: IMAGE`).
   *
   * The image is loaded once (with CDK's publishing command), and each warm process is a container of it on the
   * host network, so that it reaches the Runtime API on 127.0.0.1, with a read-only root and a writable /tmp, no
   * capabilities and no privilege gain; its environment is passed in a file only this user can read. Stopping the
   * process removes the container. `code` is then only what errors name.
   *
   * @default - run the bootstrap of `code` on this machine
   */
  readonly image?: LocalFunctionImage;
  /**
   * The function's name.
   *
   * The process gets it as `AWS_LAMBDA_FUNCTION_NAME`, and it names the log group and the invoked function ARN.
   *
   * @default 'function'
   */
  readonly functionName?: string;
  /**
   * The memory size, in MiB.
   *
   * The process gets it as `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`; it is not enforced locally.
   *
   * @default 128 (Lambda's default)
   */
  readonly memorySize?: number;
  /**
   * The timeout, in seconds.
   *
   * An invocation that runs longer ends with `Sandbox.Timedout`, and its process is killed; the next invocation
   * starts a new one.
   *
   * @default 3 (Lambda's default)
   */
  readonly timeoutSeconds?: number;
  /**
   * The architecture the function is declared with: `'x86_64'` or `'arm64'` (a `lambda.Architecture`'s `name`).
   *
   * When the binary is of another architecture, invoking fails with `ARCHITECTURE_MISMATCH`, as it would fail in
   * Lambda. A binary of an architecture other than the host's runs through qemu user-mode emulation
   * (`qemu-aarch64-static` or `qemu-aarch64` on PATH for arm64 on an x86_64 host). Any other value is refused with
   * `INVALID_PROP` when the LocalFunction is created.
   *
   * @default - the binary's own, read from its ELF header
   */
  readonly architecture?: LocalArchitecture;
  /**
   * The function's own environment variables.
   *
   * Lambda's reserved variables (`AWS_LAMBDA_*`, `AWS_REGION`, `_HANDLER`, ...) win over these, as in Lambda.
   *
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * The logging format.
   *
   * With `JSON`, the process gets `AWS_LAMBDA_LOG_FORMAT=JSON` and `AWS_LAMBDA_LOG_LEVEL` (the application log
   * level), which `lambda_runtime` follows.
   *
   * @default 'Text'
   */
  readonly logFormat?: 'Text' | 'JSON';
  /**
   * The application log level.
   *
   * The process gets it as `AWS_LAMBDA_LOG_LEVEL` when `logFormat` is `JSON`, and not otherwise.
   *
   * @default 'INFO'
   */
  readonly applicationLogLevel?: string;
  /**
   * The region the function runs in.
   *
   * The process gets it as `AWS_REGION` and `AWS_DEFAULT_REGION`, and it is part of the invoked function ARN.
   *
   * @default - `AWS_REGION`, else `AWS_DEFAULT_REGION` of this process, else 'us-east-1'
   */
  readonly region?: string;
  /**
   * The account id.
   *
   * It is part of the invoked function ARN.
   *
   * @default '000000000000'
   */
  readonly accountId?: string;
  /**
   * The handler.
   *
   * The process gets it as `_HANDLER`; a `bootstrap` usually ignores it.
   *
   * @default 'bootstrap'
   */
  readonly handler?: string;
  /**
   * How long the process may take from its start to its first `/next`, in seconds (Lambda's init phase).
   *
   * A process that takes longer fails the invocation with an init error (`Sandbox.Timedout`), and is stopped.
   *
   * @default 10 (Lambda's init limit)
   */
  readonly initTimeoutSeconds?: number;
  /**
   * Whether the function's stdout and stderr (its logs) are copied to this process's stderr as they come.
   *
   * They are collected in each {@link InvokeResult}'s `logs` either way.
   *
   * @default true
   */
  readonly streamLogs?: boolean;
  /**
   * Whether the streamed logs (see `streamLogs`) are copied exactly as the function wrote them.
   *
   * Without, each line that is a JSON log record (lambda_runtime's tracing JSON, or Lambda's own JSON records) is
   * printed as one readable line, e.g. `INFO  [9d70c1e2] greeting name=world`, coloured when stderr is a terminal
   * and `NO_COLOR` is not set; other lines are printed unchanged. Each {@link InvokeResult}'s `logs` holds what the
   * function wrote either way.
   *
   * @default false
   */
  readonly rawLogs?: boolean;
  /**
   * Whether this process's AWS credentials are passed to the function.
   *
   * With `true`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`, when set, are passed as they
   * are (in Lambda the function gets its role's credentials the same way), so that it can call AWS with the
   * developer's permissions. Without, the function gets no credentials (the region is passed either way), and a
   * line on stderr says so once per process: code run locally holds the developer's keys only when asked.
   *
   * @default false
   */
  readonly passCredentials?: boolean;
  /**
   * How many invocations the one warm process runs at once, as a Lambda Managed Instances environment runs them
   * (its `PerExecutionEnvironmentMaxConcurrency`).
   *
   * Above 1, the process gets `AWS_LAMBDA_MAX_CONCURRENCY=<n>` (which `lambda_runtime::run_concurrent` follows with n
   * workers, each polling `/next`), up to n invocations are handed to it at once, and more wait their turn in the
   * order they came; the process is started once, however many invocations arrive together. When the runtime takes
   * them one at a time all the same (it calls `lambda_runtime::run`), a line on stderr says so, once, with the fix.
   * A timeout still kills the process, as Lambda ends the environment: the other invocations running in it (or
   * handed to it and not yet picked up) then end with the process-exit error (`Runtime.ExitError`), and the next
   * invocation starts a new process. Each {@link InvokeResult}'s `logs` holds what the process printed while that
   * invocation ran, so overlapping invocations share (and interleave) the lines printed meanwhile. It must be a
   * whole number from 1 to 1600: `INVALID_PROP` otherwise.
   *
   * @default 1 (one at a time, as a classic Lambda environment)
   */
  readonly concurrency?: number;
}
