/**
 * The errors an invocation ends with: the error body a runtime posts (to `/invocation/{id}/error`, `/init/error`, or
 * in the trailers of a streamed response), read as Lambda reads it, and the errors the emulator reports itself.
 */
import { InvocationOutcome, LambdaErrorBody } from './runtime-api-options';

/** An invocation that ended with a function error. */
export function functionError(requestId: string, errorType: string, errorMessage: string): InvocationOutcome {
  return { ok: false, requestId, kind: 'function', error: { errorType, errorMessage } };
}

/** An error body as the runtime posted it; Lambda falls back on the error-type header, then on `Unhandled`. */
export function errorBody(body: Buffer, header: string | string[] | undefined): LambdaErrorBody {
  const headerType = Array.isArray(header) ? header[0] : header;
  let parsed: any;
  try {
    parsed = JSON.parse(body.toString('utf-8'));
  } catch {
    parsed = undefined;
  }
  const errorType = typeof parsed?.errorType === 'string' && parsed.errorType ? parsed.errorType : (headerType ?? 'Unhandled');
  const errorMessage = typeof parsed?.errorMessage === 'string' ? parsed.errorMessage : body.toString('utf-8');
  const stackTrace = Array.isArray(parsed?.stackTrace) ? parsed.stackTrace.map(String) : undefined;
  return stackTrace ? { errorType, errorMessage, stackTrace } : { errorType, errorMessage };
}
