/**
 * The --out lock of `cdk-rust synth`, with real processes holding it: one writer at a time, readers respected,
 * stale locks taken over.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { withOutputLock } from '../../lib/cli/output-lock';
import { captureStderr, expectCdkRustError, tempDir } from '../support';

/** A live process that is not this one (its pid stands for another synth). */
function otherProcess(): ChildProcess {
  return spawn('sleep', ['30'], { stdio: 'ignore' });
}

/** Removes `file` after `ms`, from another process (this one is blocked while it waits). */
function removeLater(file: string, ms: number): void {
  spawn('sh', ['-c', `sleep ${ms / 1000}; rm -f '${file}'`], { stdio: 'ignore', detached: true }).unref();
}

/** A pid that no process has. */
function deadPid(): number {
  const child = spawnSync('sh', ['-c', 'echo $$']);
  return Number(child.stdout.toString().trim());
}

describe('output lock: one writer at a time in a cloud assembly directory', () => {
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((c) => c.kill()));

  test('a free directory is locked while the synth runs, and released after it, also when it throws', () => {
    const dir = path.join(tempDir('out'), 'cdk-rust.out');
    const seen = withOutputLock(dir, () => fs.readFileSync(path.join(dir, 'synth.lock'), 'utf-8'));
    expect(seen).toBe(String(process.pid));
    expect(fs.existsSync(path.join(dir, 'synth.lock'))).toBe(false);
    expect(() =>
      withOutputLock(dir, () => {
        throw new Error('build failed');
      }),
    ).toThrow('build failed');
    expect(fs.existsSync(path.join(dir, 'synth.lock'))).toBe(false);
  });

  test('a second synth waits for the first (a live process holding synth.lock), saying so', () => {
    const dir = tempDir('out');
    const holder = otherProcess();
    children.push(holder);
    fs.writeFileSync(path.join(dir, 'synth.lock'), String(holder.pid));
    removeLater(path.join(dir, 'synth.lock'), 600);
    const started = Date.now();
    const { stderr } = captureStderr(() => withOutputLock(dir, () => undefined, { pollMs: 50 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(stderr).toContain(`[cdk-rust] waiting for another process writing ${dir} (pid ${holder.pid}) to finish`);
  });

  test('a deploy reading the directory (a CDK CLI reader lock of a live process) is waited for too', () => {
    const dir = tempDir('out');
    const reader = otherProcess();
    children.push(reader);
    const readLock = path.join(dir, `read.${reader.pid}.1.lock`);
    fs.writeFileSync(readLock, String(reader.pid));
    removeLater(readLock, 400);
    const started = Date.now();
    captureStderr(() => withOutputLock(dir, () => undefined, { pollMs: 50 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  test('locks of processes that are gone are stale: taken over at once', () => {
    const dir = tempDir('out');
    const dead = deadPid();
    fs.writeFileSync(path.join(dir, 'synth.lock'), String(dead));
    fs.writeFileSync(path.join(dir, `read.${dead}.1.lock`), String(dead));
    const started = Date.now();
    expect(withOutputLock(dir, () => 'ran', { pollMs: 50 })).toBe('ran');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('a holder that never finishes: a clear error after the timeout, and its lock is left alone', () => {
    const dir = tempDir('out');
    const holder = otherProcess();
    children.push(holder);
    fs.writeFileSync(path.join(dir, 'synth.lock'), String(holder.pid));
    captureStderr(() =>
      expectCdkRustError(
        () => withOutputLock(dir, () => undefined, { timeoutMs: 300, pollMs: 50 }),
        'OUTDIR_LOCKED',
        `--out ${dir} is still being written by another process (pid ${holder.pid})`,
        'give this run another --out directory',
      ),
    );
    expect(fs.readFileSync(path.join(dir, 'synth.lock'), 'utf-8')).toBe(String(holder.pid));
  });
});
