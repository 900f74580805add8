/**
 * Runs a function's `bootstrap` locally, against the Runtime API emulator, with the environment Lambda
 * gives it. The process stays warm between invocations, as Lambda keeps it; a timeout kills it and
 * the next invocation starts a new one.
 */
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { StringDecoder } from 'string_decoder';
import { CdkRustError } from '../errors';
import { InvokeErrorKind, LambdaErrorBody, MAX_PAYLOAD_BYTES, RuntimeApiServer } from './runtime-api';

/** A function's architecture, as Lambda names it. */
export type LocalArchitecture = 'x86_64' | 'arm64';

/** What a {@link LocalFunction} runs, and how. */
export interface LocalFunctionOptions {
  /**
   * The function's code: its `bootstrap` file, or the asset directory holding it.
   */
  readonly code: string;
  /**
   * The function's name: `AWS_LAMBDA_FUNCTION_NAME`, and part of the invoked function ARN.
   *
   * @default 'function'
   */
  readonly functionName?: string;
  /**
   * The memory size in MiB: `AWS_LAMBDA_FUNCTION_MEMORY_SIZE` (it is not enforced locally).
   *
   * @default 128 (Lambda's default)
   */
  readonly memorySize?: number;
  /**
   * The timeout in seconds. An invocation that runs longer ends with `Sandbox.Timedout`, and its process
   * is killed; the next invocation starts a new one.
   *
   * @default 3 (Lambda's default)
   */
  readonly timeoutSeconds?: number;
  /**
   * The architecture the function is declared with. When the binary is of another architecture, invoking
   * fails with `ARCHITECTURE_MISMATCH`, as it would fail in Lambda. A binary of an architecture other than
   * the host's runs through qemu user-mode emulation (`qemu-aarch64-static` or `qemu-aarch64` on PATH for
   * arm64 on an x86_64 host).
   *
   * @default - the binary's own, read from its ELF header
   */
  readonly architecture?: LocalArchitecture;
  /**
   * The function's own environment variables. Lambda's reserved variables (`AWS_LAMBDA_*`, `AWS_REGION`,
   * `_HANDLER`, ...) win over these, as in Lambda.
   *
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * The logging format. With `JSON`, the process gets `AWS_LAMBDA_LOG_FORMAT=JSON` and
   * `AWS_LAMBDA_LOG_LEVEL` (the application log level), which `lambda_runtime` follows.
   *
   * @default 'Text'
   */
  readonly logFormat?: 'Text' | 'JSON';
  /**
   * The application log level (`AWS_LAMBDA_LOG_LEVEL`) when `logFormat` is `JSON`.
   *
   * @default 'INFO'
   */
  readonly applicationLogLevel?: string;
  /**
   * The region: `AWS_REGION` and `AWS_DEFAULT_REGION`.
   *
   * @default - `AWS_REGION`, else `AWS_DEFAULT_REGION` of this process, else 'us-east-1'
   */
  readonly region?: string;
  /**
   * The account id in the invoked function ARN.
   *
   * @default '000000000000'
   */
  readonly accountId?: string;
  /**
   * The handler: `_HANDLER`.
   *
   * @default 'bootstrap'
   */
  readonly handler?: string;
  /**
   * How long the process may take from its start to its first `/next`, in seconds (Lambda's init phase).
   *
   * @default 10 (Lambda's init limit)
   */
  readonly initTimeoutSeconds?: number;
  /**
   * Whether the function's stdout and stderr (its logs) are copied to this process's stderr as they come.
   * They are collected in each {@link InvokeResult}'s `logs` either way.
   *
   * @default true
   */
  readonly streamLogs?: boolean;
  /**
   * Whether `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` of this process are passed
   * to the function (in Lambda it gets its role's credentials the same way).
   *
   * @default true
   */
  readonly passCredentials?: boolean;
}

interface InvokeResultBase {
  /** The request id the runtime was given (`Lambda-Runtime-Aws-Request-Id`). */
  readonly requestId: string;
  /** What the function printed (stdout and stderr) during this invocation, including its init when cold. */
  readonly logs: string;
  /** From the event being queued to the invocation's end, in milliseconds (init excluded). */
  readonly durationMs: number;
  /** When the invocation started a process: from its spawn to its first `/next`, in milliseconds. */
  readonly initDurationMs?: number;
}

/** A successful invocation. */
export interface InvokeSuccess extends InvokeResultBase {
  readonly ok: true;
  /** The response, parsed as JSON; the raw text when it is not JSON. */
  readonly payload: unknown;
  /** The response as the function sent it. */
  readonly payloadText: string;
}

/** A failed invocation: a function error, a timeout, an init error or an exit. */
export interface InvokeFailure extends InvokeResultBase {
  readonly ok: false;
  readonly kind: InvokeErrorKind;
  /** The error as Lambda reports it: `errorType`, `errorMessage` and, when the runtime sent one, `stackTrace`. */
  readonly error: LambdaErrorBody;
  /** The process's exit code, when it exited on its own. */
  readonly exitCode?: number | null;
  /** The signal that ended the process, when one did. */
  readonly signal?: string | null;
}

/** What an invocation returned. */
export type InvokeResult = InvokeSuccess | InvokeFailure;

interface Exit {
  readonly code: number | null;
  readonly signal: string | null;
  readonly spawnError?: Error;
}

interface RunningProcess {
  readonly child: ChildProcess;
  readonly closed: Promise<Exit>;
  exited: boolean;
  stderrTail: string;
}

type Failure = { kind: InvokeErrorKind; error: LambdaErrorBody; exit?: Exit };

/** Idle time after a response before its logs are considered complete, when the runtime does not poll again. */
const LOG_SETTLE_MS = 200;
const STDERR_TAIL_LINES = 20;

/** A function running locally, in a warm process reused across invocations. Call {@link close} when done. */
export class LocalFunction {
  /** The `bootstrap` this function runs. */
  public readonly bootstrap: string;
  private readonly options: LocalFunctionOptions;
  private server?: RuntimeApiServer;
  private process?: RunningProcess;
  private logs = '';
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(options: LocalFunctionOptions) {
    this.options = options;
    const code = path.resolve(options.code);
    this.bootstrap = fs.existsSync(code) && fs.statSync(code).isDirectory() ? path.join(code, 'bootstrap') : code;
  }

  /** The process id of the warm process, when there is one. */
  public get pid(): number | undefined {
    return this.process?.child.pid;
  }

  /**
   * Starts the process, if it is not running, and waits for its first `/next`. Returns the init duration
   * in milliseconds (0 when it was warm already). Throws when the process fails to start.
   */
  public start(): Promise<number> {
    return this.serialize(async () => {
      const started = await this.ensureStarted();
      if ('failure' in started) {
        throw new CdkRustError('INVOKE_FAILED', `${this.bootstrap} failed to start: ${started.failure.error.errorType}: ${started.failure.error.errorMessage}`,
          'see the function\'s output above.');
      }
      return started.initDurationMs ?? 0;
    });
  }

  /** Invokes the function with `event`, serialized as JSON. */
  public async invoke(event: unknown = {}): Promise<InvokeResult> {
    const json = JSON.stringify(event);
    if (json === undefined) {
      throw new CdkRustError('INVALID_EVENT', `the event (${typeof event}) cannot be serialized as JSON.`, 'pass a JSON value.');
    }
    return this.invokeJson(json);
  }

  /**
   * Invokes the function with an event given as JSON text. Text that is not JSON, and events over 6 MB,
   * are refused with `INVALID_EVENT` before anything starts, as Lambda refuses them.
   */
  public async invokeJson(json: string | Buffer): Promise<InvokeResult> {
    const body = typeof json === 'string' ? Buffer.from(json, 'utf-8') : json;
    parseEvent(body.toString('utf-8'));
    if (body.length > MAX_PAYLOAD_BYTES) {
      throw new CdkRustError('INVALID_EVENT',
        `the event is ${body.length} bytes; Lambda accepts at most ${MAX_PAYLOAD_BYTES} bytes (6 MB) for a synchronous invocation.`,
        'send a smaller event (put large data in S3 and pass its key).');
    }
    return this.serialize(() => this.run(body));
  }

  /** Stops the process and the runtime API server. */
  public async close(): Promise<void> {
    this.closed = true;
    await this.kill();
    await this.server?.close();
    this.server = undefined;
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task, task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async run(body: Buffer): Promise<InvokeResult> {
    const started = await this.ensureStarted();
    if ('failure' in started) {
      return this.failure('', 0, started.failure, started.initDurationMs);
    }
    const server = this.server as RuntimeApiServer;
    const proc = this.process as RunningProcess;
    const t0 = performance.now();
    const pending = server.enqueue(body);
    const first = await Promise.race([
      pending.outcome.then((outcome) => ({ outcome })),
      proc.closed.then((exit) => ({ exit })),
    ]);
    if ('exit' in first) {
      server.abort(pending.requestId, 'exit', exitError(first.exit, proc.stderrTail));
    }
    const outcome = await pending.outcome;
    const durationMs = performance.now() - t0;
    if (!outcome.ok && outcome.kind === 'timeout') {
      progress(`${outcome.error.errorMessage}: stopping the process (pid ${proc.child.pid}); the next invocation starts a new one`);
      await this.kill();
    } else if (!proc.exited) {
      await this.settled(proc, server);
    } else {
      await proc.closed;
    }
    if (outcome.ok) {
      const payloadText = outcome.payload.toString('utf-8');
      return { ok: true, requestId: outcome.requestId, payload: parseOr(payloadText), payloadText, logs: this.takeLogs(), durationMs, initDurationMs: started.initDurationMs };
    }
    const exit = 'exit' in first ? first.exit : undefined;
    return this.failure(outcome.requestId, durationMs, { kind: outcome.kind, error: outcome.error, exit }, started.initDurationMs);
  }

  private failure(requestId: string, durationMs: number, failure: Failure, initDurationMs?: number): InvokeFailure {
    return {
      ok: false,
      requestId,
      kind: failure.kind,
      error: failure.error,
      ...(failure.exit ? { exitCode: failure.exit.code, signal: failure.exit.signal } : {}),
      logs: this.takeLogs(),
      durationMs,
      initDurationMs,
    };
  }

  private takeLogs(): string {
    const logs = this.logs;
    this.logs = '';
    return logs;
  }

  /** Waits until the runtime polls again (its invocation is over), it exits, or it stays quiet a moment. */
  private async settled(proc: RunningProcess, server: RuntimeApiServer): Promise<void> {
    if (!server.runtimeWaiting) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          server.off('next', done);
          resolve();
        };
        const timer = setTimeout(done, LOG_SETTLE_MS);
        server.on('next', done);
        void proc.closed.then(done);
      });
    }
    // Output the runtime wrote before its next request was readable in the same poll of the event loop:
    // it has been read once the loop has gone round (twice, for data events deferred to the next tick).
    for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Starts the process when none is running; reports how its init went. */
  private async ensureStarted(): Promise<{ initDurationMs?: number } | { failure: Failure; initDurationMs: number }> {
    if (this.closed) throw new CdkRustError('INVOKE_FAILED', 'this LocalFunction is closed.', 'create a new one.');
    if (this.process && !this.process.exited) return {};
    const { command, args } = this.command();
    if (!this.server) {
      this.server = await RuntimeApiServer.start({
        functionName: this.functionName,
        timeoutSeconds: this.options.timeoutSeconds,
        region: this.region,
        accountId: this.options.accountId,
      });
    }
    const server = this.server;
    server.resetRuntime();
    const t0 = performance.now();
    const proc = this.spawn(command, args, this.environment(server.address));
    const failure = await this.initOutcome(proc, server);
    const initDurationMs = performance.now() - t0;
    if (failure) {
      if (!proc.exited) {
        // Lambda does not keep an environment whose init failed.
        await Promise.race([proc.closed, new Promise((resolve) => setTimeout(resolve, 1000))]);
        await this.kill();
      }
      return { failure, initDurationMs };
    }
    return { initDurationMs };
  }

  /** Resolves with nothing once the runtime polls `/next`, or with what went wrong first. */
  private initOutcome(proc: RunningProcess, server: RuntimeApiServer): Promise<Failure | undefined> {
    const limitMs = (this.options.initTimeoutSeconds ?? 10) * 1000;
    return new Promise((resolve) => {
      let done = false;
      const finish = (failure: Failure | undefined): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        server.off('next', onNext);
        server.off('init-error', onInitError);
        resolve(failure);
      };
      const onNext = (): void => finish(undefined);
      const onInitError = (error: LambdaErrorBody): void => finish({ kind: 'init', error });
      const timer = setTimeout(() => finish({
        kind: 'init',
        error: { errorType: 'Sandbox.Timedout', errorMessage: `Init timed out after ${(limitMs / 1000).toFixed(2)} seconds` },
      }), limitMs);
      server.on('next', onNext);
      server.on('init-error', onInitError);
      void proc.closed.then((exit) => {
        // An init error posted just before exiting is the better report.
        if (server.initError) finish({ kind: 'init', error: server.initError, exit });
        else finish({ kind: 'exit', error: exitError(exit, proc.stderrTail), exit });
      });
      if (server.runtimeWaiting) finish(undefined);
    });
  }

  private spawn(command: string, args: string[], env: Record<string, string>): RunningProcess {
    const child = spawn(command, args, { cwd: path.dirname(this.bootstrap), env, stdio: ['ignore', 'pipe', 'pipe'] });
    const proc: RunningProcess = { child, exited: false, stderrTail: '', closed: undefined as unknown as Promise<Exit> };
    const streamLogs = this.options.streamLogs ?? true;
    const capture = (stream: NodeJS.ReadableStream | null, isStderr: boolean): void => {
      const decoder = new StringDecoder('utf8');
      stream?.on('data', (chunk: Buffer) => {
        const text = decoder.write(chunk);
        this.logs += text;
        if (isStderr) proc.stderrTail = (proc.stderrTail + text).slice(-16_384);
        if (streamLogs) process.stderr.write(chunk);
      });
    };
    capture(child.stdout, false);
    capture(child.stderr, true);
    (proc as { closed: Promise<Exit> }).closed = new Promise<Exit>((resolve) => {
      child.once('error', (error) => {
        proc.exited = true;
        resolve({ code: null, signal: null, spawnError: error });
      });
      child.once('close', (code, signal) => {
        proc.exited = true;
        resolve({ code, signal });
      });
    });
    void proc.closed.then(() => {
      if (this.process === proc) this.process = undefined;
    });
    this.process = proc;
    return proc;
  }

  private async kill(): Promise<void> {
    const proc = this.process;
    if (!proc || proc.exited) return;
    proc.child.kill('SIGKILL');
    await proc.closed;
  }

  /** The command that runs the bootstrap: itself, or qemu for another architecture. */
  private command(): { command: string; args: string[] } {
    const bootstrap = this.bootstrap;
    if (!fs.existsSync(bootstrap)) {
      throw new CdkRustError('ASSET_NOT_FOUND', `there is no bootstrap at ${bootstrap}.`,
        'synthesize the app again (e.g. `cdk synth`) so that the function\'s asset is built into the cloud assembly.');
    }
    const binary = elfArchitecture(bootstrap);
    const declared = this.options.architecture;
    if (declared && binary && binary !== declared) {
      throw new CdkRustError('ARCHITECTURE_MISMATCH', `${bootstrap} is an ${binary} binary but the function is declared ${declared}: Lambda could not run it.`,
        'build the function for its architecture (RustFunction does this unless bundling.target overrides it).');
    }
    const host = hostArchitecture();
    if (!binary || binary === host) return { command: bootstrap, args: [] };
    const candidates = binary === 'arm64' ? ['qemu-aarch64-static', 'qemu-aarch64'] : ['qemu-x86_64-static', 'qemu-x86_64'];
    const qemu = candidates.map(findOnPath).find((p) => p !== undefined);
    if (!qemu) {
      throw new CdkRustError('EMULATOR_NOT_FOUND',
        `${bootstrap} is an ${binary} binary and this machine is ${host ?? process.arch}: running it needs ${candidates.join(' or ')} on PATH, and neither is there.`,
        'install qemu user-mode emulation (on Debian: apt-get install qemu-user-static), or build the function for this machine\'s architecture to run it locally.');
    }
    progress(`running the ${binary} bootstrap through ${qemu}`);
    return { command: qemu, args: [bootstrap] };
  }

  private get functionName(): string {
    return this.options.functionName ?? 'function';
  }

  private get region(): string {
    return this.options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  }

  /** The process's environment: the function's variables under Lambda's own. */
  private environment(runtimeApi: string): Record<string, string> {
    const options = this.options;
    const credentials: Record<string, string> = {};
    if (options.passCredentials ?? true) {
      for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
        const value = process.env[name];
        if (value) credentials[name] = value;
      }
    }
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
    return {
      ...options.environment,
      ...credentials,
      PATH: '/usr/local/bin:/usr/bin/:/bin:/opt/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      _HANDLER: options.handler ?? 'bootstrap',
      LAMBDA_TASK_ROOT: path.dirname(this.bootstrap),
      AWS_LAMBDA_RUNTIME_API: runtimeApi,
      AWS_LAMBDA_FUNCTION_NAME: this.functionName,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memorySize ?? 128),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${this.functionName}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
      AWS_REGION: this.region,
      AWS_DEFAULT_REGION: this.region,
      ...(options.logFormat === 'JSON'
        ? { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: options.applicationLogLevel ?? 'INFO' }
        : {}),
    };
  }
}

/** Parses an event, or fails with `INVALID_EVENT` saying where the JSON is broken. */
export function parseEvent(text: string, source = 'the event'): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CdkRustError('INVALID_EVENT', `${source} is not valid JSON: ${(error as Error).message}.`,
      'give a JSON document, e.g. {"name": "Ferris"} (Lambda only takes JSON events).');
  }
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function exitError(exit: Exit, stderrTail: string): LambdaErrorBody {
  const how = exit.spawnError
    ? `cannot start: ${exit.spawnError.message}`
    : exit.signal ? `signal: ${exit.signal}` : `exit status ${exit.code}`;
  const tail = stderrTail.split('\n').filter((l) => l.trim()).slice(-STDERR_TAIL_LINES).join('\n');
  return {
    errorType: 'Runtime.ExitError',
    errorMessage: `Runtime exited with error: ${how}` + (tail ? `\nLast lines of its stderr:\n${tail}` : ''),
  };
}

/** The architecture of an ELF executable (from `e_machine`), or undefined when it is not one we know. */
export function elfArchitecture(file: string): LocalArchitecture | undefined {
  const header = Buffer.alloc(20);
  const fd = fs.openSync(file, 'r');
  try {
    if (fs.readSync(fd, header, 0, 20, 0) < 20) return undefined;
  } finally {
    fs.closeSync(fd);
  }
  if (header.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const machine = header[5] === 2 ? header.readUInt16BE(18) : header.readUInt16LE(18);
  if (machine === 0x3e) return 'x86_64';
  if (machine === 0xb7) return 'arm64';
  return undefined;
}

function hostArchitecture(): LocalArchitecture | undefined {
  if (process.arch === 'x64') return 'x86_64';
  if (process.arch === 'arm64') return 'arm64';
  return undefined;
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function progress(message: string): void {
  process.stderr.write(`[cdk-rust] ${message}\n`);
}
