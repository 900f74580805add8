/**
 * The logs of a real Rust function, end to end: examples/greeter (lambda_runtime's JSON tracing subscriber, under
 * RustFunction's JSON logging) built by cdk-rust in Docker and run by `cdk-rust invoke`, whose stderr shows its log
 * line readable, or exactly as written with --raw-logs; the logs an invocation returns are always as written.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { localFunctionFromAssembly } from '../../lib/invoke/invoke-locally';
import { synthFunctionApp } from '../../lib/cli/synth';
import { captureStderr, devEnv, tempDir } from '../support';

const ROOT = path.join(__dirname, '..', '..');

/** `cdk-rust invoke Stack/Function` on `assembly` with the event `{"name":"Ferris"}` and `flags`. */
function invoke(assembly: string, flags: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const event = path.join(tempDir('event'), 'event.json');
  fs.writeFileSync(event, JSON.stringify({ name: 'Ferris' }));
  const args = ['invoke', 'Stack/Function', '--app', assembly, '--event', event, ...flags];
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'bin', 'cdk-rust.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf-8',
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'), NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
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
    assembly = captureStderr(() =>
      synthFunctionApp({
        manifestPath: path.join(ROOT, 'examples', 'greeter', 'Cargo.toml'),
        outdir: tempDir('greeter-logs'),
        builderImage: devEnv().builderImage,
        forceDockerBundling: true,
      }),
    ).result.assemblyDir;
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
