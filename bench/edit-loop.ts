/**
 * What the edit-loop scenarios (16 `watch-loop`, 20 `run-watch`) share: a small Node script that saves a file and
 * polls a URL until the answer carries the edit (so the clock starts at the save, in the process that polls), and
 * waiting for and stopping the long-running processes they measure (the harness itself is synchronous).
 */
import { ChildProcess, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { childResult } from './child-script';
import { BenchError, tail, timed } from './support';

/**
 * Saves `text` as `file`, then polls `url` (GET; POST `body` when given) until a 200 answer contains `tag`; prints
 * the seconds since the save, how many 200 answers without the tag came meanwhile (the previous build answering)
 * and how many failed (`tolerant`: refused connections and other statuses are polled through, e.g. while a peer
 * restarts its process; otherwise they are fatal).
 */
const MEASURE = `'use strict';
const fs = require('fs');
const [file, text, url, tag, timeoutSeconds, tolerant, body] = process.argv.slice(2);
(async () => {
  const t0 = process.hrtime.bigint();
  fs.writeFileSync(file, fs.readFileSync(text));
  let stale = 0;
  let failed = 0;
  let last = '';
  for (;;) {
    let seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (seconds > Number(timeoutSeconds)) throw new Error('no answer carried ' + tag + ' after ' + seconds + ' s; last: ' + last);
    let status = 0;
    let answer = '';
    try {
      const response = await fetch(url, body ? { method: 'POST', body, headers: { 'content-type': 'application/json' } } : {});
      status = response.status;
      answer = await response.text();
    } catch (e) {
      if (tolerant !== '1') throw e;
      answer = String((e && e.cause) || e);
    }
    if (status === 200 && answer.includes(tag)) {
      // Timed at the answer: a request can wait for the build (cargo lambda watch holds an invoke until it runs).
      seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      process.stdout.write('BENCH-RESULT ' + JSON.stringify({ seconds, stale, failed }) + '\\n');
      return;
    }
    last = status + ' ' + answer.slice(0, 300);
    if (status === 200) stale += 1;
    else if (tolerant === '1') failed += 1;
    else throw new Error('status ' + status + ': ' + answer);
    await new Promise((r) => setTimeout(r, 50));
  }
})().catch((e) => { console.error((e && e.stack) || e); process.exit(1); });
`;

/** What one measured save gave. */
export interface SaveResult {
  readonly seconds: number;
  /** 200 answers without the edit (the previous build still serving). */
  readonly stale: number;
  /** Failed requests, polled through (tolerant measurements only). */
  readonly failed: number;
}

/** One save-to-answer measurement. */
export interface SaveMeasure {
  /** The file to save, and a file holding its new text (written in the measuring process, which starts the clock). */
  readonly file: string;
  readonly newText: string;
  readonly url: string;
  readonly tag: string;
  readonly timeoutSeconds?: number;
  readonly tolerant?: boolean;
  /** POST this body (JSON) instead of a GET. */
  readonly body?: string;
  /** Log lines of the measured process, added to the error when the measurement fails. */
  readonly context?: () => string;
}

/** Writes the measuring script into `work` (once) and runs one measurement. */
export function measureSave(work: string, name: string, m: SaveMeasure): SaveResult {
  const script = path.join(work, 'edit-loop-measure.js');
  if (!fs.existsSync(script)) fs.writeFileSync(script, MEASURE);
  const args = [script, m.file, m.newText, m.url, m.tag, String(m.timeoutSeconds ?? 900), m.tolerant ? '1' : '0'];
  const t = timed(name, process.execPath, m.body ? [...args, m.body] : args, { allowFailure: true });
  const result = childResult<SaveResult>(t);
  if (!result) throw new BenchError(`${name}: ${tail(t.log, 10)}${m.context ? `\n${m.context()}` : ''}`);
  return result;
}

/** Waits (the harness is synchronous) until `check` returns a value, or throws after `seconds`. */
export function waitFor<T>(what: string, seconds: number, check: () => T | undefined): T {
  const deadline = Date.now() + seconds * 1000;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new BenchError(`timed out waiting for ${what}`);
    Atomics.wait(sleeper, 0, 0, 100);
  }
}

/** The process is gone, or a zombie (which this synchronous harness cannot reap). */
function gone(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  try {
    return / Z /.test(fs.readFileSync(stat, 'utf-8'));
  } catch {
    return true;
  }
}

/**
 * Stops a process the scenario started (SIGTERM; SIGKILL after `seconds`) and waits until it is gone. With `group`,
 * the signal goes to its process group (it was spawned `detached`), so that what it started stops with it.
 */
export function stopProcess(child: ChildProcess, what: string, seconds = 30, group = false): void {
  const pid = child.pid;
  if (pid === undefined || gone(pid)) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (group) process.kill(-pid, sig);
      else child.kill(sig);
    } catch {
      // Gone already.
    }
  };
  signal('SIGTERM');
  try {
    waitFor(`${what} to stop`, seconds, () => (gone(pid) ? true : undefined));
  } catch {
    signal('SIGKILL');
    waitFor(`${what} to stop after SIGKILL`, 10, () => (gone(pid) ? true : undefined));
  }
}

/** A TCP port of 127.0.0.1 that was free a moment ago. */
export function freePort(): number {
  const r = spawnSync(
    process.execPath,
    ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"],
    { encoding: 'utf-8' },
  );
  const port = Number(r.stdout.trim());
  if (!Number.isInteger(port) || port <= 0) throw new BenchError(`no free port: ${r.stderr}`);
  return port;
}
