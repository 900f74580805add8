/**
 * What one local invocation returned: the response, or the error as Lambda reports it, with the
 * function's logs and timings.
 */
import { InvokeErrorKind, LambdaErrorBody } from './runtime-api-options';

interface InvokeResultBase {
  /** The request id the runtime was given (`Lambda-Runtime-Aws-Request-Id`). */
  readonly requestId: string;
  /**
   * What the function printed (stdout and stderr) during this invocation, including its init when cold (and what it
   * printed while no invocation ran, before this one). When invocations overlap (a `concurrency` above 1), it holds
   * every line printed while this one ran, other invocations' lines included, interleaved as they came.
   */
  readonly logs: string;
  /** From the event being queued to the invocation's end, in milliseconds (init excluded). */
  readonly durationMs: number;
  /** When the invocation started a process: from its spawn to its first `/next`, in milliseconds. */
  readonly initDurationMs?: number;
}

/**
 * A successful invocation.
 *
 * @jsii ignore Node.js only (other languages use the `cdk-rust` CLI).
 */
export interface InvokeSuccess extends InvokeResultBase {
  readonly ok: true;
  /** The response, parsed as JSON; the raw text when it is not JSON. */
  readonly payload: unknown;
  /** The response as the function sent it. */
  readonly payloadText: string;
  /** True when the function streamed its response (`Lambda-Runtime-Function-Response-Mode: streaming`). */
  readonly streamed: boolean;
}

/**
 * A failed invocation: a function error, a timeout, an init error or an exit.
 *
 * @jsii ignore Node.js only (other languages use the `cdk-rust` CLI).
 */
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
