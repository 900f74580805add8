/**
 * The HTTP front of the Runtime API emulator: Node's HTTP server on 127.0.0.1, with a bounded time for a client to
 * send its request and the Host and Origin check every local server of cdk-rust makes (lib/private/request-guard.ts).
 *
 * Node's timeouts bound the time to *receive* a request (they stop once it is complete), never the time its response
 * takes, so the `/next` long poll is unaffected. A streamed response arrives over as long as the function runs: the
 * default request timeout leaves it the function's timeout.
 */
import * as http from 'http';
import { CdkRustError } from '../errors';
import { guardRequests, RequestRefusal } from '../private/request-guard';
import { reply } from './http-exchange';
import { RuntimeApiOptions } from './runtime-api-options';

/** The default time a client has to send a request's headers. */
const DEFAULT_HEADERS_TIMEOUT_SECONDS = 10;
/** The default time a client has to send a whole request: a 6 MB response over loopback takes milliseconds. */
const DEFAULT_REQUEST_TIMEOUT_SECONDS = 60;
/** How much longer than the function's timeout a streamed response may take to arrive, by default. */
const STREAM_REQUEST_MARGIN_SECONDS = 10;
/**
 * How long a connection may stay idle between requests beyond the function's timeout: a runtime that received an
 * event posts its answer on the same connection, at most a timeout later.
 */
const KEEP_ALIVE_MARGIN_MS = 60_000;

/**
 * A server (not yet listening) that hands `handle` the requests addressed to it, and refuses the others with 403.
 *
 * @param options the emulator's options: `headersTimeoutSeconds` and `requestTimeoutSeconds` are read here
 * @param functionTimeoutMs the function's timeout, which the default request timeout and the keep-alive follow
 * @throws CdkRustError INVALID_PROP when a timeout option is not a positive number of seconds
 */
export function createRuntimeApiHttpServer(
  options: RuntimeApiOptions,
  functionTimeoutMs: number,
  handle: http.RequestListener,
): http.Server {
  const requestTimeout = timeoutMs(
    'requestTimeoutSeconds',
    options.requestTimeoutSeconds ?? Math.max(DEFAULT_REQUEST_TIMEOUT_SECONDS, functionTimeoutMs / 1000 + STREAM_REQUEST_MARGIN_SECONDS),
  );
  const headersTimeout = Math.min(
    timeoutMs('headersTimeoutSeconds', options.headersTimeoutSeconds ?? DEFAULT_HEADERS_TIMEOUT_SECONDS),
    requestTimeout,
  );
  return http.createServer(
    {
      headersTimeout,
      requestTimeout,
      // The timeouts are checked every connectionsCheckingInterval.
      connectionsCheckingInterval: Math.min(1000, Math.max(10, Math.floor(headersTimeout / 4))),
      // A runtime keeps its connection between its `/next` and its answer, which comes within the function's timeout.
      keepAliveTimeout: functionTimeoutMs + KEEP_ALIVE_MARGIN_MS,
      // A request without a Host header is refused by the guard, with the same answer as one for another host.
      requireHostHeader: false,
    },
    guardRequests('none', refuseRequest, handle),
  );
}

/** Starts `server` on 127.0.0.1, on a free port. */
export function listenOnLoopback(server: http.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * The answer to a request that is not addressed to this server (DNS rebinding: a web page's request reaches 127.0.0.1
 * with the page's own host name in `Host`) or that a browser sent: 403, before anything else happens.
 */
function refuseRequest(res: http.ServerResponse, refusal: RequestRefusal): void {
  if (refusal.reason === 'host') {
    return reply(
      res,
      403,
      'InvalidHost',
      `the runtime API only serves requests addressed to it (the Host of AWS_LAMBDA_RUNTIME_API); this request has ${refusal.carries}.`,
    );
  }
  // A runtime never sends the headers a browser marks its requests with.
  reply(res, 403, 'InvalidOrigin', `the runtime API serves runtimes, not web pages; this request carries ${refusal.carries}.`);
}

/** Seconds (the option `prop`) as whole milliseconds, at least 1: a timeout of 0 would turn Node's timeout off. */
function timeoutMs(prop: string, seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new CdkRustError(
      'INVALID_PROP',
      `${prop}: ${seconds} is not a positive number of seconds.`,
      `give ${prop} a positive number of seconds (fractions allowed), or leave it out for the default.`,
    );
  }
  return Math.max(1, Math.round(seconds * 1000));
}
