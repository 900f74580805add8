/**
 * The HTTP front of one function of `cdk-rust watch`: a server on 127.0.0.1 that answers each request as the
 * function's URL would, by invoking the build served when the request came with a function URL event, and mapping
 * (or relaying, for a streamed response) what the function answers.
 */
import { randomUUID } from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';
import { CdkRustError } from '../errors';
import { readLimited } from '../invoke/http-exchange';
import { MAX_PAYLOAD_BYTES } from '../invoke/payload';
import { progress, warn } from '../private/progress';
import { readAll } from '../private/read-all';
import { functionUrlEvent, json, urlResponse } from './function-url-event';
import { ServedBuild } from './served-build';
import { relayStream, respond } from './url-response-writer';
import { guardWatchRequests } from './watch-request-guard';

/** What the front asks of the function it serves. */
export interface ServedFunction {
  /** Its construct path (or Stack/LogicalId), for messages. */
  readonly name: string;
  /** The id of its URL, in the event's `requestContext` (`<urlId>.lambda-url.<region>.on.aws`). */
  readonly urlId: string;
  /** The build that answers a request arriving now; undefined before the first build. */
  serving(): ServedBuild | undefined;
  /** Whether a build is under way (what a request before the first build is told). */
  building(): boolean;
  /** The region the function's events name. */
  region(): string;
  /** Called once a request `served` was answering is answered (a retired build may stop then). */
  answered(served: ServedBuild): Promise<void>;
}

/** The server of one function. Call {@link close} when done. */
export class FunctionUrlServer {
  private readonly server: http.Server;

  constructor(private readonly fn: ServedFunction) {
    // A request without a Host header is refused by the guard, as one for another host is.
    this.server = http.createServer(
      { requireHostHeader: false },
      guardWatchRequests((req, res) => this.handle(req, res)),
    );
  }

  /**
   * Listens on 127.0.0.1:`port` (0: a free port); returns the URL.
   *
   * @throws CdkRustError CLI_USAGE when the port is taken
   */
  public listen(port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new CdkRustError(
            'CLI_USAGE',
            `cannot serve ${this.fn.name} on 127.0.0.1:${port}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : error.message}.`,
            'pick other ports with --port N (the functions take N, N+1, ...), or --port 0 for free ones.',
          ),
        ),
      );
      this.server.listen(port, '127.0.0.1', () => {
        const url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
        progress(`${this.fn.name}: ${url}`);
        resolve(url);
      });
    });
  }

  /** Stops the server, ending every connection. */
  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    readLimited(req, MAX_PAYLOAD_BYTES, (body) => {
      void this.answer(req, res, body).catch((error) => {
        if (!res.headersSent) respond(res, json(500, { message: `cdk-rust watch: ${(error as Error).message}` }));
        else res.destroy();
      });
    });
  }

  /**
   * Answers one request with the function's response, from the build served when the request came: relayed chunk
   * by chunk as it arrives when the function streams it (`RESPONSE_STREAM`), else mapped from the whole payload.
   */
  private async answer(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer | undefined): Promise<void> {
    if (body === undefined) return respond(res, json(413, { message: 'Request Entity Too Large' }));
    const served = this.fn.serving();
    if (!served) {
      return respond(
        res,
        json(503, { message: `${this.fn.name} has no build to serve yet${this.fn.building() ? ': the first build is under way' : ''}` }),
      );
    }
    served.inflight += 1;
    try {
      await this.invoke(req, res, body, served);
    } catch (error) {
      if (error instanceof CdkRustError && error.code === 'INVALID_EVENT') return respond(res, json(413, { message: error.message }));
      throw error;
    } finally {
      served.inflight -= 1;
      await this.fn.answered(served);
    }
  }

  private async invoke(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, served: ServedBuild): Promise<void> {
    const event = functionUrlEvent(
      {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headersDistinct,
        body,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        protocol: `HTTP/${req.httpVersion}`,
      },
      { requestId: randomUUID(), urlId: this.fn.urlId, region: this.fn.region(), time: new Date() },
    );
    const build = { 'x-cdk-rust-build': served.hash.slice(0, 12) };
    const invocation = served.fn.invokeJsonStream(JSON.stringify(event));
    const head = await invocation.head;
    if (head?.streamed) {
      await relayStream(res, invocation, head, build);
      const result = await invocation.result;
      if (!result.ok)
        warn(`${this.fn.name}: the streamed response failed after it started: ${result.error.errorType}: ${result.error.errorMessage}`);
      return;
    }
    const payload = await readAll(invocation.body);
    const result = await invocation.result;
    const response = urlResponse(result.ok ? { ...result, payloadText: payload.toString('utf-8') } : result);
    respond(res, { ...response, headers: { ...response.headers, ...build } });
  }
}
