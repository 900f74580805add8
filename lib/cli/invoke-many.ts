/**
 * `cdk-rust invoke --invocations N`: the event sent N times at once to the function's one warm process (which runs
 * up to its concurrency of them at once), each response on a line of stdout as it arrives, each REPORT on stderr,
 * and a last line on stderr saying how many ran at once at most.
 */
import { InvokeResult } from '../invoke/invoke-result';
import { LocalFunction } from '../invoke/local-function';
import { progress } from '../private/progress';

/** The REPORT line of one invocation of the function `name`, on stderr. */
export function reportInvocation(name: string, result: InvokeResult): void {
  const init = result.initDurationMs !== undefined ? ` Init Duration: ${result.initDurationMs.toFixed(2)} ms` : '';
  progress(`REPORT ${name} RequestId: ${result.requestId || '-'} Duration: ${result.durationMs.toFixed(2)} ms${init}`);
}

/** Invokes `fn` with `eventJson` `count` times at once; returns the exit code: 1 when any invocation failed. */
export async function invokeMany(fn: LocalFunction, name: string, eventJson: string, count: number): Promise<number> {
  const results = await Promise.all(
    Array.from({ length: count }, async () => {
      const result = await fn.invokeJson(eventJson);
      reportInvocation(name, result);
      if (!result.ok) progress(`${name} failed (${result.kind}): ${result.error.errorType}: ${result.error.errorMessage}`);
      process.stdout.write(`${responseLine(result)}\n`);
      return result;
    }),
  );
  const failed = results.filter((r) => !r.ok).length;
  progress(
    `${count} invocations${failed > 0 ? `, ${failed} failed` : ''}: at most ${fn.peakConcurrency} ran at once ` +
      `(concurrency ${fn.concurrency}${fn.concurrency === 1 ? ', one at a time' : ''})`,
  );
  return failed > 0 ? 1 : 0;
}

/** The response on one line (JSON written again without its line breaks when it has any); the error JSON on failure. */
function responseLine(result: InvokeResult): string {
  if (!result.ok) return JSON.stringify(result.error);
  return result.payloadText.includes('\n') ? JSON.stringify(result.payload) : result.payloadText;
}
