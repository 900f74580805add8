/**
 * A response a runtime streams to the Runtime API: a POST to `/invocation/{id}/response` with
 * `Lambda-Runtime-Function-Response-Mode: streaming` and a chunked body, relayed chunk by chunk as it arrives,
 * within a size limit, with the error trailers a runtime may send at its end.
 *
 * The protocol (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html#runtimes-custom-response-streaming):
 * the runtime sets `Lambda-Runtime-Function-Response-Mode: streaming` and `Transfer-Encoding: chunked`, announces
 * `Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body`, and reports an error that occurs
 * mid-stream in those trailers (the body base64-encoded). A response of type
 * `application/vnd.awslambda.http-integration-response` (what `lambda_runtime` streams) opens with a JSON prelude
 * (`statusCode`, `headers`, `cookies`) ended by 8 NUL bytes, which a function URL turns into the HTTP status and
 * headers; the bytes after it are the body.
 */
import * as http from 'http';
import { Writable } from 'stream';

/** The header that marks a streamed response. */
export const RESPONSE_MODE_HEADER = 'lambda-runtime-function-response-mode';
/** The trailers that report an error mid-stream. */
export const ERROR_TYPE_TRAILER = 'lambda-runtime-function-error-type';
export const ERROR_BODY_TRAILER = 'lambda-runtime-function-error-body';
/** The content type of a response that opens with an HTTP prelude. */
export const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const PRELUDE_DELIMITER = Buffer.alloc(8, 0);
/** The most of a prelude this emulator looks through for its delimiter (its own bound: a prelude is a few headers). */
const MAX_PRELUDE_BYTES = 65_536;

/**
 * How a response starts: whether it is streamed, its content type, and for an HTTP integration response the
 * status code, headers and cookies of its prelude (which are not part of the body).
 *
 * @jsii ignore Node.js only (other languages use the `cdk-rust` CLI).
 */
export interface ResponseHead {
  /** True when the runtime streamed the response (`Lambda-Runtime-Function-Response-Mode: streaming`). */
  readonly streamed: boolean;
  /** The response's content type: the prelude's `content-type` header, else the runtime's `Content-Type`. */
  readonly contentType?: string;
  /** The prelude's status code, for an HTTP integration response. */
  readonly statusCode?: number;
  /** The prelude's headers, for an HTTP integration response. */
  readonly headers?: Record<string, string>;
  /** The prelude's cookies, for an HTTP integration response. */
  readonly cookies?: string[];
}

/** Whether the runtime streams this response. */
export function isStreamedResponse(req: http.IncomingMessage): boolean {
  return headerValue(req.headers[RESPONSE_MODE_HEADER])?.toLowerCase() === 'streaming';
}

/** How reading a streamed response ended. */
export type StreamEnd =
  | { readonly how: 'complete'; readonly size: number; readonly trailers: NodeJS.Dict<string> }
  | { readonly how: 'too-large'; readonly size: number }
  | { readonly how: 'truncated'; readonly size: number };

/**
 * Reads a streamed response from `req`: calls `onHead` once (before any body byte), writes the body to `body` as it
 * arrives (pausing the runtime while `body` is full), and calls `onEnd` once. It stops reading when the response
 * passes `limit` bytes (the prelude included) or when `cancelled()` turns true.
 */
export function readStreamedResponse(
  req: http.IncomingMessage,
  limit: number,
  body: Writable,
  onHead: (head: ResponseHead) => void,
  onEnd: (end: StreamEnd) => void,
  cancelled: () => boolean,
): void {
  const requestType = headerValue(req.headers['content-type']);
  let prelude: Buffer | undefined =
    requestType?.split(';')[0].trim().toLowerCase() === HTTP_INTEGRATION_CONTENT_TYPE ? Buffer.alloc(0) : undefined;
  let headSent = false;
  let size = 0;
  let ended = false;
  const head = (value: ResponseHead): void => {
    if (headSent) return;
    headSent = true;
    onHead(value);
  };
  const finish = (end: StreamEnd): void => {
    if (ended) return;
    ended = true;
    onEnd(end);
  };
  const forward = (chunk: Buffer): void => {
    if (chunk.length === 0) return;
    if (!body.write(chunk)) {
      req.pause();
      body.once('drain', () => req.resume());
    }
  };
  /** The prelude read so far: once its delimiter is in, the head is sent and the rest forwarded. */
  const takePrelude = (final: boolean): void => {
    const buffered = prelude as Buffer;
    const at = buffered.indexOf(PRELUDE_DELIMITER);
    if (at < 0 && !final && buffered.length <= MAX_PRELUDE_BYTES) return;
    prelude = undefined;
    const parsed = at < 0 ? undefined : parsePrelude(buffered.subarray(0, at));
    if (!parsed) {
      // Not a prelude after all: the bytes are the body, as sent.
      head({ streamed: true, contentType: requestType });
      return forward(buffered);
    }
    head(parsed);
    forward(buffered.subarray(at + PRELUDE_DELIMITER.length));
  };

  req.on('data', (chunk: Buffer) => {
    if (ended) return;
    if (cancelled()) {
      req.destroy();
      return;
    }
    size += chunk.length;
    if (size > limit) {
      req.pause();
      return finish({ how: 'too-large', size });
    }
    if (prelude) {
      prelude = Buffer.concat([prelude, chunk]);
      return takePrelude(false);
    }
    head({ streamed: true, contentType: requestType });
    forward(chunk);
  });
  req.on('end', () => {
    if (ended || cancelled()) return;
    if (prelude) takePrelude(true);
    head({ streamed: true, contentType: requestType });
    finish({ how: 'complete', size, trailers: req.trailers });
  });
  // A connection closed before the body's end: the runtime stopped (or crashed) mid-stream.
  req.on('close', () => {
    if (!req.complete) finish({ how: 'truncated', size });
  });
  req.on('error', () => undefined);
}

/** The error a runtime reported in its trailers, as the error body Lambda reports; undefined when it reported none. */
export function trailerError(trailers: NodeJS.Dict<string>): { type?: string; body: Buffer } | undefined {
  const type = trailers[ERROR_TYPE_TRAILER];
  const encoded = trailers[ERROR_BODY_TRAILER];
  if (type === undefined && encoded === undefined) return undefined;
  return { type, body: Buffer.from(encoded ?? '', 'base64') };
}

function parsePrelude(json: Buffer): ResponseHead | undefined {
  let parsed: any;
  try {
    parsed = JSON.parse(json.toString('utf-8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const headers: Record<string, string> = {};
  if (typeof parsed.headers === 'object' && parsed.headers !== null) {
    for (const [name, value] of Object.entries(parsed.headers)) headers[name.toLowerCase()] = String(value);
  }
  return {
    streamed: true,
    contentType: headers['content-type'],
    statusCode: typeof parsed.statusCode === 'number' ? parsed.statusCode : 200,
    headers,
    cookies: Array.isArray(parsed.cookies) ? parsed.cookies.map(String) : [],
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
