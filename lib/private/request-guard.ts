/**
 * The one check every local HTTP server of cdk-rust makes before it reads a request: is the request addressed to
 * this server, and did a web page send it?
 *
 * - **Host.** A local server answers only requests whose `Host` names its own loopback address and port
 *   (`127.0.0.1:<port>`, `localhost:<port>` or `[::1]:<port>`). Through DNS rebinding, a web page reaches 127.0.0.1
 *   with its own host name in `Host`, and could read the answers: those requests are refused.
 * - **Origin.** A browser marks the requests it sends on a page's behalf: `Origin` (every cross-origin request, and
 *   every POST), `Sec-Fetch-Site` and `Sec-Fetch-Mode` (every request of a current browser). A server for programs
 *   only (the Runtime API) refuses any request so marked; a server a developer may open in a browser (`cdk-rust
 *   watch`) refuses those that come from another origin or site, so that typing its URL or following its own links
 *   keeps working. A CORS preflight from another origin carries `Origin`, so it is refused too, and the browser
 *   never sends the request it asked about.
 */
import * as http from 'http';
import { AddressInfo } from 'net';

/** The loopback names a local server answers to. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * Which requests from a browser a server serves: `none` (a server for programs), or `same-origin` (requests from
 * its own pages and from the address bar).
 */
export type BrowserPolicy = 'none' | 'same-origin';

/** Why a request is refused: it is addressed to another host, or a web page of another origin sent it. */
export interface RequestRefusal {
  readonly reason: 'host' | 'origin';
  /** What the request carries, for the message: `the Host "evil.example:9000"`, `Sec-Fetch-Site: cross-site`, ... */
  readonly carries: string;
}

/**
 * Why the request with `headers` must not be served by the loopback server on `port`; undefined when it may be.
 * The Host check comes first.
 */
export function requestRefusal(headers: http.IncomingHttpHeaders, port: number, browsers: BrowserPolicy): RequestRefusal | undefined {
  const host = headers.host;
  if (host === undefined || !LOOPBACK_NAMES.some((name) => host.toLowerCase() === `${name}:${port}`)) {
    return { reason: 'host', carries: host === undefined ? 'no Host header' : `the Host ${JSON.stringify(host)}` };
  }
  return browsers === 'none' ? anyBrowserHeader(headers) : crossOrigin(headers, port);
}

/**
 * A request handler that refuses (with `refuse`, before reading anything) the requests {@link requestRefusal}
 * refuses, and hands the others to `handler`. The port is read from the server the request came to.
 */
export function guardRequests(
  browsers: BrowserPolicy,
  refuse: (res: http.ServerResponse, refusal: RequestRefusal) => void,
  handler: http.RequestListener,
): http.RequestListener {
  return (req, res) => {
    const address = req.socket.address() as AddressInfo | Record<string, never>;
    const refusal = requestRefusal(req.headers, typeof address.port === 'number' ? address.port : -1, browsers);
    if (refusal === undefined) return handler(req, res);
    // The body is never read: the connection closes once the answer is sent.
    res.setHeader('Connection', 'close');
    refuse(res, refusal);
  };
}

/** The first header a browser adds to the requests it sends, if any. */
function anyBrowserHeader(headers: http.IncomingHttpHeaders): RequestRefusal | undefined {
  const header = ['origin', 'sec-fetch-site', 'sec-fetch-mode'].find((name) => headers[name] !== undefined);
  return header === undefined ? undefined : { reason: 'origin', carries: header };
}

/** Whether a browser says the request comes from a page of another origin (or another site). */
function crossOrigin(headers: http.IncomingHttpHeaders, port: number): RequestRefusal | undefined {
  const origin = headers.origin;
  if (origin !== undefined && !LOOPBACK_NAMES.some((name) => origin === `http://${name}:${port}`)) {
    return { reason: 'origin', carries: `the Origin ${JSON.stringify(origin)}` };
  }
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'none' && site !== 'same-origin') {
    return { reason: 'origin', carries: `Sec-Fetch-Site: ${site}` };
  }
  return undefined;
}
