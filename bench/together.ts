/**
 * Several commands started at the same moment and timed each, for the scenarios that measure builds
 * running at once. The harness is synchronous (a scenario returns its table), so a small Node runner,
 * spawned with spawnSync, starts the commands together and reports when each started and ended.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { BenchError, logPath, tail } from './support';

/** One command of a group started together. */
export interface TogetherCommand {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** What one command of the group did; times in seconds since the runner started the group. */
export interface TogetherTimed {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly seconds: number;
  readonly status: number | null;
  readonly log: string;
  readonly logFile: string;
}

/** The group: its wall time (first start to last end), how long all of them ran at once, and each command. */
export interface Together {
  readonly seconds: number;
  readonly overlap: number;
  readonly each: TogetherTimed[];
}

/** Starts every command of argv[1]'s JSON spec at once; prints `[{start, end, status}]` as JSON when all ended. */
const RUNNER = `'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const specs = JSON.parse(fs.readFileSync(process.argv[1], 'utf-8'));
const t0 = process.hrtime.bigint();
const now = () => Number(process.hrtime.bigint() - t0) / 1e9;
const out = [];
let left = specs.length;
specs.forEach((spec, i) => {
  const fd = fs.openSync(spec.logFile, 'a');
  const start = now();
  const finish = (status, why) => {
    if (out[i]) return;
    out[i] = { start, end: now(), status, why };
    fs.closeSync(fd);
    if (--left === 0) process.stdout.write(JSON.stringify(out));
  };
  const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', fd, fd] });
  child.on('error', (e) => finish(null, e.message));
  child.on('close', (code, signal) => finish(code, signal || undefined));
});
`;

/**
 * Runs `commands` all at once and waits for every one; their output goes to a log each. Throws when one
 * fails, unless `allowFailure`.
 */
export function timedTogether(label: string, commands: readonly TogetherCommand[], allowFailure = false): Together {
  const logs = commands.map((c) => logPath(c.name));
  commands.forEach((c, i) => fs.writeFileSync(logs[i], `$ ${[c.command, ...c.args].join(' ')}\n# cwd: ${c.cwd ?? process.cwd()}\n`));
  const specFile = logPath(`${label}-spec.json`);
  fs.writeFileSync(
    specFile,
    JSON.stringify(commands.map((c, i) => ({ command: c.command, args: c.args, cwd: c.cwd, env: c.env ?? process.env, logFile: logs[i] }))),
  );
  const result = spawnSync(process.execPath, ['-e', RUNNER, specFile], { encoding: 'utf-8', maxBuffer: 16 * 1024 * 1024 });
  fs.rmSync(specFile, { force: true }); // it holds the environment
  if (result.error || result.status !== 0) {
    throw new BenchError(`${label}: the runner failed: ${result.error?.message ?? ''}${result.stderr ?? ''}`.trim());
  }
  const raw = JSON.parse(result.stdout) as Array<{ start: number; end: number; status: number | null; why?: string }>;
  const each = raw.map((r, i): TogetherTimed => {
    fs.appendFileSync(
      logs[i],
      `\n# exit ${r.status ?? r.why}, ${(r.end - r.start).toFixed(2)} s wall (started at +${r.start.toFixed(2)} s)\n`,
    );
    const log = fs.readFileSync(logs[i], 'utf-8');
    if (!allowFailure && r.status !== 0) {
      throw new BenchError(
        `${commands[i].name} failed (${r.why ?? `exit status ${r.status}`})\nlog: ${logs[i]}\n--- last lines ---\n${tail(log, 40)}`,
      );
    }
    return { name: commands[i].name, start: r.start, end: r.end, seconds: r.end - r.start, status: r.status, log, logFile: logs[i] };
  });
  const first = Math.min(...each.map((e) => e.start));
  const last = Math.max(...each.map((e) => e.end));
  const overlap = Math.max(0, Math.min(...each.map((e) => e.end)) - Math.max(...each.map((e) => e.start)));
  return { seconds: last - first, overlap, each };
}
