/**
 * The process that runs a bootstrap locally (lib/invoke/local-process.ts): its output, its exit, and the error
 * Lambda reports when a runtime exits.
 */
import { exitError, killLocalProcess, spawnLocalProcess } from '../../lib/invoke/local-process';
import { tempDir } from '../support';

describe('spawnLocalProcess: a process whose output is collected and whose exit is awaited', () => {
  test('stdout and stderr reach onOutput; the end of stderr is kept; closed resolves with the exit status', async () => {
    let output = '';
    const proc = spawnLocalProcess('/bin/sh', ['-c', 'echo out; echo err >&2; exit 4'], {
      cwd: tempDir('local-process'),
      env: { PATH: '/usr/bin:/bin' },
      streamLogs: false,
      onOutput: (text) => {
        output += text;
      },
    });
    expect(await proc.closed).toEqual({ code: 4, signal: null });
    expect(proc.exited).toBe(true);
    expect(output.split('\n').sort()).toEqual(['', 'err', 'out']);
    expect(proc.stderrTail).toBe('err\n');
  });

  test('a command that cannot start resolves closed with the spawn error', async () => {
    const proc = spawnLocalProcess('/nonexistent/bootstrap', [], { cwd: '/', env: {}, streamLogs: false, onOutput: () => undefined });
    const exit = await proc.closed;
    expect(exit.spawnError?.message).toMatch(/ENOENT/);
    expect(proc.exited).toBe(true);
  });

  test('killLocalProcess kills a running process and waits for its exit; on an exited one it does nothing', async () => {
    const proc = spawnLocalProcess('/bin/sleep', ['30'], { cwd: '/', env: {}, streamLogs: false, onOutput: () => undefined });
    await killLocalProcess(proc);
    expect(proc.exited).toBe(true);
    expect(await proc.closed).toEqual({ code: null, signal: 'SIGKILL' });
    await expect(killLocalProcess(proc)).resolves.toBeUndefined();
    await expect(killLocalProcess(undefined)).resolves.toBeUndefined();
  });
});

describe('spawnLocalProcess: streamed logs are made readable unless raw; onOutput always gets them as written', () => {
  const JSON_LINE = '{"level":"INFO","fields":{"message":"greeting","name":"world"},"spans":[]}';
  const SCRIPT = `printf '%s\\nplain\\n{"level":"WARN",' '${JSON_LINE}'; sleep 0.1; printf '"fields":{"message":"late"}}'`;

  /** What the process streamed to our stderr, and what onOutput received. */
  async function run(rawLogs: boolean | undefined): Promise<{ streamed: string; output: string }> {
    let streamed = '';
    const noColor = process.env.NO_COLOR;
    process.env.NO_COLOR = '1'; // plain text, even when the tests run on a terminal
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      streamed += Buffer.from(chunk).toString('utf8');
      return true;
    });
    try {
      let output = '';
      const proc = spawnLocalProcess('/bin/sh', ['-c', SCRIPT], {
        cwd: '/',
        env: { PATH: '/usr/bin:/bin' },
        streamLogs: true,
        rawLogs,
        onOutput: (text) => (output += text),
      });
      await proc.closed;
      return { streamed, output };
    } finally {
      write.mockRestore();
      if (noColor === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = noColor;
    }
  }

  const WRITTEN = `${JSON_LINE}\nplain\n{"level":"WARN","fields":{"message":"late"}}`;

  test('by default, JSON lines are printed readable, other lines unchanged, the last one once the process ends', async () => {
    const { streamed, output } = await run(undefined);
    expect(streamed).toBe('INFO  greeting name=world\nplain\nWARN  late\n');
    expect(output).toBe(WRITTEN);
  });

  test('with rawLogs, they are printed exactly as written', async () => {
    const { streamed, output } = await run(true);
    expect(streamed).toBe(WRITTEN);
    expect(output).toBe(WRITTEN);
  });
});

describe('exitError: a runtime that exited is a Runtime.ExitError saying how, with the end of its stderr', () => {
  test('an exit status, a signal and a failed start are each told as such', () => {
    expect(exitError({ code: 3, signal: null }, '').errorMessage).toBe('Runtime exited with error: exit status 3');
    expect(exitError({ code: null, signal: 'SIGSEGV' }, '').errorMessage).toBe('Runtime exited with error: signal: SIGSEGV');
    const spawnError = new Error('spawn ./bootstrap EACCES');
    expect(exitError({ code: null, signal: null, spawnError }, '')).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: 'Runtime exited with error: cannot start: spawn ./bootstrap EACCES',
    });
  });

  test('only the last 20 non-blank lines of stderr are quoted', () => {
    const stderr = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n\n');
    const message = exitError({ code: 1, signal: null }, stderr).errorMessage;
    expect(message.split('\n').slice(0, 2)).toEqual(['Runtime exited with error: exit status 1', 'Last lines of its stderr:']);
    expect(message.split('\n').slice(2)).toEqual(Array.from({ length: 20 }, (_, i) => `line ${i + 10}`));
  });
});
