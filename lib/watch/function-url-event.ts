/**
 * Lambda function URLs, locally: an HTTP request as the event a function URL sends (payload format 2.0),
 * and the function's result as the HTTP response the function URL returns. Pure functions of their
 * inputs, so that what `cdk-rust watch` serves can be checked without a process running.
 */
import { InvokeResult } from '../invoke/invoke-result';
import { parsedPayload } from '../invoke/payload';

/** The parts of an HTTP request a function URL event carries. */
export interface UrlRequest {
  readonly method: string;
  /** The request target: path and query string, as sent (`/a/b?x=1`). */
  readonly url: string;
  /** `IncomingMessage.headersDistinct`: lower-case names, every value of repeated headers. */
  readonly headers: Record<string, string[] | undefined>;
  readonly body: Buffer;
  /** The client's address. */
  readonly sourceIp: string;
  /** `HTTP/1.1`, ... */
  readonly protocol: string;
}

/** What identifies this request and its function URL. */
export interface UrlRequestContext {
  readonly requestId: string;
  /** The function URL's id (its host's first label). */
  readonly urlId: string;
  readonly region: string;
  /** The time the request arrived. */
  readonly time: Date;
}

/** The HTTP response for a function's result. */
export interface UrlResponse {
  readonly statusCode: number;
  /** Header values; `set-cookie` may have several. */
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

/**
 * Content types whose bodies a function URL passes as text; any other body is base64-encoded
 * (`isBase64Encoded: true`).
 */
const TEXT_TYPES = /^(?:text\/|application\/(?:[\w.+-]*\+)?(?:json|xml|javascript|x-www-form-urlencoded|yaml)\b)/i;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The function URL event (payload format 2.0) for `request`. */
export function functionUrlEvent(request: UrlRequest, context: UrlRequestContext): Record<string, unknown> {
  const query = request.url.indexOf('?');
  const rawPath = query < 0 ? request.url : request.url.slice(0, query);
  const rawQueryString = query < 0 ? '' : request.url.slice(query + 1);
  const headers: Record<string, string> = {};
  let cookies: string[] = [];
  for (const [name, values] of Object.entries(request.headers)) {
    if (!values || values.length === 0) continue;
    if (name === 'cookie') cookies = values.flatMap((v) => v.split(';').map((c) => c.trim())).filter(Boolean);
    else headers[name] = values.join(',');
  }
  const queryStringParameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    queryStringParameters[name] = name in queryStringParameters ? `${queryStringParameters[name]},${value}` : value;
  }
  const domainName = `${context.urlId}.lambda-url.${context.region}.on.aws`;
  const hasBody = request.body.length > 0;
  const asText = hasBody && TEXT_TYPES.test(headers['content-type'] ?? '');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(queryStringParameters).length > 0 ? { queryStringParameters } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: context.urlId,
      domainName,
      domainPrefix: context.urlId,
      http: {
        method: request.method,
        path: rawPath,
        protocol: request.protocol,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: context.requestId,
      routeKey: '$default',
      stage: '$default',
      time: clfTime(context.time),
      timeEpoch: context.time.getTime(),
    },
    ...(hasBody ? { body: asText ? request.body.toString('utf-8') : request.body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !asText,
  };
}

/**
 * The HTTP response a function URL returns for `result` (read from its `payloadText`, which a streamed invocation's
 * caller fills in): a payload with a `statusCode` is a response
 * object (`statusCode`, `headers`, `body`, `isBase64Encoded`, `cookies`); any other payload is the body
 * of a 200 `application/json` response; a failed invocation is a 502 carrying the error.
 */
export function urlResponse(result: InvokeResult): UrlResponse {
  if (!result.ok) {
    return json(502, { message: 'Internal Server Error', errorType: result.error.errorType, errorMessage: result.error.errorMessage });
  }
  const payload = parsedPayload(result.payloadText) as Record<string, unknown> | null;
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload) || typeof payload.statusCode !== 'number') {
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(result.payloadText, 'utf-8') };
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries((payload.headers ?? {}) as Record<string, unknown>)) {
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
  }
  if (Array.isArray(payload.cookies) && payload.cookies.length > 0) headers['set-cookie'] = payload.cookies.map(String);
  const text =
    payload.body === undefined || payload.body === null
      ? ''
      : typeof payload.body === 'string'
        ? payload.body
        : JSON.stringify(payload.body);
  const body = payload.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf-8');
  if (headers['content-type'] === undefined && body.length > 0) headers['content-type'] = 'application/json';
  return { statusCode: payload.statusCode, headers, body };
}

/** A JSON response, for errors. */
export function json(statusCode: number, value: unknown): UrlResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(value), 'utf-8') };
}

/** `12/Mar/2020:19:03:58 +0000`, the request time format of function URL events. */
function clfTime(time: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(time.getUTCDate())}/${MONTHS[time.getUTCMonth()]}/${time.getUTCFullYear()}:${two(time.getUTCHours())}:${two(time.getUTCMinutes())}:${two(time.getUTCSeconds())} +0000`;
}
