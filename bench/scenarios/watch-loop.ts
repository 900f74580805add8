/**
 * Scenario 16: the local loop of `cdk-rust watch`. Greeter's app is served by `cdk-rust watch` (the
 * compiled CLI, in a process of its own for the whole scenario); each round saves a one-line change of
 * greeter's `src/main.rs` and times, from the save, until an HTTP request to the watched function gets a
 * response carrying the change (noticing the save, the hash, the Docker build, the swap and the
 * request). The reference is a bare incremental `cargo build` of the same change in the same builder
 * image (`docker run`), which neither runs nor serves anything: the floor of any Docker-built loop,
 * which is what watch does (it builds through the same hash and build as synth).
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Context, Scenario } from '../context';
import { editGreeting, syncEdits } from '../fixtures';
import { BenchError, Samples, cargoWork, progress, rowOf, sideBySide, tail, timed } from '../support';

const TITLE = 'watch: save to first response carrying a one-line change';

/** Polls the URL until its answer contains the tag; prints the seconds since it saved the file. */
const MEASURE = `'use strict';
const fs = require('fs');
const [file, text, url, tag, timeoutSeconds] = process.argv.slice(2);
(async () => {
  const t0 = process.hrtime.bigint();
  fs.writeFileSync(file, fs.readFileSync(text));
  let stale = 0;
  for (;;) {
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (seconds > Number(timeoutSeconds)) throw new Error('no response carried ' + tag + ' after ' + seconds + ' s');
    const response = await fetch(url);
    const body = await response.text();
    if (response.status === 200 && body.includes(tag)) {
      process.stdout.write('BENCH-RESULT ' + JSON.stringify({ seconds, stale }) + '\\n');
      return;
    }
    if (response.status === 200) stale += 1;
    else throw new Error('status ' + response.status + ': ' + body);
    await new Promise((r) => setTimeout(r, 50));
  }
})().catch((e) => { console.error((e && e.stack) || e); process.exit(1); });
`;

/** Waits (the harness is synchronous) until `check` returns a value, or throws after `seconds`. */
function waitFor<T>(what: string, seconds: number, check: () => T | undefined): T {
  const deadline = Date.now() + seconds * 1000;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new BenchError(`timed out waiting for ${what}`);
    Atomics.wait(sleeper, 0, 0, 100);
  }
}

/** Stops the watch process and waits until it is gone (or a zombie, which this synchronous harness cannot reap). */
function stop(watch: ChildProcess): void {
  if (watch.pid === undefined) return;
  watch.kill('SIGTERM');
  const stat = `/proc/${watch.pid}/stat`;
  waitFor('cdk-rust watch to stop', 30, () => (!fs.existsSync(stat) || / Z /.test(fs.readFileSync(stat, 'utf-8')) ? true : undefined));
}

export const watchLoop: Scenario = {
  id: '16',
  name: 'watch-loop',
  title: TITLE,
  needsDevEnv: true,
  run(ctx: Context) {
    const { workbench: wb } = ctx;
    const runs = ctx.options.oneLineRuns;
    const app = wb.ensureOursApp();
    const bare = wb.ensureBareGreeter();
    // The synthesized build must be the sources' build, so that watch starts by serving it.
    wb.runApp('s16-resynth', 'ours', app.configFile);
    const cli = path.join(wb.ensureDist(), 'bin', 'cdk-rust.js');
    const logFile = path.join(ctx.work, 's16-watch.log');
    const log = fs.openSync(logFile, 'w');
    const watch = spawn(process.execPath, [cli, 'watch', 'Bench/Greeter', '--app', app.outdir, '--port', '0'], {
      env: wb.appEnv(),
      stdio: ['ignore', 'ignore', log],
    });
    fs.closeSync(log);
    const OURS = 'ours: cdk-rust watch, save to response';
    const BARE = 'bare incremental cargo, docker run';
    const s: Samples = new Map();
    const notes: string[] = [];
    const stale: number[] = [];
    try {
      const url = waitFor('the URL of cdk-rust watch', 120, () => {
        const text = fs.readFileSync(logFile, 'utf-8');
        if (watch.exitCode !== null) throw new BenchError(`cdk-rust watch exited:\n${tail(text, 20)}`);
        return text.includes('watching') ? /Bench\/Greeter: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text)?.[1] : undefined;
      });
      const main = path.join(app.greeterDir, 'src', 'main.rs');
      const scratch = path.join(ctx.work, 's16-edit');
      const measure = path.join(ctx.work, 's16-measure.js');
      fs.writeFileSync(measure, MEASURE);
      const stamp = Date.now().toString(36);
      const tagOf = (r: number) => `watch-${stamp}-${r + 1}`;
      sideBySide(
        s,
        runs,
        [
          [
            {
              name: OURS,
              run: (r) => {
                // The edit is made by the measuring process: the clock starts at the save.
                fs.rmSync(scratch, { recursive: true, force: true });
                fs.mkdirSync(path.join(scratch, 'src'), { recursive: true });
                fs.copyFileSync(main, path.join(scratch, 'src', 'main.rs'));
                editGreeting(scratch, tagOf(r), wb.greeterDeps);
                const t = timed(
                  `s16-ours-${r + 1}`,
                  process.execPath,
                  [measure, main, path.join(scratch, 'src', 'main.rs'), url, tagOf(r), '900'],
                  {
                    env: wb.appEnv(),
                    allowFailure: true,
                  },
                );
                const line = t.log.split('\n').find((l) => l.startsWith('BENCH-RESULT '));
                if (t.status !== 0 || !line)
                  throw new BenchError(`round ${r + 1}: ${tail(t.log, 10)}\n${tail(fs.readFileSync(logFile, 'utf-8'), 20)}`);
                const result = JSON.parse(line.slice('BENCH-RESULT '.length)) as { seconds: number; stale: number };
                stale.push(result.stale);
                return { seconds: result.seconds };
              },
            },
            {
              name: BARE,
              run: (r) => {
                // The same edit, in the bare copy (whose target/ is warm), built by cargo alone.
                editGreeting(bare, tagOf(r), wb.greeterDeps);
                const t = wb.bareDockerBuild(`s16-bare-${r + 1}`, bare);
                return { seconds: t.seconds, work: cargoWork(t.log) };
              },
            },
          ],
        ],
        (r) => progress(`s16 round ${r + 1}/${runs}: edit "${tagOf(r)}"`),
      );
      // Leave both copies alike for the scenarios after this one.
      syncEdits(app.greeterDir, bare);
    } finally {
      stop(watch);
    }
    ctx.results.raw['16'] = { staleResponsesWhileBuilding: stale, watchLog: logFile };
    notes.push(
      'ours = from writing main.rs to the first 200 response carrying the edit: fs.watch, debounce (150 ms), hash, ' +
        'the Docker build (BuildKit context, fetch step, cargo build, export), the new process, the request',
    );
    notes.push('bare = one docker run of cargo build on a warm target/ (nothing runs or answers)');
    notes.push(`responses of the previous build served while each change built (polling every 50 ms): ${stale.join(', ')}`);
    return { id: '16', title: TITLE, notes, rows: [rowOf(s, BARE), rowOf(s, OURS, { ref: BARE, targetMax: 1.5 })] };
  },
};
