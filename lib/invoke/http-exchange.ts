/**
 * The HTTP plumbing of the Runtime API emulator: reading a bounded body, decoding a path segment, and
 * the JSON answers it sends. Nothing here knows the Runtime API's semantics.
 */
import * as http from 'http';

/** A percent-encoded path segment, decoded; undefined when its encoding is malformed (e.g. `%E0%A4%A`). */
export function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Reads the body, keeping at most `limit` bytes: `body` is undefined when it was larger. */
export function readLimited(req: http.IncomingMessage, limit: number, done: (body: Buffer | undefined, size: number) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
    else chunks.length = 0;
  });
  req.on('end', () => done(size <= limit ? Buffer.concat(chunks) : undefined, size));
  req.on('error', () => undefined);
}

/** Discards the rest of the body, then calls `done`. */
export function drainThen(req: http.IncomingMessage, done: () => void): void {
  req.resume();
  if (req.readableEnded) done();
  else req.on('end', done);
}

/** 202 with the Runtime API's `{"status":"OK"}` body. */
export function accepted(res: http.ServerResponse): void {
  const body = JSON.stringify({ status: 'OK' });
  res.writeHead(202, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** An error answer in the Runtime API's shape: `{ errorMessage, errorType }`. */
export function reply(res: http.ServerResponse, status: number, errorType: string, errorMessage: string): void {
  const body = JSON.stringify({ errorMessage, errorType });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
