/**
 * One writer at a time in a cloud assembly directory: `cdk-rust synth` runs that share an `--out` wait for
 * each other, as the CDK CLI's own runs do. Without it, two runs stage the same asset at once and the second
 * fails half-way (`ENOTEMPTY`), leaving an `asset.<hash>-building` directory behind.
 *
 * The lock files are the CDK CLI's: the writer holds `<dir>/synth.lock` (holding its pid), readers hold
 * `<dir>/read.<pid>.<n>.lock`, so `cdk deploy --app <dir>` and `cdk-rust synth --out <dir>` also exclude each
 * other. A lock whose process is gone is stale and taken over.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { processAlive } from '../private/process-alive';
import { progress } from '../private/progress';

/** How {@link withOutputLock} waits. */
export interface OutputLockOptions {
  /** Give up after this long. @default 30 minutes */
  readonly timeoutMs?: number;
  /** How often to look again. @default 200 ms */
  readonly pollMs?: number;
}

const WRITER = 'synth.lock';
const READER = /^read\.(\d+)\.\d+\.lock$/;

/** Runs `fn` holding the writer lock of `dir` (created when missing), waiting for other holders first. */
export function withOutputLock<T>(dir: string, fn: () => T, options: OutputLockOptions = {}): T {
  fs.mkdirSync(dir, { recursive: true });
  const lock = path.join(dir, WRITER);
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60 * 1000);
  let announced = false;
  for (;;) {
    const holder = busyWith(dir, lock);
    if (holder === undefined && tryCreate(lock)) break;
    if (Date.now() >= deadline) {
      throw new CdkRustError(
        'OUTDIR_LOCKED',
        `--out ${dir} is still being written by another process (${holder ?? 'unknown'}).`,
        'wait for it to finish, or give this run another --out directory.',
      );
    }
    if (!announced && holder !== undefined) {
      progress(`waiting for another process writing ${dir} (${holder}) to finish`);
      announced = true;
    }
    sleep(options.pollMs ?? 200);
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/** Who else uses `dir` (`pid N` of a live writer or reader), removing the locks of processes that are gone. */
function busyWith(dir: string, lock: string): string | undefined {
  const text = readText(lock);
  if (fs.existsSync(lock)) {
    // An empty lock is one being created this instant (its pid comes right after): busy, unless it is old.
    if (text === '' && Date.now() - mtimeMs(lock) < 5000) return 'a process starting';
    if (processAlive(Number(text))) return `pid ${text}`;
    fs.rmSync(lock, { force: true });
  }
  for (const name of fs.readdirSync(dir)) {
    const pid = Number(READER.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    if (processAlive(pid)) return `pid ${pid}, reading`;
    fs.rmSync(path.join(dir, name), { force: true });
  }
  return undefined;
}

/** Creates the lock file holding our pid; false when another process created it first. */
function tryCreate(lock: string): boolean {
  try {
    const fd = fs.openSync(lock, 'wx');
    fs.writeSync(fd, String(process.pid));
    fs.closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf-8').trim();
  } catch {
    return '';
  }
}

function mtimeMs(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** Blocks this thread (the synth is synchronous, as CDK's asset staging is). */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
