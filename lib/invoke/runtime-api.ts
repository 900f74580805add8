/**
 * A Lambda Runtime API emulator: the HTTP API a `bootstrap` polls for events and answers on, served
 * on 127.0.0.1 (a random free port), one invocation at a time, as in a Lambda execution environment; or, with
 * `maxConcurrency`, up to that many at once, as in a Lambda Managed Instances environment.
 *
 * It implements `GET /2018-06-01/runtime/invocation/next` (a long poll until an event is queued),
 * `POST .../invocation/{id}/response`, `POST .../invocation/{id}/error` and `POST .../init/error`, with
 * the headers Lambda sends, the function's timeout, and Lambda's 6 MB limit on events and responses. A response the
 * runtime streams (`Lambda-Runtime-Function-Response-Mode: streaming`) is relayed chunk by chunk as it arrives, up to
 * Lambda's 200 MB limit, with the error trailers a runtime sends mid-stream (see response-stream.ts).
 *
 * It only answers requests addressed to it: a `Host` header other than its own loopback address and port
 * (`127.0.0.1:<port>`, `localhost:<port>` or `[::1]:<port>`) gets 403, so that a web page cannot reach it through
 * DNS rebinding, and a request a browser sent gets 403 too (both checks: lib/private/request-guard.ts). Clients get a
 * bounded time to send their requests (headers, then the whole request), while the response to `/next` may wait as
 * long as it takes for an event.
 *
 * The HTTP server with its timeouts and Host/Origin check is in runtime-api-http-server.ts; one invocation's state in
 * invocation.ts; the error bodies in lambda-error-body.ts. This file holds the routes and the invocation queue.
 */
import { EventEmitter } from 'events';
import * as http from 'http';
import { AddressInfo } from 'net';
import { CdkRustError } from '../errors';
import { checkConcurrency } from './environment-concurrency';
import { accepted, decodePathSegment, drainThen, readLimited, reply } from './http-exchange';
import { createInvocation, Invocation } from './invocation';
import { errorBody, functionError } from './lambda-error-body';
import { checkEventSize, MAX_PAYLOAD_BYTES, MAX_STREAMED_RESPONSE_BYTES } from './payload';
import { FALLBACK_REGION } from './region';
import { isStreamedResponse, readStreamedResponse, StreamEnd, trailerError } from './response-stream';
import { createRuntimeApiHttpServer, listenOnLoopback } from './runtime-api-http-server';
import { InvokeErrorKind, LambdaErrorBody, PendingInvocation, RuntimeApiOptions } from './runtime-api-options';

const PREFIX = '/2018-06-01/runtime';

/**
 * The emulator. Events: `next` (the runtime is waiting for an event), `init-error` (a
 * {@link LambdaErrorBody} posted to `/init/error`), `timeout` (the request id of an invocation that
 * timed out: its process must be stopped, as Lambda does).
 *
 * @jsii ignore Node.js only (other languages use the `cdk-rust` CLI).
 */
export class RuntimeApiServer extends EventEmitter {
  /** Starts a server on 127.0.0.1, on a free port. */
  public static async start(options: RuntimeApiOptions = {}): Promise<RuntimeApiServer> {
    const server = new RuntimeApiServer(options);
    await server.listen();
    return server;
  }

  /** The ARN sent in `Lambda-Runtime-Invoked-Function-Arn`. */
  public readonly functionArn: string;
  /** The function's timeout, in milliseconds. */
  public readonly timeoutMs: number;
  /** The payload limit, in bytes. */
  public readonly maxPayloadBytes: number;
  /** The streamed response limit, in bytes. */
  public readonly maxStreamedResponseBytes: number;
  /** How many `/next` polls may wait at once. */
  public readonly maxConcurrency: number;
  /** The error posted to `/init/error`, if any. */
  public initError?: LambdaErrorBody;

  private readonly server: http.Server;
  private readonly queue: Invocation[] = [];
  private readonly inFlight = new Map<string, Invocation>();
  private readonly finished = new Set<string>();
  /** The `/next` polls waiting for an event, first come first served. */
  private waiting: http.ServerResponse[] = [];
  private delivered = 0;
  private deliveredToRuntime = 0;
  private peakWaiting = 0;
  private peakRunningCount = 0;

  private constructor(options: RuntimeApiOptions) {
    super();
    const functionName = options.functionName ?? 'function';
    this.functionArn = `arn:aws:lambda:${options.region ?? FALLBACK_REGION}:${options.accountId ?? '000000000000'}:function:${functionName}`;
    this.timeoutMs = Math.round((options.timeoutSeconds ?? 3) * 1000);
    this.maxPayloadBytes = options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
    this.maxStreamedResponseBytes = options.maxStreamedResponseBytes ?? MAX_STREAMED_RESPONSE_BYTES;
    this.maxConcurrency = checkConcurrency('maxConcurrency', options.maxConcurrency);
    this.server = createRuntimeApiHttpServer(options, this.timeoutMs, (req, res) => this.handle(req, res));
  }

  /** `host:port`, the value of `AWS_LAMBDA_RUNTIME_API`. */
  public get address(): string {
    const address = this.server.address() as AddressInfo | null;
    if (!address) {
      throw new CdkRustError(
        'INVOKE_FAILED',
        'the runtime API server is not listening: it was closed.',
        'read the address between `await RuntimeApiServer.start()` and `close()`; start a new server to serve again.',
      );
    }
    return `127.0.0.1:${address.port}`;
  }

  /** True while a runtime is blocked in `/next`, waiting for an event. */
  public get runtimeWaiting(): boolean {
    return this.waitingPolls > 0;
  }

  /** How many `/next` polls are waiting for an event now. */
  public get waitingPolls(): number {
    this.dropGonePolls();
    return this.waiting.length;
  }

  /** The most `/next` polls seen waiting at once since the runtime started (see {@link resetRuntime}). */
  public get peakWaitingPolls(): number {
    return this.peakWaiting;
  }

  /** How many invocations the runtime is running now: delivered, not yet answered. */
  public get runningCount(): number {
    return this.inFlight.size;
  }

  /** The most invocations seen running at once since the runtime started (see {@link resetRuntime}). */
  public get peakRunning(): number {
    return this.peakRunningCount;
  }

  /** How many events are queued, waiting for a `/next` poll. */
  public get queuedCount(): number {
    return this.queue.length;
  }

  /** How many events the runtime has received. */
  public get deliveredCount(): number {
    return this.delivered;
  }

  /**
   * Queues an event for the runtime's next `/next`. The event must be at most `maxPayloadBytes` long,
   * as Lambda refuses larger ones before invoking anything.
   */
  public enqueue(event: Buffer | string): PendingInvocation {
    const body = typeof event === 'string' ? Buffer.from(event, 'utf-8') : event;
    checkEventSize(body, this.maxPayloadBytes);
    const { invocation, pending } = createInvocation(body, (ended) => this.forget(ended));
    this.queue.push(invocation);
    this.deliver();
    return pending;
  }

  /** Ends a queued or running invocation with an error (for example because its process exited). */
  public abort(requestId: string, kind: InvokeErrorKind, error: LambdaErrorBody): void {
    const invocation = this.inFlight.get(requestId) ?? this.queue.find((i) => i.requestId === requestId);
    invocation?.settle({ ok: false, requestId, kind, error });
  }

  /** Forgets the runtime's state (its init error, pending `/next` polls, the peaks) before a new process starts. */
  public resetRuntime(): void {
    this.initError = undefined;
    this.waiting = [];
    this.deliveredToRuntime = 0;
    this.peakWaiting = 0;
    this.peakRunningCount = 0;
  }

  /** Stops the server, ending every connection. Pending invocations are aborted. */
  public async close(): Promise<void> {
    for (const invocation of [...this.queue, ...this.inFlight.values()]) {
      invocation.settle({
        ok: false,
        requestId: invocation.requestId,
        kind: 'exit',
        error: { errorType: 'Runtime.ExitError', errorMessage: 'the runtime API emulator was closed' },
      });
    }
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private listen(): Promise<void> {
    return listenOnLoopback(this.server);
  }

  /** Drops an invocation that ended from the queue and the running ones, and remembers its id as ended. */
  private forget(invocation: Invocation): void {
    this.inFlight.delete(invocation.requestId);
    this.finished.add(invocation.requestId);
    const queued = this.queue.indexOf(invocation);
    if (queued >= 0) this.queue.splice(queued, 1);
  }

  /** Forgets the polls whose runtime went away (killed, or timed out) or that were answered: they get no event. */
  private dropGonePolls(): void {
    this.waiting = this.waiting.filter((res) => !res.destroyed && !res.socket?.destroyed && !res.writableEnded);
  }

  /** Hands queued events to waiting polls, oldest to oldest, each event to a poll of its own. */
  private deliver(): void {
    this.dropGonePolls();
    while (this.waiting.length > 0 && this.queue.length > 0) {
      this.deliverTo(this.waiting.shift() as http.ServerResponse, this.queue.shift() as Invocation);
    }
  }

  /** Answers one `/next` poll with `invocation`, and starts its timeout. */
  private deliverTo(res: http.ServerResponse, invocation: Invocation): void {
    this.delivered += 1;
    this.deliveredToRuntime += 1;
    const deadline = Date.now() + this.timeoutMs;
    this.inFlight.set(invocation.requestId, invocation);
    this.peakRunningCount = Math.max(this.peakRunningCount, this.inFlight.size);
    invocation.timer = setTimeout(() => {
      invocation.settle({
        ok: false,
        requestId: invocation.requestId,
        kind: 'timeout',
        error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${(this.timeoutMs / 1000).toFixed(2)} seconds` },
      });
      this.emit('timeout', invocation.requestId);
    }, this.timeoutMs);
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': invocation.event.length,
      'Lambda-Runtime-Aws-Request-Id': invocation.requestId,
      'Lambda-Runtime-Deadline-Ms': String(deadline),
      'Lambda-Runtime-Invoked-Function-Arn': this.functionArn,
      'Lambda-Runtime-Trace-Id': invocation.traceId,
    });
    res.end(invocation.event);
  }

  /** Serves a request that passed the Host and Origin checks (see request-guard.ts). */
  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    try {
      this.route(req, res);
    } catch (error) {
      // A request must never take the emulator (and the process running it) down.
      if (!res.headersSent) {
        res.setHeader('Connection', 'close');
        reply(res, 500, 'ServiceException', `the runtime API emulator failed on ${req.method} ${req.url}: ${(error as Error).message}`);
      } else {
        res.destroy();
      }
    }
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = (req.url ?? '').split('?')[0];
    if (url === `${PREFIX}/invocation/next`) {
      if (req.method !== 'GET') return drainThen(req, () => reply(res, 405, 'MethodNotAllowed', `${req.method} is not allowed on ${url}.`));
      return this.next(req, res);
    }
    const invocation = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    if (invocation) {
      if (req.method !== 'POST')
        return drainThen(req, () => reply(res, 405, 'MethodNotAllowed', `${req.method} is not allowed on ${url}.`));
      const requestId = decodePathSegment(invocation[1]);
      if (requestId === undefined) {
        return drainThen(req, () => reply(res, 400, 'InvalidRequestID', `the request id in ${url} is not valid percent-encoding.`));
      }
      return this.answer(req, res, requestId, invocation[2] as 'response' | 'error');
    }
    if (url === `${PREFIX}/init/error`) {
      if (req.method !== 'POST')
        return drainThen(req, () => reply(res, 405, 'MethodNotAllowed', `${req.method} is not allowed on ${url}.`));
      return this.postInitError(req, res);
    }
    drainThen(req, () => reply(res, 404, 'InvalidURL', `${url} is not a path of the Lambda runtime API.`));
  }

  private next(req: http.IncomingMessage, res: http.ServerResponse): void {
    drainThen(req, () => {
      if (this.waitingPolls >= this.maxConcurrency) {
        // Lambda serves `maxConcurrency` invocations at once (one, outside Managed Instances): one poll more is a runtime bug.
        const already = this.maxConcurrency === 1 ? 'another /next request is' : `${this.maxConcurrency} /next requests are`;
        return reply(res, 409, 'ConcurrentNextInvocation', `${already} already waiting for an event.`);
      }
      this.waiting.push(res);
      this.peakWaiting = Math.max(this.peakWaiting, this.waiting.length);
      // A runtime that goes away while waiting (killed, or timed out) must not be handed an event.
      res.on('close', () => {
        this.waiting = this.waiting.filter((r) => r !== res);
      });
      this.emit('next');
      this.deliver();
    });
  }

  /** The answer to a response or error for an invocation that is not running (or already has a response coming). */
  private refuse(res: http.ServerResponse, requestId: string): void {
    if (this.inFlight.get(requestId)?.streaming) {
      return reply(res, 403, 'InvalidStateTransition', `invocation ${requestId} is already streaming its response.`);
    }
    return this.finished.has(requestId)
      ? reply(res, 403, 'InvalidStateTransition', `invocation ${requestId} has already ended (answered, timed out or aborted).`)
      : reply(res, 400, 'InvalidRequestID', `no invocation has the request id ${requestId}.`);
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse, requestId: string, what: 'response' | 'error'): void {
    if (what === 'response' && isStreamedResponse(req)) return this.stream(req, res, requestId);
    readLimited(req, this.maxPayloadBytes, (body, size) => {
      const invocation = this.inFlight.get(requestId);
      if (!invocation || invocation.streaming) return this.refuse(res, requestId);
      if (!body) {
        invocation.settle(
          functionError(
            requestId,
            'Function.ResponseSizeTooLarge',
            `Response payload size (${size} bytes) exceeded maximum allowed payload size (${this.maxPayloadBytes} bytes).`,
          ),
        );
        return reply(res, 413, 'RequestEntityTooLarge', `Exceeded maximum allowed payload size (${this.maxPayloadBytes} bytes).`);
      }
      if (what === 'response') {
        const contentType = req.headers['content-type'];
        invocation.setHead({ streamed: false, ...(contentType ? { contentType } : {}) });
        invocation.body.write(body);
        invocation.settle({ ok: true, requestId, payload: body });
      } else {
        invocation.settle({
          ok: false,
          requestId,
          kind: 'function',
          error: errorBody(body, req.headers['lambda-runtime-function-error-type']),
        });
      }
      accepted(res);
    });
  }

  /** Relays a streamed response to the invocation's body as it arrives, then ends the invocation as the stream ended. */
  private stream(req: http.IncomingMessage, res: http.ServerResponse, requestId: string): void {
    const invocation = this.inFlight.get(requestId);
    if (!invocation || invocation.streaming) return drainThen(req, () => this.refuse(res, requestId));
    invocation.streaming = req;
    const limit = this.maxStreamedResponseBytes;
    const ended = (end: StreamEnd): void => {
      invocation.streaming = undefined;
      if (end.how === 'too-large') {
        invocation.settle(
          functionError(
            requestId,
            'Function.ResponseSizeTooLarge',
            `Response payload size exceeded maximum allowed payload size (${limit} bytes).`,
          ),
        );
        // The rest of the stream is not read: the connection closes once the runtime has the answer.
        res.setHeader('Connection', 'close');
        res.on('finish', () => req.destroy());
        return reply(res, 413, 'RequestEntityTooLarge', `Exceeded maximum allowed streamed response size (${limit} bytes).`);
      }
      if (end.how === 'truncated') {
        return invocation.settle(
          functionError(
            requestId,
            'Runtime.TruncatedResponse',
            `the runtime closed its connection after ${end.size} bytes, before the end of its streamed response.`,
          ),
        );
      }
      const error = trailerError(end.trailers);
      if (error) {
        invocation.settle({ ok: false, requestId, kind: 'function', error: errorBody(error.body, error.type) });
      } else {
        invocation.settle({ ok: true, requestId, payload: Buffer.alloc(0), streamedBytes: end.size });
      }
      accepted(res);
    };
    readStreamedResponse(req, limit, invocation.body, invocation.setHead, ended, () => invocation.settled);
  }

  private postInitError(req: http.IncomingMessage, res: http.ServerResponse): void {
    readLimited(req, this.maxPayloadBytes, (body) => {
      if (this.deliveredToRuntime > 0) {
        return reply(res, 403, 'InvalidStateTransition', 'the runtime has already received an event: init is over.');
      }
      this.initError = errorBody(body ?? Buffer.alloc(0), req.headers['lambda-runtime-function-error-type']);
      accepted(res);
      this.emit('init-error', this.initError);
    });
  }
}
