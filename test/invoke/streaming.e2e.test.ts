/**
 * Response streaming end to end: the streaming example (examples/streaming, on the real `lambda_runtime` crate) built
 * by cdk-rust in Docker, run against the Runtime API emulator, its response read as it arrives through
 * LocalFunction, invokeLocallyStream and `cdk-rust invoke`.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { invokeLocallyStream, LocalFunction, localFunctionFromAssembly } from '../../lib';
import { WatchSession } from '../../lib/watch/watch-session';
import { builtAssembly } from '../support';
import { cdkRustProcess } from '../ts-node-process';

const ROOT = path.join(__dirname, '..', '..');

let assembly: string;
beforeAll(() => {
  assembly = builtAssembly(path.join(ROOT, 'examples', 'streaming', 'Cargo.toml'), 'streaming-app');
});

/** Reads a body, noting when each chunk arrived (ms since `t0`). */
async function timedChunks(body: AsyncIterable<unknown>, t0: number): Promise<Array<{ at: number; text: string }>> {
  const chunks: Array<{ at: number; text: string }> = [];
  for await (const chunk of body) chunks.push({ at: Date.now() - t0, text: String(chunk) });
  return chunks;
}

describe('the streaming example on lambda_runtime: its lines arrive one by one, and a crash mid-stream fails the invocation', () => {
  test('LocalFunction.invokeStream: each line arrives as it is written, the first well before the last; the head carries the prelude', async () => {
    const fn = localFunction();
    try {
      const t0 = Date.now();
      const invocation = fn.invokeStream({ lines: 4, delayMs: 400 });
      const chunks = await timedChunks(invocation.body, t0);
      const result = await invocation.result;
      expect(result).toMatchObject({ ok: true, streamed: true, payloadText: '' });
      expect(await invocation.head).toMatchObject({ streamed: true, statusCode: 200, contentType: 'text/plain; charset=utf-8' });
      expect(chunks.map((c) => c.text).join('')).toBe('line 1 of 4\nline 2 of 4\nline 3 of 4\nline 4 of 4\n');
      expect(chunks.length).toBeGreaterThanOrEqual(4);
      // Three pauses of 400 ms separate the first line from the last: relayed as they come, they arrive that far apart.
      expect(chunks[chunks.length - 1].at - chunks[0].at).toBeGreaterThanOrEqual(1000);
    } finally {
      await fn.close();
    }
  });

  test('a crash after two lines: both lines arrive, then the invocation is a Runtime.ExitError; the buffered invoke() still works after', async () => {
    const fn = localFunction();
    try {
      const invocation = fn.invokeStream({ lines: 5, delayMs: 200, crashAfter: 2 });
      const chunks = await timedChunks(invocation.body, Date.now());
      expect(chunks.map((c) => c.text).join('')).toBe('line 1 of 5\nline 2 of 5\n');
      expect(await invocation.result).toMatchObject({ ok: false, kind: 'exit', exitCode: 1, error: { errorType: 'Runtime.ExitError' } });
      // The buffered API collects a streamed response whole.
      expect(await fn.invoke({ lines: 2, delayMs: 10 })).toMatchObject({
        ok: true,
        streamed: true,
        payloadText: 'line 1 of 2\nline 2 of 2\n',
      });
    } finally {
      await fn.close();
    }
  });

  test('invokeLocallyStream runs the function of the assembly and hands its lines over as they arrive', async () => {
    const t0 = Date.now();
    const invocation = invokeLocallyStream({
      assemblyDir: assembly,
      function: 'Stack/Function',
      event: { lines: 3, delayMs: 400 },
      streamLogs: false,
    });
    const chunks = await timedChunks(invocation.body, t0);
    expect(await invocation.result).toMatchObject({ ok: true, streamed: true });
    expect(chunks.map((c) => c.text).join('')).toBe('line 1 of 3\nline 2 of 3\nline 3 of 3\n');
    expect(chunks[chunks.length - 1].at - chunks[0].at).toBeGreaterThanOrEqual(600);
  });

  test('cdk-rust invoke writes each line to stdout as it arrives; a crash mid-stream prints the lines, then the error, and exits 1', async () => {
    const ok = await cli(['invoke', 'Stack/Function', '--app', assembly, '--event', '-'], '{"lines":3,"delayMs":500}');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe('line 1 of 3\nline 2 of 3\nline 3 of 3\n');
    expect(ok.stdoutChunks[ok.stdoutChunks.length - 1].at - ok.stdoutChunks[0].at).toBeGreaterThanOrEqual(700);
    expect(ok.stderr).toContain('HTTP 200 (content-type: text/plain; charset=utf-8)');

    const crash = await cli(['invoke', 'Stack/Function', '--app', assembly, '--event', '-'], '{"lines":3,"delayMs":100,"crashAfter":1}');
    expect(crash.status).toBe(1);
    const [line, error] = crash.stdout.split('\n');
    expect(line).toBe('line 1 of 3');
    expect(JSON.parse(error)).toMatchObject({ errorType: 'Runtime.ExitError' });
  });
});

describe('cdk-rust watch relays a streamed response as a RESPONSE_STREAM function URL does', () => {
  test("the prelude's status and headers head the HTTP response, and each line reaches the client as it is written", async () => {
    const session = new WatchSession({ assemblyDir: assembly, functions: ['Stack/Function'] });
    try {
      await session.start();
      const t0 = Date.now();
      // A function URL event has no `lines` or `delayMs`: the example streams its default 5 lines, 200 ms apart.
      const response = await fetch(session.functions[0].url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(response.headers.get('x-cdk-rust-build')).toMatch(/^[0-9a-f]{12}$/);
      const chunks = await timedChunks(decoded(response.body!), t0);
      expect(chunks.map((c) => c.text).join('')).toBe([1, 2, 3, 4, 5].map((n) => `line ${n} of 5\n`).join(''));
      expect(chunks[chunks.length - 1].at - chunks[0].at).toBeGreaterThanOrEqual(600);
    } finally {
      await session.close();
    }
  });
});

/** Text of a web stream's chunks, one by one. */
async function* decoded(body: ReadableStream<Uint8Array>): AsyncIterable<string> {
  const decoder = new TextDecoder();
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) yield decoder.decode(chunk, { stream: true });
}

function localFunction(): LocalFunction {
  return localFunctionFromAssembly(assembly, 'Stack/Function', { streamLogs: false }).fn;
}

/** Runs the CLI, noting when each piece of stdout arrived. */
function cli(
  args: string[],
  input: string,
): Promise<{ status: number | null; stdout: string; stderr: string; stdoutChunks: Array<{ at: number; text: string }> }> {
  const t0 = Date.now();
  const proc = cdkRustProcess(args);
  const child = spawn(proc.command, proc.args, proc.options);
  const stdoutChunks: Array<{ at: number; text: string }> = [];
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => stdoutChunks.push({ at: Date.now() - t0, text: c.toString() }));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(input);
  return new Promise((resolve) => {
    child.on('close', (status) => resolve({ status, stdout: stdoutChunks.map((c) => c.text).join(''), stderr, stdoutChunks }));
  });
}
