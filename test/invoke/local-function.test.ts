/**
 * LocalFunction without Docker or a Rust build: what is refused before any process starts, and a bootstrap
 * written as a shell script (not ELF, so run as it is) that exits before it polls.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LocalFunction } from '../../lib/invoke/local-function';
import { tempDir } from '../support';

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
