/**
 * The Runtime API emulator's HTTP behaviour, through plain HTTP requests against the real server, and
 * the cloud assembly reader on a hand-written assembly.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { findAssemblyFunction, listAssemblyFunctions, LocalFunction, MAX_PAYLOAD_BYTES, RuntimeApiServer } from '../lib';
import { tempDir } from './support';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(server: RuntimeApiServer, method: string, urlPath: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
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

describe('RuntimeApiServer', () => {
  let server: RuntimeApiServer;
  beforeEach(async () => {
    server = await RuntimeApiServer.start({ functionName: 'unit', timeoutSeconds: 1, region: 'eu-west-1', accountId: '123456789012' });
  });
  afterEach(() => server.close());

  test('listens on 127.0.0.1 and long-polls /next until an event is queued, with Lambda\'s headers', async () => {
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
    const posted = await request(server, 'POST', invocation(first.requestId, 'error'), body, { 'Lambda-Runtime-Function-Error-Type': 'Unhandled' });
    expect(posted.status).toBe(202);
    expect(await first.outcome).toEqual({ ok: false, requestId: first.requestId, kind: 'function',
      error: { errorType: 'MyError', errorMessage: 'boom', stackTrace: ['a.rs:1'] } });

    const second = server.enqueue('{}');
    await request(server, 'GET', NEXT);
    await request(server, 'POST', invocation(second.requestId, 'error'), 'not json', { 'Lambda-Runtime-Function-Error-Type': 'Runtime.Custom' });
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
    expect(await big.outcome).toMatchObject({ ok: false, kind: 'function', error: {
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: 'Response payload size (6291457 bytes) exceeded maximum allowed payload size (6291456 bytes).',
    } });

    const exact = server.enqueue('{}');
    await request(server, 'GET', NEXT);
    expect((await request(server, 'POST', invocation(exact.requestId, 'response'), Buffer.alloc(MAX_PAYLOAD_BYTES, 0x61))).status).toBe(202);
    expect((await exact.outcome).ok).toBe(true);
  });

  test('an event over 6 MB is refused before it is queued', () => {
    expect(() => server.enqueue(Buffer.alloc(MAX_PAYLOAD_BYTES + 1))).toThrow(/6291457 bytes; Lambda accepts at most 6291456 bytes/);
  });

  test('an unanswered invocation times out with Sandbox.Timedout after the function\'s timeout', async () => {
    const pending = server.enqueue('{}');
    const timedOut = new Promise((resolve) => server.once('timeout', resolve));
    await request(server, 'GET', NEXT);
    const started = Date.now();
    expect(await pending.outcome).toMatchObject({ ok: false, kind: 'timeout',
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' } });
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

describe('LocalFunction without a binary', () => {
  test('a missing asset is reported before anything starts', async () => {
    const fn = new LocalFunction({ code: path.join(tempDir('noasset'), 'asset.0123') });
    await expect(fn.invoke({})).rejects.toMatchObject({ code: 'ASSET_NOT_FOUND', message: expect.stringContaining('there is no bootstrap at') });
    await fn.close();
  });

  test('malformed event JSON is refused before anything starts', async () => {
    const fn = new LocalFunction({ code: path.join(tempDir('noasset'), 'asset.0123') });
    await expect(fn.invokeJson('{"name": ')).rejects.toMatchObject({ code: 'INVALID_EVENT', message: expect.stringContaining('the event is not valid JSON') });
    await expect(fn.invoke({ big: 'x'.repeat(6_291_456) })).rejects.toMatchObject({ code: 'INVALID_EVENT', message: expect.stringContaining('the event is 6291466 bytes') });
    await fn.close();
  });
});

describe('a cloud assembly', () => {
  /** A small assembly: two stacks, one function with aws:cdk:path, one known only from the metadata file. */
  function writeAssembly(): string {
    const dir = tempDir('assembly');
    const fn = (extra: object): object => ({ Type: 'AWS::Lambda::Function', Properties: {
      Runtime: 'provided.al2023', Handler: 'bootstrap', Code: { S3Bucket: 'b', S3Key: 'abc123.zip' }, ...extra } });
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts: {
      One: { type: 'aws:cloudformation:stack', environment: 'aws://111122223333/eu-central-1',
        properties: { templateFile: 'One.template.json' }, metadata: { '/One/Api/Resource': [{ type: 'aws:cdk:logicalId', data: 'ApiFn' }] } },
      Two: { type: 'aws:cloudformation:stack', environment: 'aws://unknown-account/unknown-region',
        properties: { templateFile: 'Two.template.json', stackName: 'two-stack' }, additionalMetadataFile: 'Two.metadata.json' },
    } }));
    fs.writeFileSync(path.join(dir, 'One.template.json'), JSON.stringify({ Resources: {
      ApiFn: fn({ MemorySize: 512, Timeout: 7, Architectures: ['arm64'],
        Environment: { Variables: { PLAIN: 'x', NUM: 3, TABLE: { Ref: 'Table' }, REGION: { Ref: 'AWS::Region' } } },
        LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'DEBUG' } }),
      Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
    } }));
    fs.writeFileSync(path.join(dir, 'Two.template.json'), JSON.stringify({ Resources: {
      WorkerA: { ...fn({}), Metadata: { 'aws:cdk:path': 'two/Jobs/WorkerA/Resource' } },
      WorkerB: { ...fn({ Code: { ZipFile: 'x' } }), Metadata: { 'aws:cdk:path': 'two/Jobs/WorkerB/Resource' } },
    } }));
    fs.writeFileSync(path.join(dir, 'Two.metadata.json'), JSON.stringify({}));
    return dir;
  }

  test('lists every function with what the template says', () => {
    const dir = writeAssembly();
    const functions = listAssemblyFunctions(dir);
    expect(functions.map((f) => f.constructPath)).toEqual(['One/Api', 'two/Jobs/WorkerA', 'two/Jobs/WorkerB']);
    expect(functions[0]).toMatchObject({
      logicalId: 'ApiFn', stackName: 'One', memorySize: 512, timeoutSeconds: 7, architecture: 'arm64',
      environment: { PLAIN: 'x', NUM: '3', REGION: 'eu-central-1' }, unresolvedVariables: ['TABLE'],
      logFormat: 'JSON', applicationLogLevel: 'DEBUG', region: 'eu-central-1', account: '111122223333',
      codeDirectory: path.join(dir, 'asset.abc123'),
    });
    expect(functions[1]).toMatchObject({ stackName: 'two-stack', memorySize: 128, timeoutSeconds: 3, architecture: 'x86_64', logFormat: 'Text' });
    expect(functions[2].codeProblem).toContain('inline');
  });

  test('matches by logical id, Stack/LogicalId, construct path, the path of the function resource, or a unique parent path', () => {
    const dir = writeAssembly();
    expect(findAssemblyFunction(dir, 'ApiFn').constructPath).toBe('One/Api');
    expect(findAssemblyFunction(dir, 'One/ApiFn').constructPath).toBe('One/Api');
    expect(findAssemblyFunction(dir, 'One/Api').logicalId).toBe('ApiFn');
    expect(findAssemblyFunction(dir, '/One/Api/Resource').logicalId).toBe('ApiFn');
    expect(findAssemblyFunction(dir, 'two-stack/WorkerA').logicalId).toBe('WorkerA');
    expect(findAssemblyFunction(dir, 'two/Jobs/WorkerB').logicalId).toBe('WorkerB');
  });

  test('lists the candidates when nothing or several match', () => {
    const dir = writeAssembly();
    expect(() => findAssemblyFunction(dir, 'Nope')).toThrow(/no Lambda function in .* matches "Nope". The functions are:\n  One\/Api  \(logical id ApiFn in stack One\)\n  two\/Jobs\/WorkerA/);
    expect(() => findAssemblyFunction(dir, 'two/Jobs')).toThrow(/"two\/Jobs" matches several Lambda functions[^]*WorkerA[^]*WorkerB/);
    expect(() => findAssemblyFunction(tempDir('empty'), 'x')).toThrow(/has no manifest.json/);
  });
});
