/**
 * Scenario 20: the edit loop of a container service, `cdk-rust run <service> --watch`. The example service's app
 * (one RustService, configured as examples/rust-service.ts, as scenario 14's) is synthesized, then
 * `cdk-rust run Bench/Service --watch` (the compiled CLI) is started once for the whole scenario: it serves the
 * synthesized image at a URL it prints on stdout, rebuilds the image on save (dev profile) and replaces the
 * container once the new one answers its health check, at the same URL. After one untimed round (the first dev
 * build, cold), each round saves a one-line change of the service's response (`src/main.rs`) and times, from the
 * save, until `GET /hello/bench` at the printed URL answers 200 with the change.
 *
 * The reference, on the host: a copy of the same crate, `cargo build` (dev profile, host toolchain; its target/
 * warmed first, untimed), then the binary started in the crate's directory (it reads `configuration/base.json`
 * relative to its working directory, and its port from `PORT`) and polled on the same path until it answers
 * with the change; then it is stopped. Both sides are timed from the save, by a process that makes the save.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { childResult } from '../child-script';
import { Context, Scenario } from '../context';
import { freePort, measureSave, stopProcess, waitFor } from '../edit-loop';
import { editServiceGreeting } from '../fixtures/edits';
import { BenchError, Samples, cargoWork, median, progress, rowOf, sideBySide, tail, timed } from '../support';

const TITLE = 'run --watch: save to the first healthy answer carrying a one-line change of a service';
const OURS = 'ours: cdk-rust run --watch (dev), save to answer';
const HOST = 'host: cargo build (dev) + start + answer';
const PATH_OF_CHANGE = '/hello/bench';

/**
 * The reference's round: saves the file, runs `cargo build` (dev), starts the binary with PORT in the crate's
 * directory, polls the path until a 200 answer carries the tag, stops the binary. Prints the seconds from the save
 * and those of cargo alone.
 */
const HOST_ROUND = `'use strict';
const fs = require('fs');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const [dir, text, port, urlPath, tag, timeoutSeconds] = process.argv.slice(2);
(async () => {
  const t0 = process.hrtime.bigint();
  const since = () => Number(process.hrtime.bigint() - t0) / 1e9;
  fs.writeFileSync(path.join(dir, 'src', 'main.rs'), fs.readFileSync(text));
  const cargo = spawnSync('cargo', ['build', '--locked', '--bin', 'service'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  if (cargo.status !== 0) throw new Error('cargo build failed: ' + cargo.status);
  const cargoSeconds = since();
  const server = spawn(path.join(dir, 'target', 'debug', 'service'), [], {
    cwd: dir,
    env: { ...process.env, PORT: port },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    for (;;) {
      if (since() > Number(timeoutSeconds)) throw new Error('no answer carried ' + tag);
      if (server.exitCode !== null) throw new Error('the service exited: ' + server.exitCode);
      try {
        const response = await fetch('http://127.0.0.1:' + port + urlPath);
        const body = await response.text();
        if (response.status === 200 && body.includes(tag)) break;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    process.stdout.write('BENCH-RESULT ' + JSON.stringify({ seconds: since(), cargoSeconds }) + '\\n');
  } finally {
    server.kill('SIGINT');
  }
})().catch((e) => { console.error((e && e.stack) || e); process.exit(1); });
`;

export const runWatch: Scenario = {
  id: '20',
  name: 'run-watch',
  title: TITLE,
  needsDevEnv: true,
  run(ctx: Context) {
    const { workbench: wb } = ctx;
    const runs = ctx.options.oneLineRuns;
    const notes: string[] = [];
    const s: Samples = new Map();
    const app = wb.service.ensureApp();
    // The synthesized image must be the sources' build, so that run --watch starts by serving it.
    wb.service.runApp('s20-resynth', 'service', app.configFile);
    const stamp = Date.now().toString(36);
    const tagOf = (r: number) => `run-watch-${stamp}-${r + 1}`;

    // The reference's copy, built once on the host (untimed, cold).
    const host = wb.service.fresh('s20-host-service');
    progress('s20: host cargo fetch + cargo build (dev) of a copy of the service (untimed, cold)');
    timed('s20-host-fetch', 'cargo', ['fetch', '--locked'], { cwd: host });
    timed('s20-host-first-build', 'cargo', ['build', '--locked', '--bin', 'service'], { cwd: host });
    const hostRound = path.join(ctx.work, 's20-host-round.js');
    fs.writeFileSync(hostRound, HOST_ROUND);

    const cli = path.join(wb.ensureDist(), 'bin', 'cdk-rust.js');
    const outFile = path.join(ctx.work, 's20-run-watch.out');
    const logFile = path.join(ctx.work, 's20-run-watch.log');
    const [out, log] = [fs.openSync(outFile, 'w'), fs.openSync(logFile, 'w')];
    const child: ChildProcess = spawn(process.execPath, [cli, 'run', 'Bench/Service', '--app', app.outdir, '--watch'], {
      env: wb.appEnv(),
      stdio: ['ignore', out, log],
    });
    fs.closeSync(out);
    fs.closeSync(log);
    const runLog = () => tail(fs.readFileSync(logFile, 'utf-8'), 25);
    const stale: number[] = [];
    const cargoSeconds: number[] = [];
    try {
      const started = Date.now();
      const base = waitFor('the URL of cdk-rust run --watch', 600, () => {
        if (child.exitCode !== null) throw new BenchError(`cdk-rust run --watch exited ${child.exitCode}:\n${runLog()}`);
        return /^(http:\/\/127\.0\.0\.1:\d+)\/?$/m.exec(fs.readFileSync(outFile, 'utf-8'))?.[1];
      });
      notes.push(`run --watch printed ${base} after ${((Date.now() - started) / 1000).toFixed(1)} s (the synthesized image)`);
      const url = `${base}${PATH_OF_CHANGE}`;
      const main = path.join(app.serviceDir, 'src', 'main.rs');
      const scratch = path.join(ctx.work, 's20-edit');
      const newText = path.join(scratch, 'src', 'main.rs');
      const edit = (tag: string) => {
        fs.rmSync(scratch, { recursive: true, force: true });
        fs.mkdirSync(path.join(scratch, 'src'), { recursive: true });
        fs.copyFileSync(main, newText);
        editServiceGreeting(scratch, tag);
      };
      const context = () => `cdk-rust run --watch:\n${runLog()}`;
      progress('s20: first change: the first dev build of the image (untimed, cold)');
      edit(`run-watch-${stamp}-warm`);
      const warm = measureSave(ctx.work, 's20-ours-warmup', { file: main, newText, url, tag: `run-watch-${stamp}-warm`, context });
      notes.push(`first change (untimed): ${warm.seconds.toFixed(1)} s, the dev profile's first (cold) image build`);
      sideBySide(
        s,
        runs,
        [
          [
            {
              name: OURS,
              run: (r) => {
                edit(tagOf(r));
                const result = measureSave(ctx.work, `s20-ours-${r + 1}`, { file: main, newText, url, tag: tagOf(r), context });
                stale.push(result.stale);
                return { seconds: result.seconds };
              },
            },
            {
              name: HOST,
              run: (r) => {
                // The same new main.rs as ours saves (the crates are alike but for the edits).
                edit(tagOf(r));
                const args = [hostRound, host, newText, String(freePort()), PATH_OF_CHANGE, tagOf(r), '600'];
                const t = timed(`s20-host-${r + 1}`, process.execPath, args, { allowFailure: true });
                const result = childResult<{ seconds: number; cargoSeconds: number }>(t);
                if (!result) throw new BenchError(`s20 host round ${r + 1}:\n${tail(t.log, 15)}`);
                cargoSeconds.push(result.cargoSeconds);
                return { seconds: result.seconds, work: cargoWork(t.log) };
              },
            },
          ],
        ],
        (r) => progress(`s20 round ${r + 1}/${runs}: edit "${tagOf(r)}"`),
      );
    } finally {
      stopProcess(child, 'cdk-rust run --watch', 60);
    }
    ctx.results.raw['20'] = { staleAnswersWhileBuilding: stale, hostCargoThenWallSeconds: cargoSeconds, log: logFile };
    notes.push(
      `ours = from writing main.rs to the first 200 of GET ${PATH_OF_CHANGE} at the printed URL carrying the edit: file event, ` +
        'hash, the image build in Docker (dev profile, static musl), loading the image, a new container beside the old one, ' +
        'its health check, the switch; the old container answered meanwhile: ' +
        stale.join(', '),
      'host = from the same save: `cargo build --locked` (dev, host toolchain, gnu) on a warm target/, then the binary ' +
        `started in the crate directory (configuration/base.json, PORT) and polled every 20 ms on ${PATH_OF_CHANGE}, then stopped; ` +
        `its cargo step (to cargo's exit) took ${cargoSeconds.length ? median(cargoSeconds).toFixed(2) : '-'} s (median)`,
    );
    return { id: '20', title: TITLE, notes, rows: [rowOf(s, OURS, { ref: HOST }), rowOf(s, HOST)] };
  },
};
