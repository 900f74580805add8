/**
 * The HTTP front of a function of `cdk-rust watch` (lib/watch/function-url-server.ts), through a real HTTP server and
 * a served build whose function the test plays.
 */
import * as http from 'http';
import { PassThrough } from 'stream';
import { InvocationStream } from '../../lib/invoke/invocation-stream';
import { LocalFunction } from '../../lib/invoke/local-function';
import { FunctionUrlServer, ServedFunction } from '../../lib/watch/function-url-server';
import { ServedBuild } from '../../lib/watch/served-build';
import { FakeAnswer, fakeRuntime } from '../invoke/fake-runtime';

interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

function request(url: string, body?: string | Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}path?q=1`, { method: body === undefined ? 'GET' : 'POST', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf-8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A served build whose function answers `payload` to every event, and remembers the events. */
function servedBuild(payload: string): { served: ServedBuild; events: unknown[] } {
  const events: unknown[] = [];
  const fn = {
    invokeJsonStream: (json: string): InvocationStream => {
      events.push(JSON.parse(json));
      const body = new PassThrough();
      body.end(payload);
      const result = { ok: true, requestId: 'r', payload: {}, payloadText: payload, streamed: false, logs: '', durationMs: 1 } as const;
      return { head: Promise.resolve({ streamed: false }), body, result: Promise.resolve(result) };
    },
  } as unknown as LocalFunction;
  return { served: { fn, hash: 'abcdef0123456789', codeDirectory: '/none', owned: false, inflight: 0, retired: false }, events };
}

function servedFunction(overrides: Partial<ServedFunction> = {}): ServedFunction {
  return {
    name: 'App/Fn',
    urlId: 'url0123',
    serving: () => undefined,
    building: () => false,
    region: () => 'eu-west-1',
    answered: async () => undefined,
    ...overrides,
  };
}

describe('FunctionUrlServer: each request invokes the build served when it came, as a function URL does', () => {
  const servers: FunctionUrlServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  async function start(fn: ServedFunction): Promise<string> {
    const server = new FunctionUrlServer(fn);
    servers.push(server);
    return server.listen(0);
  }

  test("a request gets the function's response, mapped from the payload, with the build that answered in x-cdk-rust-build", async () => {
    const { served, events } = servedBuild('{"statusCode":201,"headers":{"X-Answer":"42"},"body":"made"}');
    const answered: number[] = [];
    const url = await start(
      servedFunction({
        serving: () => served,
        answered: async (s) => {
          answered.push(s.inflight);
        },
      }),
    );
    const reply = await request(url, 'hello');
    expect(reply).toMatchObject({ status: 201, body: 'made', headers: { 'x-answer': '42', 'x-cdk-rust-build': 'abcdef012345' } });
    expect(events).toEqual([
      expect.objectContaining({
        rawPath: '/path',
        rawQueryString: 'q=1',
        body: Buffer.from('hello').toString('base64'),
        isBase64Encoded: true,
        requestContext: expect.objectContaining({ domainName: 'url0123.lambda-url.eu-west-1.on.aws' }),
      }),
    ]);
    // Once answered, the build is no longer in use, and the function is told so.
    expect(answered).toEqual([0]);
  });

  test('before the first build there is nothing to serve: 503, saying whether a build is under way', async () => {
    const idle = await start(servedFunction());
    expect(await request(idle)).toMatchObject({ status: 503, body: JSON.stringify({ message: 'App/Fn has no build to serve yet' }) });
    const building = await start(servedFunction({ building: () => true }));
    expect(JSON.parse((await request(building)).body)).toEqual({
      message: 'App/Fn has no build to serve yet: the first build is under way',
    });
  });

  test('a body over 6 MB gets 413 without invoking anything', async () => {
    const { served, events } = servedBuild('{}');
    const url = await start(servedFunction({ serving: () => served }));
    expect((await request(url, Buffer.alloc(6 * 1024 * 1024 + 1, 'a'))).status).toBe(413);
    expect(events).toEqual([]);
  });

  test('a port that is taken fails with CLI_USAGE naming the function and the port, and saying to pick others', async () => {
    const url = await start(servedFunction());
    const port = Number(new URL(url).port);
    await expect(new FunctionUrlServer(servedFunction()).listen(port)).rejects.toMatchObject({
      code: 'CLI_USAGE',
      message: expect.stringMatching(
        new RegExp(`cannot serve App/Fn on 127\\.0\\.0\\.1:${port}: the port is in use\\.\\nFix: pick other ports with --port N`),
      ),
    });
  });
});

describe("FunctionUrlServer: concurrent requests reach the function's one process concurrently, up to its concurrency", () => {
  test('three requests at once to a function with concurrency 3 overlap in one process', async () => {
    const fn = new LocalFunction({
      code: fakeRuntime(),
      concurrency: 3,
      streamLogs: false,
      passCredentials: true,
      environment: { FAKE_MODE: 'concurrent', FAKE_SLEEP_MS: '300' },
    });
    const served: ServedBuild = { fn, hash: 'abcdef0123456789', codeDirectory: '/none', owned: false, inflight: 0, retired: false };
    const server = new FunctionUrlServer(servedFunction({ serving: () => served }));
    try {
      const url = await server.listen(0);
      const replies = await Promise.all([1, 2, 3].map(() => request(url)));
      const answers = replies.map((r) => JSON.parse(r.body) as FakeAnswer);
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(new Set(answers.map((a) => a.pid))).toEqual(new Set([fn.pid]));
      expect(Math.max(...answers.map((a) => a.startedMs))).toBeLessThan(Math.min(...answers.map((a) => a.endedMs)));
      expect(fn.peakConcurrency).toBe(3);
    } finally {
      await server.close();
      await fn.close();
    }
  });
});
