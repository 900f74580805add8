/**
 * LocalFunction without Docker or a Rust build: what is refused before any process starts, a bootstrap
 * written as a shell script (not ELF, so run as it is) that exits before it polls, and concurrency against a fake
 * runtime written in Node.js (fake-runtime.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { InvokeResult, InvokeSuccess } from '../../lib/invoke/invoke-result';
import { LocalFunction } from '../../lib/invoke/local-function';
import { LocalFunctionOptions } from '../../lib/invoke/local-function-options';
import { expectCdkRustError, stderrOf, tempDir } from '../support';
import { FakeAnswer, fakeRuntime } from './fake-runtime';

/** A directory holding `bootstrap`, an executable shell script. */
function scriptAsset(script: string): string {
  const dir = tempDir('script-asset');
  fs.writeFileSync(path.join(dir, 'bootstrap'), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return dir;
}

describe('LocalFunction: a missing asset is reported before anything starts', () => {
  test('a missing asset is reported before anything starts', async () => {
    const fn = new LocalFunction({ code: path.join(tempDir('noasset'), 'asset.0123') });
    await expect(fn.invoke({})).rejects.toMatchObject({
      code: 'ASSET_NOT_FOUND',
      message: expect.stringContaining('there is no bootstrap at'),
    });
    await fn.close();
  });
});

describe('LocalFunction: the declared architecture must match the binary', () => {
  test('an x86_64 binary (/bin/true) declared arm64 fails with ARCHITECTURE_MISMATCH before it runs, as it would fail in Lambda', async () => {
    const fn = new LocalFunction({ code: '/bin/true', architecture: 'arm64', streamLogs: false });
    await expect(fn.invoke({})).rejects.toMatchObject({
      code: 'ARCHITECTURE_MISMATCH',
      message: expect.stringContaining('/bin/true is an x86_64 binary but the function is declared arm64: Lambda could not run it.'),
    });
    expect(fn.pid).toBeUndefined();
    await fn.close();
  });
});

describe('LocalFunction: a process that exits before it polls is a Runtime.ExitError, and a closed function stays closed', () => {
  test('a bootstrap that exits before its first /next fails the invocation with its exit status and the end of its stderr', async () => {
    const fn = new LocalFunction({ code: scriptAsset('echo "starting" >&2\necho "giving up" >&2\nexit 3'), streamLogs: false });
    const result = await fn.invoke({});
    expect(result).toMatchObject({
      ok: false,
      kind: 'exit',
      exitCode: 3,
      error: {
        errorType: 'Runtime.ExitError',
        errorMessage: 'Runtime exited with error: exit status 3\nLast lines of its stderr:\nstarting\ngiving up',
      },
    });
    expect(result.logs).toBe('starting\ngiving up\n');
    await fn.close();
  });

  test('start() of a bootstrap that exits fails with INVOKE_FAILED and a fix', async () => {
    const fn = new LocalFunction({ code: scriptAsset('exit 5'), streamLogs: false });
    await expect(fn.start()).rejects.toMatchObject({
      code: 'INVOKE_FAILED',
      message: expect.stringMatching(
        /failed to start: Runtime\.ExitError: Runtime exited with error: exit status 5\nFix: fix what stops the function's init/,
      ),
    });
    await fn.close();
  });

  test('after close(), invoking fails with INVOKE_FAILED, saying to create a new LocalFunction', async () => {
    const fn = new LocalFunction({ code: scriptAsset('exit 0'), streamLogs: false });
    await fn.close();
    await expect(fn.invoke({})).rejects.toMatchObject({
      code: 'INVOKE_FAILED',
      message: expect.stringContaining('Fix: create a new LocalFunction'),
    });
  });
});

describe('LocalFunction: with a concurrency, up to that many invocations run at once in the one warm process', () => {
  const opened: LocalFunction[] = [];
  let code: string;
  beforeAll(() => {
    code = fakeRuntime();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((fn) => fn.close()));
    jest.restoreAllMocks();
  });

  function local(options: Partial<LocalFunctionOptions>, mode: 'concurrent' | 'sequential', startsFile?: string): LocalFunction {
    const environment = { FAKE_MODE: mode, ...(startsFile ? { STARTS_FILE: startsFile } : {}) };
    const fn = new LocalFunction({ code, streamLogs: false, passCredentials: true, environment, ...options });
    opened.push(fn);
    return fn;
  }

  function answer(result: InvokeResult): FakeAnswer & { result: InvokeSuccess } {
    if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result)}`);
    return { ...(result.payload as FakeAnswer), result };
  }

  test('n invocations arriving together start the process once and overlap in it; it gets AWS_LAMBDA_MAX_CONCURRENCY', async () => {
    const starts = path.join(tempDir('starts'), 'pids');
    const fn = local({ concurrency: 4 }, 'concurrent', starts);
    const answers = (await Promise.all([1, 2, 3, 4].map(() => fn.invoke({ sleepMs: 300 })))).map(answer);
    expect(fs.readFileSync(starts, 'utf-8').trim().split('\n')).toHaveLength(1);
    expect(new Set(answers.map((a) => a.pid))).toEqual(new Set([fn.pid]));
    expect(Math.max(...answers.map((a) => a.startedMs))).toBeLessThan(Math.min(...answers.map((a) => a.endedMs)));
    expect(answers.map((a) => a.maxConcurrency)).toEqual(['4', '4', '4', '4']);
    expect(answers.filter((a) => a.result.initDurationMs !== undefined)).toHaveLength(1);
    expect(fn.peakConcurrency).toBe(4);
  });

  test('more invocations than the concurrency wait their turn: with 2, four run two by two', async () => {
    const fn = local({ concurrency: 2 }, 'concurrent');
    const answers = (await Promise.all([1, 2, 3, 4].map(() => fn.invoke({ sleepMs: 200 })))).map(answer);
    expect(fn.peakConcurrency).toBe(2);
    const [first, second, third, fourth] = answers;
    expect(third.startedMs).toBeGreaterThanOrEqual(Math.min(first.endedMs, second.endedMs));
    expect(fourth.startedMs).toBeGreaterThanOrEqual(Math.min(first.endedMs, second.endedMs));
  });

  test('by default one runs at a time, and the process gets no AWS_LAMBDA_MAX_CONCURRENCY', async () => {
    const fn = local({}, 'concurrent');
    const answers = (await Promise.all([1, 2].map(() => fn.invoke({ sleepMs: 100 })))).map(answer);
    expect(fn.concurrency).toBe(1);
    expect(answers[1].startedMs).toBeGreaterThanOrEqual(answers[0].endedMs);
    expect(answers[0].maxConcurrency).toBeNull();
    expect(fn.peakConcurrency).toBe(1);
  });

  test('a runtime that takes one at a time although more are allowed gets one line saying so, with the fix', async () => {
    const fn = local({ concurrency: 4 }, 'sequential');
    const { result, stderr } = await stderrOf(() => Promise.all([1, 2, 3, 4].map(() => fn.invoke({ sleepMs: 50 }))));
    const answers = result.map(answer);
    for (let i = 1; i < answers.length; i++) expect(answers[i].startedMs).toBeGreaterThanOrEqual(answers[i - 1].endedMs);
    const lines = stderr.split('\n').filter((l) => l.includes('takes one invocation at a time'));
    expect(lines).toEqual([
      expect.stringMatching(/^\[cdk-rust\] .*bootstrap takes one invocation at a time although 4 are allowed at once/),
    ]);
    expect(lines[0]).toContain('`concurrency-tokio`');
    expect(lines[0]).toContain('lambda_runtime::run_concurrent');
  });

  test('a runtime that polls as often as allowed gets no such line', async () => {
    const fn = local({ concurrency: 4 }, 'concurrent');
    const { stderr } = await stderrOf(() => Promise.all([1, 2, 3, 4, 5, 6].map(() => fn.invoke({ sleepMs: 50 }))));
    expect(stderr).not.toContain('takes one invocation at a time');
  });

  test("each result's logs hold the lines printed while it ran, other invocations' included", async () => {
    const fn = local({ concurrency: 2 }, 'concurrent');
    const [long, short] = (await Promise.all([fn.invoke({ sleepMs: 400 }), fn.invoke({ sleepMs: 100 })])).map(answer);
    for (const id of [long.result.requestId, short.result.requestId]) {
      expect(long.result.logs).toContain(`started ${id}`);
      expect(long.result.logs).toContain(`ended ${id}`);
    }
    expect(short.result.logs).toContain(`ended ${short.result.requestId}`);
    expect(short.result.logs).not.toContain(`ended ${long.result.requestId}`);
  });

  test('a timeout kills the process: the other invocations running in it end with its exit, the next starts a new one', async () => {
    const fn = local({ concurrency: 2, timeoutSeconds: 1 }, 'concurrent');
    const { result } = await stderrOf(async () => {
      const first = fn.invoke({ sleepMs: 5000 });
      await new Promise((resolve) => setTimeout(resolve, 400));
      return Promise.all([first, fn.invoke({ sleepMs: 5000 })]);
    });
    const [timedOut, ended] = result;
    expect(timedOut).toMatchObject({ ok: false, kind: 'timeout', error: { errorType: 'Sandbox.Timedout' } });
    expect(ended).toMatchObject({ ok: false, kind: 'exit', signal: 'SIGKILL', error: { errorType: 'Runtime.ExitError' } });
    expect(ended.durationMs).toBeLessThan(1000);
    const next = answer(await fn.invoke({ sleepMs: 0 }));
    expect(next.result.initDurationMs).toBeDefined();
  });

  test('a concurrency that is not a whole number from 1 to 1600 is refused with INVALID_PROP', () => {
    for (const concurrency of [0, 2.5, 1601]) {
      expectCdkRustError(() => new LocalFunction({ code, concurrency }), 'INVALID_PROP', `concurrency: ${concurrency} is not a number`);
    }
  });
});
