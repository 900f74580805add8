/**
 * The Runtime API emulator's HTTP front (lib/invoke/runtime-api-http-server.ts): which requests it serves, how long a
 * client has to send one, and its timeout options, through plain HTTP requests against the real server.
 */
import * as http from 'http';
import { RuntimeApiServer } from '../../lib/invoke/runtime-api';
import { invocation, isPending, NEXT, rawExchange, request, sleep } from './runtime-api-client';

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
});
