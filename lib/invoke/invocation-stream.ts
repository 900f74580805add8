/**
 * One local invocation whose response is read as it arrives: its body as a stream, how the response starts, and
 * its result once it is over.
 */
import { Readable } from 'stream';
import { InvokeResult } from './invoke-result';
import { ResponseHead } from './response-stream';

/**
 * A local invocation in progress (from {@link LocalFunction.invokeStream}): for a function that streams its response,
 * the chunks arrive on `body` as the function sends them; a buffered response arrives in one chunk.
 *
 * To relay it (to stdout, or to an HTTP client): await `head` (status and headers, for an HTTP integration
 * response), pipe `body`, then await `result`. An invocation that fails mid-stream ends `body` normally after the
 * chunks already sent, and `result` reports the error.
 *
 * @jsii ignore Node.js only (other languages use the `cdk-rust` CLI).
 */
export interface InvocationStream {
  /**
   * The response body, chunk by chunk as the function sends it. It ends when the invocation ends, whichever way,
   * and never emits an error. While it is not read the function is held back, as a slow client holds back Lambda.
   */
  readonly body: Readable;
  /**
   * How the response starts, once known (before its first chunk); undefined when the invocation ended without a
   * response (an error before any output, a timeout, an exit). Never rejects.
   */
  readonly head: Promise<ResponseHead | undefined>;
  /**
   * The result, once the invocation is over. Its `payload` and `payloadText` are empty (`''`): the response went
   * through `body`. Rejects only when the invocation could not run at all (e.g. no bootstrap, or a closed
   * LocalFunction), as `invoke()` does.
   */
  readonly result: Promise<InvokeResult>;
}
