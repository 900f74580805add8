/**
 * What the Runtime API emulator takes and reports: its options, the invocations it queues, how they
 * end, and errors as Lambda shapes them.
 */
import { Readable } from 'stream';
import { ResponseHead } from './response-stream';

/**
 * The body of an error a runtime posts, and of the error an invocation ends with, as Lambda shapes it.
 *
 * @jsii ignore Node.js only (other languages use the `cdk-rust` CLI).
 */
export interface LambdaErrorBody {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stackTrace?: string[];
}

/**
 * How an invocation failed: `function` (the runtime posted an error, or its response was too large),
 * `timeout` (it ran past the function's timeout), `init` (the runtime reported an init error, or did
 * not finish its init in time) or `exit` (the process exited).
 */
export type InvokeErrorKind = 'function' | 'timeout' | 'init' | 'exit';

/**
 * How one invocation ended, as the emulator saw it. A streamed response is not kept: its `payload` is empty, its body
 * went through {@link PendingInvocation.body}, and `streamedBytes` says how long it was (its prelude included).
 */
export type InvocationOutcome =
  | { readonly ok: true; readonly requestId: string; readonly payload: Buffer; readonly streamedBytes?: number }
  | { readonly ok: false; readonly requestId: string; readonly kind: InvokeErrorKind; readonly error: LambdaErrorBody };

/**
 * What {@link RuntimeApiServer.start} takes.
 *
 * @jsii ignore Node.js only (other languages use the `cdk-rust` CLI).
 */
export interface RuntimeApiOptions {
  /**
   * The function's name.
   *
   * It is part of the invoked function ARN (`Lambda-Runtime-Invoked-Function-Arn`).
   *
   * @default 'function'
   */
  readonly functionName?: string;
  /**
   * The function's timeout, in seconds.
   *
   * An invocation not answered that long after the runtime received it ends with a `Sandbox.Timedout` error.
   * The `Lambda-Runtime-Deadline-Ms` header says when that is.
   *
   * @default 3 (Lambda's default)
   */
  readonly timeoutSeconds?: number;
  /**
   * The region.
   *
   * It is part of the invoked function ARN. Unlike a LocalFunction's `region`, the default does not come from
   * this process's environment.
   *
   * @default 'us-east-1'
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
   * The largest event and response accepted, in bytes.
   *
   * A larger event is refused by {@link RuntimeApiServer.enqueue} with `INVALID_EVENT`; a larger response gets 413 and
   * ends the invocation with `Function.ResponseSizeTooLarge`.
   *
   * @default MAX_PAYLOAD_BYTES (6,291,456 bytes, Lambda's limit for synchronous invocations)
   */
  readonly maxPayloadBytes?: number;
  /**
   * The largest streamed response accepted, in bytes.
   *
   * A streamed response that grows past it is cut there: the runtime gets 413 and the invocation ends with
   * `Function.ResponseSizeTooLarge`, after the chunks already relayed.
   *
   * @default MAX_STREAMED_RESPONSE_BYTES (209,715,200 bytes, Lambda's limit for response streaming)
   */
  readonly maxStreamedResponseBytes?: number;
  /**
   * How long a client may take to send a request's headers, in seconds (fractions allowed).
   *
   * The connection is closed (after a 408) when it takes longer. It must be a positive number: `INVALID_PROP`
   * otherwise.
   *
   * @default 10
   */
  readonly headersTimeoutSeconds?: number;
  /**
   * How long a client may take to send a whole request, headers and body, in seconds (fractions allowed).
   *
   * The connection is closed (after a 408) when it takes longer. It does not bound the wait for a response: a
   * `/next` long poll is complete once its headers are in, and may then wait for an event as long as it takes. It
   * must be a positive number: `INVALID_PROP` otherwise. A streamed response must arrive within it too, so the
   * default grows with the function's timeout.
   *
   * @default - 60, or the function's timeout plus 10 s when that is longer
   */
  readonly requestTimeoutSeconds?: number;
  /**
   * How many `/next` polls may wait for an event at once: the invocations one execution environment runs at once.
   *
   * With 1, as in classic Lambda, a second poll while one waits gets 409 (`ConcurrentNextInvocation`). Above 1, as
   * in a Lambda Managed Instances environment, up to that many polls wait (one more gets 409), each queued event goes
   * to a poll of its own, oldest first, answers and errors go to the invocation their request id names, and each
   * invocation has its own timeout. It must be a whole number from 1 to 1600: `INVALID_PROP` otherwise.
   *
   * @default 1
   */
  readonly maxConcurrency?: number;
}

/**
 * An event queued with {@link RuntimeApiServer.enqueue}.
 *
 * @jsii ignore Node.js only (other languages use the `cdk-rust` CLI).
 */
export interface PendingInvocation {
  readonly requestId: string;
  /** Settles once, when the runtime answers, the invocation times out, or it is aborted. Never rejects. */
  readonly outcome: Promise<InvocationOutcome>;
  /**
   * How the response starts, once known (before its first body byte); undefined when the invocation ended without
   * a response (an error, a timeout, an exit). Never rejects.
   */
  readonly head: Promise<ResponseHead | undefined>;
  /**
   * The response body: a streamed one chunk by chunk as the runtime sends it, a buffered one in one chunk. It ends
   * when the invocation ends, whichever way (never with an error event): `outcome` says how. While it is not read,
   * a streaming runtime is held back, so read it (or `resume()` it).
   */
  readonly body: Readable;
}
