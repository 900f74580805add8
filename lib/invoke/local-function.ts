/**
 * Runs a function's `bootstrap` locally, against the Runtime API emulator, with the environment Lambda
 * gives it. The process stays warm between invocations, as Lambda keeps it; a timeout kills it and
 * the next invocation starts a new one. With a concurrency above 1 (Lambda Managed Instances), up to that many
 * invocations run at once in the one process.
 *
 * The process itself is in local-process.ts, what is awaited of it (its init, its logs) in runtime-readiness.ts, and
 * what is refused before it starts in local-function-checks.ts; how its output is shared out between invocations in
 * invocation-logs.ts, how many run at once in invocation-slots.ts, and the sign of a runtime that ignores its
 * concurrency in one-at-a-time.ts.
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
import { IMAGE_TASK_ROOT, ImageProcesses } from './image-process';
import { checkConcurrency } from './environment-concurrency';
import { InvocationLogs, LogMark } from './invocation-logs';
import { InvocationSlots } from './invocation-slots';
import { InvocationStream } from './invocation-stream';
import { InvokeFailure, InvokeResult } from './invoke-result';
import { lambdaEnvironment } from './lambda-environment';
import { checkArchitecture, checkedEvent, eventAsJson } from './local-function-checks';
import { LocalFunctionOptions } from './local-function-options';
import { exitError, Failure, killLocalProcess, RunningProcess, spawnLocalProcess } from './local-process';
import { oneAtATimeMessage, takesOneAtATime } from './one-at-a-time';
import { parsedPayload } from './payload';
import { resolveRegion } from './region';
import { ResponseHead } from './response-stream';
import { RuntimeApiServer } from './runtime-api';
import { PendingInvocation } from './runtime-api-options';
import { initOutcome, logsSettled } from './runtime-readiness';

/** How starting the process went: its init duration when this call started it, or why it failed. */
type StartOutcome = { initDurationMs?: number } | { failure: Failure; initDurationMs: number };

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
  /** How many invocations run at once in its process (`concurrency`). */
  public readonly concurrency: number;
  private readonly options: LocalFunctionOptions;
  /** The containers of a function image, when it runs one (`options.image`). */
  private readonly images?: ImageProcesses;
  private server?: RuntimeApiServer;
  private process?: RunningProcess;
  /** The process being started, shared by the invocations that arrive meanwhile. */
  private starting?: Promise<StartOutcome>;
  private readonly logs = new InvocationLogs();
  private readonly slots: InvocationSlots;
  private peak = 0;
  private toldOneAtATime = false;
  private closed = false;

  constructor(options: LocalFunctionOptions) {
    checkArchitecture(options.architecture);
    this.concurrency = checkConcurrency('concurrency', options.concurrency);
    this.slots = new InvocationSlots(this.concurrency);
    this.options = options;
    const code = path.resolve(options.code);
    this.bootstrap = fs.existsSync(code) && fs.statSync(code).isDirectory() ? path.join(code, 'bootstrap') : code;
    // A function image runs its own bootstrap, at /var/task/bootstrap in a container (image-process.ts).
    if (options.image) {
      this.images = new ImageProcesses(options.image, options.code);
      this.bootstrap = `${IMAGE_TASK_ROOT}/bootstrap`;
    }
  }

  /** The process id of the warm process, when there is one. */
  public get pid(): number | undefined {
    return this.process?.child.pid;
  }

  /** The most invocations its processes have run at once (handed to the runtime and not yet answered). */
  public get peakConcurrency(): number {
    return Math.max(this.peak, this.server?.peakRunning ?? 0);
  }

  /**
   * Starts the process, if it is not running, and waits for its first `/next`. Returns the init duration
   * in milliseconds (0 when it was warm already). Throws when the process fails to start.
   */
  public start(): Promise<number> {
    return this.slots.run(async () => {
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
    return this.slots.run(() => this.run(body));
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
    const result = this.slots.run(() => this.run(event, sink));
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

  private async run(body: Buffer, sink?: StreamSink): Promise<InvokeResult> {
    const started = await this.ensureStarted();
    const logs = this.logs.begin();
    if ('failure' in started) {
      return this.failure(logs, '', 0, started.failure, started.initDurationMs);
    }
    const server = this.server as RuntimeApiServer;
    const proc = this.process as RunningProcess;
    const t0 = performance.now();
    const pending = server.enqueue(body);
    const response = relay(pending, sink);
    const first = await Promise.race([pending.outcome.then((outcome) => ({ outcome })), proc.closed.then((exit) => ({ exit }))]);
    if ('exit' in first) {
      server.abort(pending.requestId, 'exit', exitError(first.exit, proc.stderrTail));
    } else {
      // Read as the answer arrives, before the runtime can poll again (see one-at-a-time.ts).
      this.noteConcurrency(server);
    }
    const outcome = await pending.outcome;
    const durationMs = performance.now() - t0;
    if (!outcome.ok && outcome.kind === 'timeout') {
      const others = this.concurrency > 1 ? ', ending the invocations running in it with its exit' : '';
      progress(
        `${outcome.error.errorMessage}: stopping the process (pid ${proc.child.pid})${others}; the next invocation starts a new one`,
      );
      await killLocalProcess(proc);
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
        logs: this.logs.finish(logs),
        durationMs,
        initDurationMs: started.initDurationMs,
      };
    }
    if (outcome.error.errorType === 'Runtime.TruncatedResponse' && proc.exited) {
      // The stream was cut because the process died: that is the error Lambda reports.
      const exit = await proc.closed;
      return this.failure(
        logs,
        outcome.requestId,
        durationMs,
        { kind: 'exit', error: exitError(exit, proc.stderrTail), exit },
        started.initDurationMs,
      );
    }
    const exit = 'exit' in first ? first.exit : undefined;
    return this.failure(logs, outcome.requestId, durationMs, { kind: outcome.kind, error: outcome.error, exit }, started.initDurationMs);
  }

  /** Keeps the peak concurrency; says once when the runtime takes one invocation at a time although more are allowed. */
  private noteConcurrency(server: RuntimeApiServer): void {
    this.peak = Math.max(this.peak, server.peakRunning);
    if (this.concurrency > 1 && !this.toldOneAtATime && takesOneAtATime(server)) {
      this.toldOneAtATime = true;
      progress(oneAtATimeMessage(this.bootstrap, this.concurrency));
    }
  }

  private failure(logs: LogMark, requestId: string, durationMs: number, failure: Failure, initDurationMs?: number): InvokeFailure {
    return {
      ok: false,
      requestId,
      kind: failure.kind,
      error: failure.error,
      ...(failure.exit ? { exitCode: failure.exit.code, signal: failure.exit.signal } : {}),
      logs: this.logs.finish(logs),
      durationMs,
      initDurationMs,
    };
  }

  /**
   * Starts the process when none is running, once however many invocations ask at the same time; reports how its
   * init went (its duration only to the invocation that started it, a failure to all).
   */
  private async ensureStarted(): Promise<StartOutcome> {
    if (this.closed) {
      throw new CdkRustError(
        'INVOKE_FAILED',
        `the LocalFunction of ${this.bootstrap} is closed.`,
        'create a new LocalFunction (or call localFunctionFromAssembly again) to invoke it again: close() is final.',
      );
    }
    if (this.starting) {
      const outcome = await this.starting;
      return 'failure' in outcome ? outcome : {};
    }
    if (this.process && !this.process.exited) return {};
    const starting = this.startProcess();
    this.starting = starting;
    try {
      return await starting;
    } finally {
      if (this.starting === starting) this.starting = undefined;
    }
  }

  /** Starts a process and waits for its init. */
  private async startProcess(): Promise<StartOutcome> {
    const { command, args } = this.images ? await this.images.command() : this.command();
    if (!this.server) {
      this.server = await RuntimeApiServer.start({
        functionName: this.functionName,
        timeoutSeconds: this.options.timeoutSeconds,
        region: this.region,
        accountId: this.options.accountId,
        maxConcurrency: this.concurrency,
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
        taskRoot: this.images ? IMAGE_TASK_ROOT : path.dirname(this.bootstrap),
        functionName: this.functionName,
        region: this.region,
        concurrency: this.concurrency,
      }),
    );
    const failure = await initOutcome(proc, server, (this.options.initTimeoutSeconds ?? 10) * 1000);
    const initDurationMs = performance.now() - t0;
    if (failure) {
      if (!proc.exited) {
        // Lambda does not keep an environment whose init failed.
        await Promise.race([proc.closed, new Promise((resolve) => setTimeout(resolve, 1000))]);
        await killLocalProcess(proc);
      }
      return { failure, initDurationMs };
    }
    return { initDurationMs };
  }

  private spawn(command: string, args: string[], env: Record<string, string>): RunningProcess {
    const output = {
      streamLogs: this.options.streamLogs ?? true,
      rawLogs: this.options.rawLogs ?? false,
      onOutput: (text: string) => this.logs.append(text),
    };
    const proc = this.images
      ? this.images.spawn(args[0], env, output)
      : spawnLocalProcess(command, args, { cwd: path.dirname(this.bootstrap), env, ...output });
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
