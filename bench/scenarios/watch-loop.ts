/**
 * Scenario 16: the local loop of `cdk-rust watch`. Greeter's app is served by `cdk-rust watch` (the compiled CLI,
 * in a process of its own for the whole scenario), which rebuilds with Cargo's `dev` profile: it serves the
 * synthesized (release) build at start and builds the dev profile in the background, and the rounds start once that
 * first loop build serves (`<name>: built <hash> in N s; serving it`). Each round saves a one-line change of
 * greeter's `src/main.rs` and times, from the save, until a request gets an answer carrying the change.
 *
 * Three sides, interleaved round by round (sideBySide):
 * - ours: `cdk-rust watch` (noticing the save, the hash, the Docker build, the swap, the request);
 * - the peer: `cargo lambda watch -A 127.0.0.1 -P PORT` (cargo-lambda 1.9.2 from PyPI, bench/peer-install.ts) on a
 *   copy of the same crate, host toolchain, dev profile; the answer is a POST to its invoke API
 *   (`/2015-03-31/functions/greeter/invocations`); its log is kept outside the crate;
 * - bare incremental `cargo build` (dev profile, as ours) in the same builder image (`docker run`), which neither
 *   runs nor serves anything: the floor of any Docker-built loop.
 * Ours is compared with cargo lambda watch, or with the bare build when cargo-lambda could not be installed.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Context, Scenario } from '../context';
import { freePort, measureSave, stopProcess, waitFor } from '../edit-loop';
import { editGreeting, syncEdits } from '../fixtures/edits';
import { Peer, ensurePeer } from '../peer-install';
import { BenchError, Samples, Variant, cargoWork, median, progress, rowOf, sideBySide, tail } from '../support';
import { Workbench } from '../workbench';

const TITLE = 'watch: save to first response carrying a one-line change (dev profile)';
const OURS = 'ours: cdk-rust watch (dev), save to response';
const PEER = 'cargo lambda watch (dev, host), save to invoke answer';
const BARE = 'bare incremental cargo (dev), docker run';

/** Starts `cargo lambda watch` on a copy of greeter like the app's and waits for its first answer (its first build). */
function startPeer(ctx: Context, wb: Workbench, peer: Peer, greeterDir: string, warmTag: string, started: (c: ChildProcess) => void) {
  wb.ensureHostFetch();
  const dir = wb.freshGreeter('s16-cargo-lambda-watch');
  syncEdits(greeterDir, dir);
  const port = freePort();
  // Outside the crate: a file written inside it makes cargo lambda watch rebuild forever.
  const logFile = path.join(ctx.work, 's16-cargo-lambda-watch.log');
  const log = fs.openSync(logFile, 'w');
  const child = spawn('cargo', ['lambda', 'watch', '-A', '127.0.0.1', '-P', String(port)], {
    cwd: dir,
    env: peer.env,
    stdio: ['ignore', log, log],
    detached: true,
  });
  started(child);
  fs.closeSync(log);
  const url = `http://127.0.0.1:${port}/2015-03-31/functions/greeter/invocations`;
  const scratch = path.join(ctx.work, 's16-peer-edit', 'src', 'main.rs');
  fs.mkdirSync(path.dirname(scratch), { recursive: true });
  const context = () => `cargo lambda watch:\n${tail(fs.readFileSync(logFile, 'utf-8'), 20)}`;
  progress('s16: cargo lambda watch: first build, on the first invoke (untimed)');
  const edit = (tag: string) => {
    fs.copyFileSync(path.join(dir, 'src', 'main.rs'), scratch);
    editGreeting(path.dirname(path.dirname(scratch)), tag, wb.greeterDeps);
  };
  edit(warmTag);
  const main = path.join(dir, 'src', 'main.rs');
  const body = '{"name":"bench"}';
  const warm = measureSave(ctx.work, 's16-peer-warmup', { file: main, newText: scratch, url, tag: warmTag, tolerant: true, body, context });
  return { dir, logFile, warmSeconds: warm.seconds, edit, measure: { file: main, newText: scratch, url, body, context } };
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
    const notes: string[] = [];
    const s: Samples = new Map();
    const stale: number[] = [];
    const peerStale: number[] = [];
    const peerFailed: number[] = [];
    const stamp = Date.now().toString(36);
    const tagOf = (r: number) => `watch-${stamp}-${r + 1}`;
    // The synthesized build must be the sources' build, so that watch starts by serving it.
    wb.runApp('s16-resynth', 'ours', app.configFile);
    progress('s16: bare dev build of the bare copy (untimed: its dev target/ starts cold)');
    wb.bareDockerBuild('s16-bare-dev-warmup', bare, [], 'dev');
    const cli = path.join(wb.ensureDist(), 'bin', 'cdk-rust.js');
    const logFile = path.join(ctx.work, 's16-watch.log');
    const log = fs.openSync(logFile, 'w');
    const watch = spawn(process.execPath, [cli, 'watch', 'Bench/Greeter', '--app', app.outdir, '--port', '0'], {
      env: wb.appEnv(),
      stdio: ['ignore', 'ignore', log],
    });
    fs.closeSync(log);
    const watchLog = () => fs.readFileSync(logFile, 'utf-8');
    let peerWatch: ChildProcess | undefined;
    let peerReason = '';
    try {
      const url = waitFor('the URL of cdk-rust watch', 120, () => {
        const text = watchLog();
        if (watch.exitCode !== null) throw new BenchError(`cdk-rust watch exited:\n${tail(text, 20)}`);
        return text.includes('watching') ? /Bench\/Greeter: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text)?.[1] : undefined;
      });
      progress('s16: waiting for the first loop build (dev profile) to serve');
      const warmStarted = Date.now();
      const firstServed = waitFor('the first dev build of cdk-rust watch to serve', 900, () => {
        const text = watchLog();
        if (watch.exitCode !== null) throw new BenchError(`cdk-rust watch exited:\n${tail(text, 20)}`);
        return /: built \S+ in [\d.]+ s; serving it/.exec(text)?.[0];
      });
      notes.push(`dev warm-up: "${firstServed}" (waited ${((Date.now() - warmStarted) / 1000).toFixed(1)} s after "watching")`);

      let peerSide: ReturnType<typeof startPeer> | undefined;
      try {
        const peer = ensurePeer(ctx, wb, 's16');
        peerSide = startPeer(ctx, wb, peer, app.greeterDir, `watch-${stamp}-warm`, (c) => (peerWatch = c));
        notes.push(`cargo lambda watch's first build (on the first invoke, untimed): ${peerSide.warmSeconds.toFixed(1)} s`);
        ctx.results.raw['16-peer'] = { versions: peer.versions };
      } catch (error) {
        peerReason = error instanceof Error ? error.message : String(error);
        progress(`s16: cargo lambda watch not measured: ${peerReason}`);
        peerSide = undefined;
      }

      const main = path.join(app.greeterDir, 'src', 'main.rs');
      const scratch = path.join(ctx.work, 's16-edit');
      const variants: Variant[] = [
        {
          name: OURS,
          run: (r) => {
            // The edit is made by the measuring process: the clock starts at the save.
            fs.rmSync(scratch, { recursive: true, force: true });
            fs.mkdirSync(path.join(scratch, 'src'), { recursive: true });
            fs.copyFileSync(main, path.join(scratch, 'src', 'main.rs'));
            editGreeting(scratch, tagOf(r), wb.greeterDeps);
            const result = measureSave(ctx.work, `s16-ours-${r + 1}`, {
              file: main,
              newText: path.join(scratch, 'src', 'main.rs'),
              url,
              tag: tagOf(r),
              context: () => tail(watchLog(), 20),
            });
            stale.push(result.stale);
            return { seconds: result.seconds };
          },
        },
        {
          name: BARE,
          run: (r) => {
            // The same edit, in the bare copy (whose dev target/ is warm), built by cargo alone.
            editGreeting(bare, tagOf(r), wb.greeterDeps);
            const t = wb.bareDockerBuild(`s16-bare-${r + 1}`, bare, [], 'dev');
            return { seconds: t.seconds, work: cargoWork(t.log) };
          },
        },
      ];
      const side = peerSide;
      if (side) {
        variants.splice(1, 0, {
          name: PEER,
          run: (r) => {
            side.edit(tagOf(r));
            const result = measureSave(ctx.work, `s16-peer-${r + 1}`, { ...side.measure, tag: tagOf(r), tolerant: true });
            peerStale.push(result.stale);
            peerFailed.push(result.failed);
            return { seconds: result.seconds };
          },
        });
      }
      sideBySide(s, runs, [variants], (r) => progress(`s16 round ${r + 1}/${runs}: edit "${tagOf(r)}"`));
      // Leave both copies alike for the scenarios after this one.
      syncEdits(app.greeterDir, bare);
    } finally {
      stopProcess(watch, 'cdk-rust watch');
      if (peerWatch) stopProcess(peerWatch, 'cargo lambda watch', 30, true);
    }
    ctx.results.raw['16'] = { staleResponsesWhileBuilding: stale, peerStale, peerFailed, watchLog: logFile };
    notes.push(
      'ours = from writing main.rs to the first 200 response carrying the edit: fs.watch, debounce, hash, the Docker build ' +
        '(dev profile: BuildKit context, fetch step, cargo build, export), the new process, the request',
      'cargo lambda watch = the same save in its copy of greeter to the first 200 answer of a POST to its invoke API carrying ' +
        'the edit: watchexec, `cargo run` (host toolchain, gnu, dev profile), the function restarting, the invoke',
      'bare = one docker run of `cargo build --profile dev` (musl) on a warm dev target/ (nothing runs or answers)',
      `responses of the previous build served while each change built (polling every 50 ms): ours ${stale.join(', ')}` +
        (peerStale.length ? `; cargo lambda watch ${peerStale.join(', ')} (failed requests meanwhile: ${peerFailed.join(', ')})` : ''),
    );
    const med = (name: string) => (s.get(name)?.samples.length ? median(s.get(name)!.samples) : undefined);
    const [ours, bareMed] = [med(OURS), med(BARE)];
    if (ours !== undefined && bareMed !== undefined) notes.push(`ours / bare: ${(ours / bareMed).toFixed(2)}x (target before: <= 1.5x)`);
    if (peerReason) notes.push(`cargo lambda watch not measured: ${peerReason.split('\n')[0]}`);
    const peerMeasured = (s.get(PEER)?.samples.length ?? 0) > 0;
    return {
      id: '16',
      title: TITLE,
      notes,
      rows: [
        rowOf(s, OURS, peerMeasured ? { ref: PEER } : { ref: BARE, targetMax: 1.5 }),
        rowOf(s, PEER, peerMeasured ? {} : { note: 'not measured: cargo-lambda could not be installed or run (see notes)' }),
        rowOf(s, BARE),
      ],
    };
  },
};
