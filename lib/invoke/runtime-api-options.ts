/**
 * What the Runtime API emulator takes and reports: its options, the invocations it queues, how they
 * end, and errors as Lambda shapes them.
 */

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

/** How one invocation ended, as the emulator saw it. */
export type InvocationOutcome =
  | { readonly ok: true; readonly requestId: string; readonly payload: Buffer }
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
   * must be a positive number: `INVALID_PROP` otherwise.
   *
   * @default 60
   */
  readonly requestTimeoutSeconds?: number;
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
}
