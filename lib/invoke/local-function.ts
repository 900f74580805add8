/**
 * Runs a function's `bootstrap` locally, against the Runtime API emulator, with the environment Lambda
 * gives it. The process stays warm between invocations, as Lambda keeps it; a timeout kills it and
 * the next invocation starts a new one.
 *
 * The process itself is in local-process.ts, what is awaited of it (its init, its logs) in runtime-readiness.ts, and
 * what is refused before it starts in local-function-checks.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PassThrough } from 'stream';
import { CdkRustError } from '../errors';
import { noticeCredentialsNotPassed } from '../private/aws-credentials';
import { readAll } from '../private/read-all';
import { progress } from '../private/progress';
import { elfArchitecture } from './binary-architecture';
import { hostCommand, HostCommand } from './emulator';
import { InvocationStream } from './invocation-stream';
import { InvokeFailure, InvokeResult } from './invoke-result';
import { lambdaEnvironment } from './lambda-environment';
import { checkArchitecture, checkedEvent, eventAsJson } from './local-function-checks';
import { LocalFunctionOptions } from './local-function-options';
import { exitError, Failure, killLocalProcess, RunningProcess, spawnLocalProcess } from './local-process';
import { parsedPayload } from './payload';
import { resolveRegion } from './region';
import { ResponseHead } from './response-stream';
import { RuntimeApiServer } from './runtime-api';
import { PendingInvocation } from './runtime-api-options';
import { initOutcome, logsSettled } from './runtime-readiness';

/** Where a streamed invocation's response goes. */
interface StreamSink {
  readonly body: PassThrough;
  setHead(head: ResponseHead | undefined): void;
}

/**
 * A function running locally, in a warm process reused across invocations. Call {@link close} when done.
 *
 * @jsii ignore Node.js only (other languages use the `cdk-rust` CLI).
 */
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
    checkArchitecture(options.architecture);
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
        throw new CdkRustError(
          'INVOKE_FAILED',
          `${this.bootstrap} failed to start: ${started.failure.error.errorType}: ${started.failure.error.errorMessage}`,
          "fix what stops the function's init (its logs say why: they are streamed to stderr unless streamLogs is false, and invoke() returns them), then start it again.",
        );
      }
      return started.initDurationMs ?? 0;
    });
  }

  /** Invokes the function with `event`, serialized as JSON. */
  public async invoke(event: unknown = {}): Promise<InvokeResult> {
    return this.invokeJson(eventAsJson(event, 'invokeJson()'));
  }

  /**
   * Invokes the function with an event given as JSON text. Text that is not JSON, and events over 6 MB,
   * are refused with `INVALID_EVENT` before anything starts, as Lambda refuses them.
   */
  public async invokeJson(json: string | Buffer): Promise<InvokeResult> {
    const body = checkedEvent(json);
    return this.serialize(() => this.run(body));
  }

  /**
   * Invokes the function with `event`, serialized as JSON, and hands its response over as it arrives: chunk by chunk
   * when the function streams it. See {@link InvocationStream}. A bad event throws `INVALID_EVENT` at once.
   */
  public invokeStream(event: unknown = {}): InvocationStream {
    return this.invokeJsonStream(eventAsJson(event, 'invokeJsonStream()'));
  }

  /** {@link invokeStream} with an event given as JSON text, checked as {@link invokeJson} checks it. */
  public invokeJsonStream(json: string | Buffer): InvocationStream {
    const event = checkedEvent(json);
    let setHead!: (head: ResponseHead | undefined) => void;
    const head = new Promise<ResponseHead | undefined>((resolve) => {
      setHead = resolve;
    });
    const sink: StreamSink = { body: new PassThrough(), setHead };
    const result = this.serialize(() => this.run(event, sink));
    // Whatever happened, the body ends and the head is known; `result` says how it went.
    const done = (): void => {
      setHead(undefined);
      if (!sink.body.writableEnded) sink.body.end();
    };
    result.then(done, done);
    return { body: sink.body, head, result };
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

  private async run(body: Buffer, sink?: StreamSink): Promise<InvokeResult> {
    const started = await this.ensureStarted();
    if ('failure' in started) {
      return this.failure('', 0, started.failure, started.initDurationMs);
    }
    const server = this.server as RuntimeApiServer;
    const proc = this.process as RunningProcess;
    const t0 = performance.now();
    const pending = server.enqueue(body);
    const response = relay(pending, sink);
    const first = await Promise.race([pending.outcome.then((outcome) => ({ outcome })), proc.closed.then((exit) => ({ exit }))]);
    if ('exit' in first) {
      server.abort(pending.requestId, 'exit', exitError(first.exit, proc.stderrTail));
    }
    const outcome = await pending.outcome;
    const durationMs = performance.now() - t0;
    if (!outcome.ok && outcome.kind === 'timeout') {
      progress(`${outcome.error.errorMessage}: stopping the process (pid ${proc.child.pid}); the next invocation starts a new one`);
      await this.kill();
    } else if (!proc.exited) {
      await logsSettled(proc, server);
    } else {
      await proc.closed;
    }
    const payload = await response;
    if (outcome.ok) {
      const payloadText = payload.toString('utf-8');
      return {
        ok: true,
        requestId: outcome.requestId,
        payload: sink ? '' : parsedPayload(payloadText),
        payloadText,
        streamed: outcome.streamedBytes !== undefined,
        logs: this.takeLogs(),
        durationMs,
        initDurationMs: started.initDurationMs,
      };
    }
    if (outcome.error.errorType === 'Runtime.TruncatedResponse' && proc.exited) {
      // The stream was cut because the process died: that is the error Lambda reports.
      const exit = await proc.closed;
      return this.failure(
        outcome.requestId,
        durationMs,
        { kind: 'exit', error: exitError(exit, proc.stderrTail), exit },
        started.initDurationMs,
      );
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

  /** Starts the process when none is running; reports how its init went. */
  private async ensureStarted(): Promise<{ initDurationMs?: number } | { failure: Failure; initDurationMs: number }> {
    if (this.closed) {
      throw new CdkRustError(
        'INVOKE_FAILED',
        `the LocalFunction of ${this.bootstrap} is closed.`,
        'create a new LocalFunction (or call localFunctionFromAssembly again) to invoke it again: close() is final.',
      );
    }
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
    // Credentials given as variables (a profile's, --aws-profile) are passed too: then there is nothing to say.
    if (this.options.passCredentials !== true && !this.options.environment?.AWS_ACCESS_KEY_ID) noticeCredentialsNotPassed('the function');
    const t0 = performance.now();
    const proc = this.spawn(
      command,
      args,
      lambdaEnvironment({
        ...this.options,
        runtimeApi: server.address,
        taskRoot: path.dirname(this.bootstrap),
        functionName: this.functionName,
        region: this.region,
      }),
    );
    const failure = await initOutcome(proc, server, (this.options.initTimeoutSeconds ?? 10) * 1000);
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

  private spawn(command: string, args: string[], env: Record<string, string>): RunningProcess {
    const proc = spawnLocalProcess(command, args, {
      cwd: path.dirname(this.bootstrap),
      env,
      streamLogs: this.options.streamLogs ?? true,
      onOutput: (text) => {
        this.logs += text;
      },
    });
    void proc.closed.then(() => {
      if (this.process === proc) this.process = undefined;
    });
    this.process = proc;
    return proc;
  }

  private kill(): Promise<void> {
    return killLocalProcess(this.process);
  }

  /** The command that runs the bootstrap: itself, or qemu for another architecture. */
  private command(): HostCommand {
    const bootstrap = this.bootstrap;
    if (!fs.existsSync(bootstrap)) {
      throw new CdkRustError(
        'ASSET_NOT_FOUND',
        `there is no bootstrap at ${bootstrap}.`,
        "synthesize the app again (e.g. `cdk synth`) so that the function's asset is built into the cloud assembly, or point `code` at a bootstrap file or the directory holding one.",
      );
    }
    const binary = elfArchitecture(bootstrap);
    const declared = this.options.architecture;
    if (declared && binary && binary !== declared) {
      throw new CdkRustError(
        'ARCHITECTURE_MISMATCH',
        `${bootstrap} is an ${binary} binary but the function is declared ${declared}: Lambda could not run it.`,
        'build the function for its architecture (RustFunction does this unless bundling.target overrides it).',
      );
    }
    const command = hostCommand(bootstrap, binary);
    if (command.emulator) progress(`running the ${binary} bootstrap through ${command.emulator}`);
    return command;
  }

  private get functionName(): string {
    return this.options.functionName ?? 'function';
  }

  private get region(): string {
    return resolveRegion(this.options.region);
  }
}

/**
 * Hands the invocation's response to `sink` as it arrives (resolving with nothing), or collects it (resolving with
 * the whole response) when there is no sink.
 */
async function relay(pending: PendingInvocation, sink: StreamSink | undefined): Promise<Buffer> {
  if (!sink) return readAll(pending.body);
  void pending.head.then((head) => sink.setHead(head));
  pending.body.pipe(sink.body);
  return Buffer.alloc(0);
}
