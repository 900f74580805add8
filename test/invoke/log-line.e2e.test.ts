/**
 * The logs of a real Rust function, end to end: examples/greeter (lambda_runtime's JSON tracing subscriber, under
 * RustFunction's JSON logging) built by cdk-rust in Docker and run by `cdk-rust invoke`, whose stderr shows its log
 * line readable, or exactly as written with --raw-logs; the logs an invocation returns are always as written. `cdk-rust
 * watch` prints the logs of the requests it serves the same way.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { localFunctionFromAssembly } from '../../lib/invoke/invoke-locally';
import { builtAssembly, tempDir } from '../support';
import { cdkRustProcess } from '../ts-node-process';

const ROOT = path.join(__dirname, '..', '..');

/** `cdk-rust invoke Stack/Function` on `assembly` with the event `{"name":"Ferris"}` and `flags`. */
function invoke(assembly: string, flags: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const event = path.join(tempDir('event'), 'event.json');
  fs.writeFileSync(event, JSON.stringify({ name: 'Ferris' }));
  const args = ['invoke', 'Stack/Function', '--app', assembly, '--event', event, ...flags];
  const proc = cdkRustProcess(args, { NO_COLOR: '1' });
  const result = spawnSync(proc.command, proc.args, { ...proc.options, encoding: 'utf-8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * `cdk-rust watch Stack/Function --release` on `assembly` (serving the synthesized build: nothing to build), one GET
 * of its function URL, and what watch printed on stderr once the greeter's log line is there.
 */
async function watchOneRequest(assembly: string, flags: string[] = []): Promise<{ status: number; stderr: string }> {
  const args = ['watch', 'Stack/Function', '--app', assembly, '--port', '0', '--release', ...flags];
  const proc = cdkRustProcess(args, { NO_COLOR: '1' });
  const watch = spawn(proc.command, proc.args, { ...proc.options, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  watch.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const until = async <T>(what: string, poll: () => T | undefined): Promise<T> => {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      if (watch.exitCode !== null) throw new Error(`watch exited while waiting for ${what}:\n${stderr}`);
      const value = poll();
      if (value !== undefined) return value;
    }
    throw new Error(`timed out waiting for ${what}; watch printed:\n${stderr}`);
  };
  try {
    // The URL is printed first; requests are served once watch says it is watching.
    await until('the session', () => (stderr.includes('watching Stack/Function') ? true : undefined));
    const url = /Stack\/Function: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr)![1];
    const response = await fetch(`${url}hello`);
    await response.text();
    await until(`the log line (the answer was ${response.status})`, () => (/greeting/.test(stderr) ? true : undefined));
    return { status: response.status, stderr };
  } finally {
    watch.kill('SIGINT');
    await new Promise((resolve) => (watch.exitCode !== null ? resolve(undefined) : watch.once('exit', resolve)));
  }
}

/** The request id of the REPORT line. */
function requestIdOf(stderr: string): string {
  const id = /REPORT Stack\/Function RequestId: ([0-9a-f-]{36})/.exec(stderr)?.[1];
  if (!id) throw new Error(`no REPORT line in:\n${stderr}`);
  return id;
}

describe("log-line: the greeter's structured log, printed by cdk-rust invoke", () => {
  let assembly: string;
  beforeAll(() => {
    assembly = builtAssembly(path.join(ROOT, 'examples', 'greeter', 'Cargo.toml'), 'greeter-logs');
  });

  test('by default, the JSON line is one readable line: level, short request id, message, then the fields', () => {
    const result = invoke(assembly);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ message: 'Hello, Ferris!' });
    const short = requestIdOf(result.stderr).slice(0, 8);
    expect(result.stderr).toContain(`INFO  [${short}] greeting name=Ferris request_id=${short}…\n`);
    expect(result.stderr).not.toContain('"fields"');
  });

  test('with --raw-logs, the JSON line is printed exactly as the function wrote it', () => {
    const result = invoke(assembly, ['--raw-logs']);
    expect(result.status).toBe(0);
    const requestId = requestIdOf(result.stderr);
    const line = result.stderr.split('\n').find((l) => l.startsWith('{') && l.includes('"greeting"'));
    expect(line).toBeDefined();
    const record = JSON.parse(line!);
    expect(record).toMatchObject({
      level: 'INFO',
      fields: { message: 'greeting', name: 'Ferris', request_id: requestId },
      span: { name: 'Lambda runtime invoke', requestId, xrayTraceId: expect.stringMatching(/^Root=1-/) },
    });
    // The key order lambda_runtime writes (the docs show it), and no timestamp: the subscriber is built without_time().
    expect(Object.keys(record)).toEqual(['level', 'fields', 'span', 'spans']);
    expect(result.stderr).not.toContain('INFO  [');
  });

  test('cdk-rust watch prints the log line of a request it serves readable, and as written with --raw-logs', async () => {
    const readable = await watchOneRequest(assembly);
    expect(readable.status).toBe(200);
    expect(readable.stderr).toMatch(/INFO {2}\[([0-9a-f]{8})\] greeting name=world request_id=\1…\n/);
    expect(readable.stderr).not.toContain('"fields"');

    const raw = await watchOneRequest(assembly, ['--raw-logs']);
    expect(raw.status).toBe(200);
    const line = raw.stderr.split('\n').find((l) => l.startsWith('{') && l.includes('"greeting"'));
    expect(JSON.parse(line!)).toMatchObject({
      level: 'INFO',
      fields: { message: 'greeting', name: 'world', request_id: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    expect(raw.stderr).not.toContain('INFO  [');
  });

  test("the result's logs hold the JSON line as written, while the stream shows it readable", async () => {
    const { fn } = localFunctionFromAssembly(assembly, 'Stack/Function', {});
    try {
      const chunks: string[] = [];
      const spy = jest.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array) => {
        chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf-8'));
        return true;
      }) as typeof process.stderr.write);
      const saved = process.env.NO_COLOR;
      process.env.NO_COLOR = '1';
      let result;
      try {
        result = await fn.invoke({ name: 'Zoë' });
      } finally {
        spy.mockRestore();
        if (saved === undefined) delete process.env.NO_COLOR;
        else process.env.NO_COLOR = saved;
      }
      expect(result.ok).toBe(true);
      const short = result.requestId.slice(0, 8);
      expect(result.logs).toContain(`{"level":"INFO","fields":{"message":"greeting","name":"Zoë","request_id":"${result.requestId}"}`);
      expect(chunks.join('')).toContain(`INFO  [${short}] greeting name=Zoë request_id=${short}…\n`);
    } finally {
      await fn.close();
    }
  });
});
