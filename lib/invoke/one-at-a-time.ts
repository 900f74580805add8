/**
 * Spotting a runtime that takes one invocation at a time although its environment allows more: a Rust function that
 * calls `lambda_runtime::run` (which only logs a warning about `AWS_LAMBDA_MAX_CONCURRENCY`) instead of
 * `run_concurrent`. Deployed on Lambda Managed Instances, it would serve each environment's invocations one by one.
 *
 * The sign is certain for such a runtime and needs no waiting: an invocation ends while another event sits queued
 * for a poll, and the runtime has never had more than one `/next` waiting nor more than one invocation running. A
 * runtime with several workers has them all polling right after its init, so that the queued event would have gone
 * to one of them.
 */
import { RuntimeApiServer } from './runtime-api';

/** Whether the runtime served by `server` shows the sign, read as an invocation's outcome arrives. */
export function takesOneAtATime(server: Pick<RuntimeApiServer, 'queuedCount' | 'peakWaitingPolls' | 'peakRunning'>): boolean {
  return server.queuedCount > 0 && server.peakWaitingPolls <= 1 && server.peakRunning <= 1;
}

/** The line that says so, for a function allowed `concurrency` invocations at once. */
export function oneAtATimeMessage(bootstrap: string, concurrency: number): string {
  return (
    `${bootstrap} takes one invocation at a time although ${concurrency} are allowed at once (AWS_LAMBDA_MAX_CONCURRENCY=${concurrency}): ` +
    'the others wait. To serve them concurrently, as Lambda Managed Instances does, enable the lambda_runtime feature ' +
    '`concurrency-tokio` and call `lambda_runtime::run_concurrent(handler)` instead of `run` (the handler must be Clone + Send).'
  );
}
