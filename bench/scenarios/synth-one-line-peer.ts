/**
 * Scenario 21: a one-line change through a synth, beside the peer. The same app shape on both sides, precompiled
 * (`node app.js`, one function on greeter): ours is cdk-rust's RustFunction (Docker musl build, the greeter app of
 * scenarios 2 and 3), the peer is cargo-lambda-cdk's RustFunction (`cargo lambda build` on the host, zig as linker;
 * cargo-lambda 1.9.2 + zig from PyPI and cargo-lambda-cdk 0.0.36 from npm, installed as scenario 8 does, by
 * bench/peer-install.ts) on a copy of greeter of its own, built once untimed. Each round writes the same new string
 * into both copies' `src/main.rs`, then runs both synths side by side (order rotating), and checks that each app's
 * new asset holds the string. The stated goal: ours at most 1.1x the peer.
 */
import * as path from 'path';
import { assetHas } from '../assembly-assets';
import { Context, Scenario } from '../context';
import { editGreeting, syncEdits } from '../fixtures/edits';
import { ensurePeer } from '../peer-install';
import { Samples, cargoWork, progress, rowOf, sideBySide } from '../support';

const TITLE = 'One-line change through a synth, beside the peer (cargo-lambda-cdk)';
const OURS = 'ours: RustFunction, re-synth after a one-line change';
const PEER = 'peer: cargo-lambda-cdk RustFunction, the same';
const TARGET = 1.1;

export const synthOneLinePeer: Scenario = {
  id: '21',
  name: 'synth-one-line-peer',
  title: TITLE,
  needsDevEnv: true,
  run(ctx: Context) {
    const { workbench: wb } = ctx;
    const runs = ctx.options.oneLineRuns;
    const notes: string[] = [];
    const s: Samples = new Map();
    let peer;
    try {
      peer = ensurePeer(ctx, wb, 's21');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { id: '21', title: TITLE, rows: [], notes: [`not measured: ${reason}`] };
    }
    const app = wb.ensureOursApp();
    wb.ensureHostFetch();
    const peerGreeter = wb.freshGreeter('s21-peer-greeter');
    syncEdits(app.greeterDir, peerGreeter);
    const peerOut = path.join(path.dirname(peerGreeter), 'cdk.out');
    const peerConfig = wb.writeConfig({
      outdir: peerOut,
      functions: [{ id: 'Greeter', manifestPath: path.join(peerGreeter, 'Cargo.toml') }],
    });
    progress('s21: first synth of each app (untimed; the peer builds its copy cold)');
    const first = wb.runApp('s21-peer-first', 'peer', peerConfig, peer.env);
    wb.runApp('s21-ours-first', 'ours', app.configFile);
    notes.push(`the peer's first (cold) synth, untimed: ${first.seconds.toFixed(1)} s; ${peer.installNote}`);
    const stamp = Date.now().toString(36);
    const tagOf = (r: number) => `peer-line-${stamp}-${r + 1}`;
    const missing: string[] = [];
    sideBySide(
      s,
      runs,
      [
        [
          {
            name: OURS,
            run: (r) => {
              const t = wb.runApp(`s21-ours-${r + 1}`, 'ours', app.configFile);
              if (!assetHas(app.outdir, tagOf(r))) missing.push(`ours, round ${r + 1}`);
              return { seconds: t.seconds, work: cargoWork(t.log) };
            },
          },
          {
            name: PEER,
            run: (r) => {
              const t = wb.runApp(`s21-peer-${r + 1}`, 'peer', peerConfig, peer.env);
              if (!assetHas(peerOut, tagOf(r))) missing.push(`peer, round ${r + 1}`);
              return { seconds: t.seconds, work: cargoWork(t.log) };
            },
          },
        ],
      ],
      (r) => {
        editGreeting(app.greeterDir, tagOf(r), wb.greeterDeps);
        editGreeting(peerGreeter, tagOf(r), wb.greeterDeps);
        progress(`s21 round ${r + 1}/${runs}: edit "${tagOf(r)}"`);
      },
    );
    if (missing.length) notes.push(`the new asset does not hold the edit: ${missing.join('; ')}!`);
    // Leave the bare copy like the app's for the scenarios after this one.
    if (wb.bareWarm[0]) syncEdits(app.greeterDir, wb.bareWarm[0]);
    notes.push(
      'both = the whole `node app.js` process (Node start-up, aws-cdk-lib, the construct, the build, staging the asset); ' +
        'ours builds in Docker (static musl, release profile: the deployed build); the peer runs `cargo lambda build --release` ' +
        "on the host (gnu target, zig as linker) on every synth, as its asset hash is its output's",
      `peer versions: ${JSON.stringify(peer.versions)}`,
    );
    ctx.results.raw['21'] = { versions: peer.versions, missing };
    return {
      id: '21',
      title: TITLE,
      notes,
      rows: [rowOf(s, PEER), rowOf(s, OURS, { ref: PEER, targetMax: TARGET })],
    };
  },
};
