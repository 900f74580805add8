/**
 * The Runtime API emulator's routes and invocation queue (lib/invoke/runtime-api.ts), through plain HTTP requests
 * against the real server.
 */
import { MAX_PAYLOAD_BYTES } from '../../lib/invoke/payload';
import { RuntimeApiServer } from '../../lib/invoke/runtime-api';
import { invocation, isPending, NEXT, request } from './runtime-api-client';

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

/** Resolves once the server has seen `count` more `/next` polls. */
function polls(server: RuntimeApiServer, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const onNext = (): void => {
      seen += 1;
      if (seen < count) return;
      server.off('next', onNext);
      resolve();
    };
    server.on('next', onNext);
  });
}

describe('RuntimeApiServer: with maxConcurrency, up to that many polls wait and each invocation runs on its own, as on Lambda Managed Instances', () => {
  let server: RuntimeApiServer;
  afterEach(() => server?.close());

  test('with the default of 1, a second poll while one waits gets 409', async () => {
    server = await RuntimeApiServer.start();
    const first = request(server, 'GET', NEXT);
    await polls(server, 1);
    const second = await request(server, 'GET', NEXT);
    expect(second.status).toBe(409);
    expect(JSON.parse(second.body)).toEqual({
      errorType: 'ConcurrentNextInvocation',
      errorMessage: 'another /next request is already waiting for an event.',
    });
    server.enqueue('{}');
    expect((await first).status).toBe(200);
  });

  test('three polls wait at once, the fourth gets 409, and three events go to three distinct polls', async () => {
    server = await RuntimeApiServer.start({ maxConcurrency: 3 });
    const waiting = [request(server, 'GET', NEXT), request(server, 'GET', NEXT), request(server, 'GET', NEXT)];
    await polls(server, 3);
    expect(server.waitingPolls).toBe(3);
    expect(server.peakWaitingPolls).toBe(3);
    const refused = await request(server, 'GET', NEXT);
    expect(refused.status).toBe(409);
    expect(JSON.parse(refused.body).errorMessage).toBe('3 /next requests are already waiting for an event.');

    const pending = ['"a"', '"b"', '"c"'].map((event) => server.enqueue(event));
    const replies = await Promise.all(waiting);
    expect(replies.map((r) => r.body).sort()).toEqual(['"a"', '"b"', '"c"']);
    expect(new Set(replies.map((r) => r.headers['lambda-runtime-aws-request-id']))).toEqual(new Set(pending.map((p) => p.requestId)));
    expect(server.waitingPolls).toBe(0);
    expect(server.runningCount).toBe(3);
    expect(server.peakRunning).toBe(3);
  });

  test('each answer goes to the invocation its request id names, whatever the order', async () => {
    server = await RuntimeApiServer.start({ maxConcurrency: 2 });
    const [first, second] = [server.enqueue('1'), server.enqueue('2')];
    await Promise.all([request(server, 'GET', NEXT), request(server, 'GET', NEXT)]);
    expect((await request(server, 'POST', invocation(second.requestId, 'response'), '"two"')).status).toBe(202);
    expect(await second.outcome).toMatchObject({ ok: true, payload: Buffer.from('"two"') });
    expect(await isPending(first.outcome)).toBe(true);
    await request(server, 'POST', invocation(first.requestId, 'error'), JSON.stringify({ errorType: 'E', errorMessage: 'one' }));
    expect(await first.outcome).toMatchObject({ ok: false, kind: 'function', error: { errorType: 'E', errorMessage: 'one' } });
  });

  test('a queued event waits for a free poll; an invocation that times out ends alone, the others keep running', async () => {
    server = await RuntimeApiServer.start({ maxConcurrency: 2, timeoutSeconds: 0.6 });
    const early = server.enqueue('"early"');
    await request(server, 'GET', NEXT);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const late = server.enqueue('"late"');
    const third = server.enqueue('"third"');
    await request(server, 'GET', NEXT);
    expect(server.queuedCount).toBe(1);
    const timedOut = new Promise((resolve) => server.once('timeout', resolve));
    expect(await timedOut).toBe(early.requestId);
    expect(await early.outcome).toMatchObject({ ok: false, kind: 'timeout' });
    expect(await isPending(late.outcome)).toBe(true);
    expect((await request(server, 'POST', invocation(late.requestId, 'response'), '"done"')).status).toBe(202);
    expect(await late.outcome).toMatchObject({ ok: true, payload: Buffer.from('"done"') });
    // The queued event goes to the next poll.
    const next = await request(server, 'GET', NEXT);
    expect(next.headers['lambda-runtime-aws-request-id']).toBe(third.requestId);
  });

  test('maxConcurrency must be a whole number from 1 to 1600: INVALID_PROP otherwise', async () => {
    for (const value of [0, 1.5, 1601]) {
      await expect(RuntimeApiServer.start({ maxConcurrency: value })).rejects.toMatchObject({
        code: 'INVALID_PROP',
        message: expect.stringContaining(`maxConcurrency: ${value} is not a number of invocations`),
      });
    }
  });
});

describe('RuntimeApiServer: a misuse fails with a CdkRustError that names the option and says what to do', () => {
  test('the address of a closed server cannot be read: INVOKE_FAILED, saying when it can be', async () => {
    const server = await RuntimeApiServer.start();
    await server.close();
    expect(() => server.address).toThrow(
      /the runtime API server is not listening: it was closed\.\nFix: read the address between `await RuntimeApiServer.start\(\)` and `close\(\)`/,
    );
  });
});
