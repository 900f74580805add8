/**
 * The Runtime API emulator's HTTP behaviour, through plain HTTP requests against the real server.
 */
import * as http from 'http';
import * as net from 'net';
import { MAX_PAYLOAD_BYTES } from '../../lib/invoke/payload';
import { RuntimeApiServer } from '../../lib/invoke/runtime-api';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(
  server: RuntimeApiServer,
  method: string,
  urlPath: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const [host, port] = server.address.split(':');
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: Number(port), method, path: urlPath, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf-8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const NEXT = '/2018-06-01/runtime/invocation/next';
const invocation = (id: string, what: string): string => `/2018-06-01/runtime/invocation/${id}/${what}`;

interface RawExchange {
  /** Everything the server sent. */
  received: string;
  /** Whether the server closed the connection within the wait. */
  closed: boolean;
}

/**
 * Writes `text` as is on a new connection to the server (so that headers can be left out, or a request left
 * unfinished), and resolves with what came back when the server closes the connection, or after `waitMs`.
 */
function rawExchange(server: RuntimeApiServer, text: string, waitMs = 3000): Promise<RawExchange> {
  const [host, port] = server.address.split(':');
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), host, () => socket.write(text));
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ received, closed: false });
    }, waitMs);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf-8');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ received, closed: true });
    });
    socket.on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a promise is still pending after the event loop has gone round. */
async function isPending(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => {
    settled = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return !settled;
}

describe("RuntimeApiServer: it serves one invocation at a time, with the headers, timeout and limits Lambda's Runtime API has", () => {
  let server: RuntimeApiServer;
  beforeEach(async () => {
    server = await RuntimeApiServer.start({ functionName: 'unit', timeoutSeconds: 1, region: 'eu-west-1', accountId: '123456789012' });
  });
  afterEach(() => server.close());

  test("listens on 127.0.0.1 and long-polls /next until an event is queued, with Lambda's headers", async () => {
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    const next = request(server, 'GET', NEXT);
    await new Promise((resolve) => server.once('next', resolve));
    expect(server.runtimeWaiting).toBe(true);
    const before = Date.now();
    const pending = server.enqueue('{"hello":"world"}');
    const reply = await next;
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('{"hello":"world"}');
    expect(reply.headers['lambda-runtime-aws-request-id']).toBe(pending.requestId);
    expect(reply.headers['lambda-runtime-invoked-function-arn']).toBe('arn:aws:lambda:eu-west-1:123456789012:function:unit');
    expect(reply.headers['lambda-runtime-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    const deadline = Number(reply.headers['lambda-runtime-deadline-ms']);
    expect(deadline).toBeGreaterThanOrEqual(before + 1000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 1000);

    const posted = await request(server, 'POST', invocation(pending.requestId, 'response'), '{"ok":1}');
    expect(posted.status).toBe(202);
    const outcome = await pending.outcome;
    expect(outcome.ok && outcome.payload.toString()).toBe('{"ok":1}');
  });

  test('an event queued first is delivered at once to the next poll', async () => {
    const pending = server.enqueue('[1,2,3]');
    const reply = await request(server, 'GET', NEXT);
    expect(reply.body).toBe('[1,2,3]');
    expect(reply.headers['lambda-runtime-aws-request-id']).toBe(pending.requestId);
  });

  test('an error post ends the invocation with its body; the header gives the type when the body has none', async () => {
    const first = server.enqueue('{}');
    await request(server, 'GET', NEXT);
    const body = JSON.stringify({ errorMessage: 'boom', errorType: 'MyError', stackTrace: ['a.rs:1'] });
    const posted = await request(server, 'POST', invocation(first.requestId, 'error'), body, {
      'Lambda-Runtime-Function-Error-Type': 'Unhandled',
    });
    expect(posted.status).toBe(202);
    expect(await first.outcome).toEqual({
      ok: false,
      requestId: first.requestId,
      kind: 'function',
      error: { errorType: 'MyError', errorMessage: 'boom', stackTrace: ['a.rs:1'] },
    });

    const second = server.enqueue('{}');
    await request(server, 'GET', NEXT);
    await request(server, 'POST', invocation(second.requestId, 'error'), 'not json', {
      'Lambda-Runtime-Function-Error-Type': 'Runtime.Custom',
    });
    expect(await second.outcome).toMatchObject({ ok: false, error: { errorType: 'Runtime.Custom', errorMessage: 'not json' } });
  });

  test('unknown request ids get 400, answers to ended invocations 403, unknown paths 404, wrong methods 405', async () => {
    const unknown = await request(server, 'POST', invocation('nope', 'response'), '{}');
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body)).toEqual({ errorType: 'InvalidRequestID', errorMessage: expect.stringContaining('nope') });
    expect((await request(server, 'POST', invocation('nope', 'error'), '{}')).status).toBe(400);

    const pending = server.enqueue('{}');
    await request(server, 'GET', NEXT);
    expect((await request(server, 'POST', invocation(pending.requestId, 'response'), '1')).status).toBe(202);
    const again = await request(server, 'POST', invocation(pending.requestId, 'response'), '2');
    expect(again.status).toBe(403);
    expect(JSON.parse(again.body).errorType).toBe('InvalidStateTransition');
    expect((await pending.outcome).ok).toBe(true);

    expect((await request(server, 'GET', '/2018-06-01/runtime/nothing')).status).toBe(404);
    expect((await request(server, 'POST', NEXT, '{}')).status).toBe(405);
    expect((await request(server, 'GET', invocation(pending.requestId, 'response'))).status).toBe(405);
  });

  test('a response over 6 MB gets 413 and ends the invocation with Function.ResponseSizeTooLarge; 6 MB exactly is fine', async () => {
    const big = server.enqueue('{}');
    await request(server, 'GET', NEXT);
    const posted = await request(server, 'POST', invocation(big.requestId, 'response'), Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x61));
    expect(posted.status).toBe(413);
    expect(JSON.parse(posted.body).errorType).toBe('RequestEntityTooLarge');
    expect(await big.outcome).toMatchObject({
      ok: false,
      kind: 'function',
      error: {
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: 'Response payload size (6291457 bytes) exceeded maximum allowed payload size (6291456 bytes).',
      },
    });

    const exact = server.enqueue('{}');
    await request(server, 'GET', NEXT);
    expect((await request(server, 'POST', invocation(exact.requestId, 'response'), Buffer.alloc(MAX_PAYLOAD_BYTES, 0x61))).status).toBe(
      202,
    );
    expect((await exact.outcome).ok).toBe(true);
  });

  test('an event over 6 MB is refused before it is queued', () => {
    expect(() => server.enqueue(Buffer.alloc(MAX_PAYLOAD_BYTES + 1))).toThrow(/6291457 bytes; Lambda accepts at most 6291456 bytes/);
  });

  test("an unanswered invocation times out with Sandbox.Timedout after the function's timeout", async () => {
    const pending = server.enqueue('{}');
    const timedOut = new Promise((resolve) => server.once('timeout', resolve));
    await request(server, 'GET', NEXT);
    const started = Date.now();
    expect(await pending.outcome).toMatchObject({
      ok: false,
      kind: 'timeout',
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(await timedOut).toBe(pending.requestId);
    expect((await request(server, 'POST', invocation(pending.requestId, 'response'), '{}')).status).toBe(403);
  });

  test('/init/error is accepted (202) during init and refused (403) once an event was received', async () => {
    const reported = new Promise((resolve) => server.once('init-error', resolve));
    const body = JSON.stringify({ errorMessage: 'no config', errorType: 'Runtime.ConfigError' });
    expect((await request(server, 'POST', '/2018-06-01/runtime/init/error', body)).status).toBe(202);
    expect(await reported).toEqual({ errorType: 'Runtime.ConfigError', errorMessage: 'no config' });

    server.resetRuntime();
    server.enqueue('{}');
    await request(server, 'GET', NEXT);
    expect((await request(server, 'POST', '/2018-06-01/runtime/init/error', body)).status).toBe(403);
  });
});

describe('RuntimeApiServer: a malformed request is answered, and the emulator keeps serving', () => {
  let server: RuntimeApiServer;
  beforeEach(async () => {
    server = await RuntimeApiServer.start();
  });
  afterEach(() => server.close());

  test('a request id with malformed percent-encoding gets 400 InvalidRequestID, and the next requests are served', async () => {
    const pending = server.enqueue('{}');
    await request(server, 'GET', NEXT);
    const malformed = await request(server, 'POST', invocation('%E0%A4%A', 'response'), '{}');
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body)).toEqual({
      errorType: 'InvalidRequestID',
      errorMessage: expect.stringContaining('not valid percent-encoding'),
    });
    expect((await request(server, 'POST', invocation('%', 'error'), '{}')).status).toBe(400);
    expect(await isPending(pending.outcome)).toBe(true);

    expect((await request(server, 'POST', invocation(pending.requestId, 'response'), '"still here"')).status).toBe(202);
    expect(await pending.outcome).toMatchObject({ ok: true, payload: Buffer.from('"still here"') });
  });
});

describe('RuntimeApiServer: only requests addressed to its own loopback address and port are served', () => {
  let server: RuntimeApiServer;
  let port: string;
  beforeEach(async () => {
    server = await RuntimeApiServer.start();
    port = server.address.split(':')[1];
  });
  afterEach(() => server.close());

  test('the Host a runtime sends, 127.0.0.1:<port> (AWS_LAMBDA_RUNTIME_API), is served, and so are localhost:<port> and [::1]:<port>', async () => {
    for (const host of [server.address, `localhost:${port}`, `LocalHost:${port}`, `[::1]:${port}`]) {
      const pending = server.enqueue(JSON.stringify({ host }));
      const next = await request(server, 'GET', NEXT, undefined, { Host: host });
      expect(next.status).toBe(200);
      expect(next.headers['lambda-runtime-aws-request-id']).toBe(pending.requestId);
      expect((await request(server, 'POST', invocation(pending.requestId, 'response'), '1', { Host: host })).status).toBe(202);
      expect((await pending.outcome).ok).toBe(true);
    }
    // What a runtime written by hand sends (test/fixtures/raw-runtime): HTTP/1.1, Host: $AWS_LAMBDA_RUNTIME_API.
    server.enqueue('"raw"');
    const raw = await rawExchange(
      server,
      `GET ${NEXT} HTTP/1.1\r\nHost: ${server.address}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
    );
    expect(raw.received).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\n"raw"$/);
  });

  test('a request a web page sends from the browser (Origin, Sec-Fetch-*) gets 403 and takes no event, even with the right Host', async () => {
    const pending = server.enqueue('{"secret":1}');
    const browserHeaders: Array<Record<string, string>> = [
      { Origin: 'https://evil.example' },
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Mode': 'no-cors' },
    ];
    for (const headers of browserHeaders) {
      const refused = await request(server, 'GET', NEXT, undefined, { Host: server.address, ...headers });
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.body).errorType).toBe('InvalidOrigin');
      expect(refused.body).not.toContain('secret');
    }
    expect(server.deliveredCount).toBe(0);
    const next = await request(server, 'GET', NEXT, undefined, { Host: server.address });
    expect(next.headers['lambda-runtime-aws-request-id']).toBe(pending.requestId);
  });

  test('a request for another host (DNS rebinding), another port, or no port gets 403 and takes no event', async () => {
    const pending = server.enqueue('{"secret":1}');
    let polls = 0;
    server.on('next', () => {
      polls += 1;
    });
    for (const host of [
      `evil.example:${port}`,
      'evil.example',
      `127.0.0.1:${Number(port) + 1}`,
      '127.0.0.1',
      `127.0.0.1.evil.example:${port}`,
    ]) {
      const refused = await request(server, 'GET', NEXT, undefined, { Host: host });
      expect(refused.status).toBe(403);
      expect(refused.headers.connection).toBe('close');
      expect(JSON.parse(refused.body)).toEqual({ errorType: 'InvalidHost', errorMessage: expect.stringContaining(JSON.stringify(host)) });
      expect(refused.body).not.toContain('secret');
    }
    expect(polls).toBe(0);
    expect(server.deliveredCount).toBe(0);
    expect(server.runtimeWaiting).toBe(false);

    const next = await request(server, 'GET', NEXT);
    expect(next.body).toBe('{"secret":1}');
    // Nor can such a request answer the invocation.
    const forged = await request(server, 'POST', invocation(pending.requestId, 'response'), '"forged"', { Host: `evil.example:${port}` });
    expect(forged.status).toBe(403);
    expect(await isPending(pending.outcome)).toBe(true);
    await request(server, 'POST', invocation(pending.requestId, 'response'), '"genuine"');
    expect(await pending.outcome).toMatchObject({ ok: true, payload: Buffer.from('"genuine"') });
  });

  test('a request without a Host header gets 403 (HTTP/1.1 and HTTP/1.0 alike), and takes no event', async () => {
    server.enqueue('{}');
    for (const version of ['1.1', '1.0']) {
      const refused = await rawExchange(server, `GET ${NEXT} HTTP/${version}\r\nConnection: close\r\n\r\n`);
      expect(refused.closed).toBe(true);
      expect(refused.received).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
      expect(refused.received).toContain('"errorType":"InvalidHost"');
    }
    expect(server.deliveredCount).toBe(0);
  });
});

describe('RuntimeApiServer: a client has a bounded time to send a request, while /next may wait for an event as long as it takes', () => {
  const TIMEOUT_SECONDS = 0.2;
  let server: RuntimeApiServer;
  beforeEach(async () => {
    server = await RuntimeApiServer.start({
      timeoutSeconds: 30,
      headersTimeoutSeconds: TIMEOUT_SECONDS,
      requestTimeoutSeconds: TIMEOUT_SECONDS,
    });
  });
  afterEach(() => server.close());

  test('a client that sends its headers and then stalls mid-body has its connection closed, and answers nothing', async () => {
    const pending = server.enqueue('{}');
    await request(server, 'GET', NEXT);
    const started = Date.now();
    const stalled = await rawExchange(
      server,
      `POST ${invocation(pending.requestId, 'response')} HTTP/1.1\r\nHost: ${server.address}\r\nContent-Length: 100\r\n\r\n{"partial":`,
    );
    expect(stalled.closed).toBe(true);
    expect(stalled.received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await isPending(pending.outcome)).toBe(true);
    // The emulator still serves, and the invocation can still be answered.
    expect((await request(server, 'POST', invocation(pending.requestId, 'response'), '"ok"')).status).toBe(202);
    expect((await pending.outcome).ok).toBe(true);
  });

  test('a client that stalls mid-headers, or sends nothing, has its connection closed', async () => {
    const [partial, silent] = await Promise.all([
      rawExchange(server, `GET ${NEXT} HTTP/1.1\r\nHost: ${server.address}\r\n`),
      rawExchange(server, ''),
    ]);
    expect(partial).toEqual({ closed: true, received: expect.stringMatching(/^HTTP\/1\.1 408 Request Timeout\r\n/) });
    expect(silent).toEqual({ closed: true, received: expect.stringMatching(/^HTTP\/1\.1 408 Request Timeout\r\n/) });
    expect(server.runtimeWaiting).toBe(false);
  });

  test('a /next long poll that waits longer than the request timeout still gets its event', async () => {
    const next = request(server, 'GET', NEXT);
    await new Promise((resolve) => server.once('next', resolve));
    await sleep(TIMEOUT_SECONDS * 1000 * 5);
    expect(server.runtimeWaiting).toBe(true);
    const pending = server.enqueue('{"late":true}');
    const reply = await next;
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('{"late":true}');
    expect(reply.headers['lambda-runtime-aws-request-id']).toBe(pending.requestId);
  });

  test('by default, headers must arrive within 10 s and the whole request within 60 s; neither bound can be turned off', async () => {
    const defaults = await RuntimeApiServer.start();
    try {
      const node = (defaults as unknown as { server: http.Server }).server;
      expect(node.headersTimeout).toBe(10_000);
      expect(node.requestTimeout).toBe(60_000);
    } finally {
      await defaults.close();
    }
    await expect(RuntimeApiServer.start({ requestTimeoutSeconds: 0 })).rejects.toMatchObject({ code: 'INVALID_PROP' });
  });
});

describe('RuntimeApiServer: a misuse fails with a CdkRustError that names the option and says what to do', () => {
  test('a timeout that is not a positive number of seconds fails with INVALID_PROP naming the option', async () => {
    await expect(RuntimeApiServer.start({ headersTimeoutSeconds: -1 })).rejects.toMatchObject({
      code: 'INVALID_PROP',
      message:
        '[INVALID_PROP] headersTimeoutSeconds: -1 is not a positive number of seconds.\nFix: give headersTimeoutSeconds a positive number of seconds (fractions allowed), or leave it out for the default.',
    });
    await expect(RuntimeApiServer.start({ requestTimeoutSeconds: Number.NaN })).rejects.toMatchObject({
      code: 'INVALID_PROP',
      message: expect.stringContaining('requestTimeoutSeconds: NaN is not a positive number of seconds.'),
    });
  });

  test('the address of a closed server cannot be read: INVOKE_FAILED, saying when it can be', async () => {
    const server = await RuntimeApiServer.start();
    await server.close();
    expect(() => server.address).toThrow(
      /the runtime API server is not listening: it was closed\.\nFix: read the address between `await RuntimeApiServer.start\(\)` and `close\(\)`/,
    );
  });
});
