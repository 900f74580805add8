/**
 * Lambda's payload limit: the largest event a synchronous invocation takes, and the largest response a
 * function may send back.
 */
import { CdkRustError } from '../errors';

/** Lambda's limit on a synchronous invocation's event and on a function's response: 6 MB (6,291,456 bytes). */
export const MAX_PAYLOAD_BYTES = 6_291_456;

/** A response as InvokeSuccess.payload holds it: parsed as JSON, or the text itself when it is not JSON. */
export function parsedPayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Refuses an event larger than `limitBytes` with `INVALID_EVENT`, as Lambda refuses it before invoking
 * anything. An event of exactly `limitBytes` passes.
 */
export function checkEventSize(event: Buffer, limitBytes = MAX_PAYLOAD_BYTES): void {
  if (event.length <= limitBytes) return;
  throw new CdkRustError(
    'INVALID_EVENT',
    `the event is ${event.length} bytes; Lambda accepts at most ${limitBytes} bytes (6 MB) for a synchronous invocation.`,
    'send a smaller event (put large data in S3 and pass its key).',
  );
}

/**
 * Lambda's limit on a streamed response (`Lambda-Runtime-Function-Response-Mode: streaming`): 200 MB (209,715,200
 * bytes). "response streaming functions can return payloads up to 200 MB, compared to the 6 MB maximum for buffered
 * responses": https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html (raised from 20 MB in
 * July 2025).
 */
export const MAX_STREAMED_RESPONSE_BYTES = 209_715_200;
