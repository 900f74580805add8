/**
 * Streamed responses through the Runtime API emulator: raw chunked POSTs from Node's HTTP client, as a runtime sends
 * them (`Lambda-Runtime-Function-Response-Mode: streaming`, trailers for errors), against the real server.
 */
import * as http from 'http';
import { Readable } from 'stream';
import { RuntimeApiServer } from '../../lib/invoke/runtime-api';
import { RuntimeApiOptions } from '../../lib/invoke/runtime-api-options';

const STREAMING = {
  'Lambda-Runtime-Function-Response-Mode': 'streaming',
  Trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body',
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let server: RuntimeApiServer;
afterEach(async () => server?.close());

/** Starts a server, queues an event and takes it as the runtime would; returns the pending invocation. */
async function running(options: RuntimeApiOptions = {}) {
  server = await RuntimeApiServer.start(options);
  const pending = server.enqueue('{}');
  const [host, port] = server.address.split(':');
  await new Promise<void>((resolve, reject) => {
    http
      .get({ host, port: Number(port), path: '/2018-06-01/runtime/invocation/next', agent: false }, (res) =>
        res.resume().on('end', resolve),
      )
      .on('error', reject);
  });
  return pending;
}

/** A chunked POST of a response, left open: write chunks to it, then end it. `reply` is the emulator's answer. */
function post(
  requestId: string,
  headers: Record<string, string> = STREAMING,
): { req: http.ClientRequest; reply: Promise<{ status: number; body: string }> } {
  const [host, port] = server.address.split(':');
  const req = http.request({
    host,
    port: Number(port),
    method: 'POST',
    path: `/2018-06-01/runtime/invocation/${requestId}/response`,
    headers,
    agent: false,
  });
  const reply = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
  req.flushHeaders();
  return { req, reply };
}

/** Collects a body's chunks with the time each arrived. */
function chunksOf(body: Readable): { chunks: string[]; ended: Promise<void> } {
  const chunks: string[] = [];
  body.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { chunks, ended: new Promise((resolve) => body.on('end', resolve)) };
}

async function until(condition: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('RuntimeApiServer, streamed responses: relayed as they arrive, with error trailers, a size limit and the timeout', () => {
  test('each chunk reaches the body before the runtime has finished; the invocation then succeeds and the runtime gets 202', async () => {
    const pending = await running();
    const { chunks, ended } = chunksOf(pending.body);
    const { req, reply } = post(pending.requestId, { ...STREAMING, 'Content-Type': 'text/plain' });
    req.write('first\n');
    await until(() => chunks.length === 1);
    expect(await pending.head).toEqual({ streamed: true, contentType: 'text/plain' });
    req.write('second\n');
    await until(() => chunks.length === 2);
    expect(chunks).toEqual(['first\n', 'second\n']);
    req.end();
    expect(await reply).toEqual({ status: 202, body: '{"status":"OK"}' });
    await ended;
    expect(await pending.outcome).toEqual({ ok: true, requestId: pending.requestId, payload: Buffer.alloc(0), streamedBytes: 13 });
  });

  test("an HTTP integration response's prelude becomes the head, and only what follows it is the body", async () => {
    const pending = await running();
    const { chunks, ended } = chunksOf(pending.body);
    const { req } = post(pending.requestId, { ...STREAMING, 'Content-Type': 'application/vnd.awslambda.http-integration-response' });
    // The prelude may be split across chunks, and its delimiter share a chunk with the body.
    req.write('{"statusCode":201,"headers":{"Content-Type":"text/csv"},');
    req.write(`"cookies":["a=1"]}${'\0'.repeat(8)}x,y\n`);
    req.end('1,2\n');
    await ended;
    expect(await pending.head).toEqual({
      streamed: true,
      contentType: 'text/csv',
      statusCode: 201,
      headers: { 'content-type': 'text/csv' },
      cookies: ['a=1'],
    });
    expect(chunks.join('')).toBe('x,y\n1,2\n');
  });

  test('error trailers after some chunks end the invocation as a function error, after the chunks already relayed', async () => {
    const pending = await running();
    const { chunks, ended } = chunksOf(pending.body);
    const { req, reply } = post(pending.requestId);
    req.write('partial ');
    await until(() => chunks.length === 1);
    const error = { errorType: 'StreamBroke', errorMessage: 'the source went away' };
    req.addTrailers({
      'Lambda-Runtime-Function-Error-Type': 'StreamBroke',
      'Lambda-Runtime-Function-Error-Body': Buffer.from(JSON.stringify(error)).toString('base64'),
    });
    req.end();
    expect((await reply).status).toBe(202);
    await ended;
    expect(chunks).toEqual(['partial ']);
    expect(await pending.outcome).toEqual({ ok: false, requestId: pending.requestId, kind: 'function', error });
  });

  test('a stream past the limit is cut there: the runtime gets 413, the invocation Function.ResponseSizeTooLarge', async () => {
    const pending = await running({ maxStreamedResponseBytes: 100 });
    const { chunks, ended } = chunksOf(pending.body);
    const { req, reply } = post(pending.requestId);
    req.write('a'.repeat(60));
    await until(() => chunks.length === 1);
    req.write('b'.repeat(60));
    expect((await reply).status).toBe(413);
    await ended;
    expect(chunks.join('')).toBe('a'.repeat(60));
    expect(await pending.outcome).toMatchObject({ ok: false, kind: 'function', error: { errorType: 'Function.ResponseSizeTooLarge' } });
  });

  test("a stream still running at the function's timeout is cut: Sandbox.Timedout, the body ends, the connection closes", async () => {
    const pending = await running({ timeoutSeconds: 0.5 });
    const { chunks, ended } = chunksOf(pending.body);
    const { req, reply } = post(pending.requestId);
    req.write('before the timeout');
    const closed = reply.then(
      () => 'answered',
      () => 'closed',
    );
    expect(await pending.outcome).toMatchObject({ ok: false, kind: 'timeout', error: { errorType: 'Sandbox.Timedout' } });
    await ended;
    expect(chunks).toEqual(['before the timeout']);
    expect(await closed).toBe('closed');
  });

  test('a connection closed mid-stream ends the invocation with Runtime.TruncatedResponse', async () => {
    const pending = await running();
    const { chunks, ended } = chunksOf(pending.body);
    const { req, reply } = post(pending.requestId);
    reply.catch(() => undefined);
    req.write('half');
    await until(() => chunks.length === 1);
    req.destroy();
    await ended;
    expect(await pending.outcome).toMatchObject({ ok: false, kind: 'function', error: { errorType: 'Runtime.TruncatedResponse' } });
  });

  test('a buffered response is unchanged, and also reaches the body, in one chunk', async () => {
    const pending = await running();
    const { chunks, ended } = chunksOf(pending.body);
    const { req, reply } = post(pending.requestId, { 'Content-Type': 'application/json' });
    req.write('{"a":');
    req.end('1}');
    expect((await reply).status).toBe(202);
    await ended;
    expect(chunks).toEqual(['{"a":1}']);
    expect(await pending.head).toEqual({ streamed: false, contentType: 'application/json' });
    expect(await pending.outcome).toEqual({ ok: true, requestId: pending.requestId, payload: Buffer.from('{"a":1}') });
  });
});
