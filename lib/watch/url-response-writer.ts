/**
 * How `cdk-rust watch` writes a function's answer: a whole response, or a streamed one relayed as it arrives.
 */
import * as http from 'http';
import { pipeline } from 'stream/promises';
import { InvocationStream } from '../invoke/invocation-stream';
import { ResponseHead } from '../invoke/response-stream';
import { UrlResponse } from './function-url-event';

/** Writes a whole response: the one place buffered responses leave the session. */
export function respond(res: http.ServerResponse, response: UrlResponse): void {
  res.writeHead(response.statusCode, { ...response.headers, 'content-length': response.body.length });
  res.end(response.body);
}

/**
 * Relays a streamed response as a function URL in `RESPONSE_STREAM` mode does: the prelude's status, headers and
 * cookies (200 and the runtime's content type without one), then each chunk as it arrives (chunked encoding).
 */
export async function relayStream(
  res: http.ServerResponse,
  invocation: InvocationStream,
  head: ResponseHead,
  extra: Record<string, string>,
): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(head.headers ?? {})) headers[name.toLowerCase()] = value;
  if (headers['content-type'] === undefined && head.contentType) headers['content-type'] = head.contentType;
  if (head.cookies && head.cookies.length > 0) headers['set-cookie'] = head.cookies;
  res.writeHead(head.statusCode ?? 200, { ...headers, ...extra });
  res.flushHeaders();
  await pipeline(invocation.body, res);
}
