/**
 * Scenario 3: a one-line change of greeter's `src/main.rs` (a new string every run): our re-synth
 * (which rebuilds in Docker) against a bare incremental `cargo build` in the same image, same edit.
 */
import { assetHas } from '../assembly-assets';
import { Context, Scenario } from '../context';
import { editGreeting, syncEdits } from '../fixtures/edits';
import { Samples, cargoWork, progress, rowOf, sideBySide } from '../support';

const TITLE = 'One-line source change';

export const oneLineChange: Scenario = {
  id: '3',
  name: 'one-line-change',
  title: TITLE,
  needsDevEnv: true,
  run(ctx: Context) {
    const { workbench: wb } = ctx;
    const runs = ctx.options.oneLineRuns;
    const app = wb.ensureOursApp();
    const bare = wb.ensureBareGreeter();
    const OURS = 'ours: re-synth (rebuilds in Docker)';
    const BARE = 'bare incremental cargo, docker run';
    const s: Samples = new Map();
    const notes: string[] = [];
    const stamp = Date.now().toString(36);
    const tagOf = (r: number) => `one-line-${stamp}-${r + 1}`;
    sideBySide(
      s,
      runs,
      [
        [
          {
            name: OURS,
            run: (r) => {
              const t = wb.runApp(`s3-ours-${r + 1}`, 'ours', app.configFile);
              if (!assetHas(app.outdir, tagOf(r))) notes.push(`run ${r + 1}: the new asset does not contain the edit!`);
              return { seconds: t.seconds, work: cargoWork(t.log) };
            },
          },
          {
            name: BARE,
            run: (r) => {
              const t = wb.bareDockerBuild(`s3-bare-${r + 1}`, bare);
              return { seconds: t.seconds, work: cargoWork(t.log) };
            },
          },
        ],
      ],
      (r) => {
        const tag = tagOf(r);
        editGreeting(app.greeterDir, tag, wb.greeterDeps);
        syncEdits(app.greeterDir, bare);
        progress(`s3 run ${r + 1}/${runs}: edit "${tag}"`);
      },
    );
    notes.push(
      'ours = the whole `node app.js` (hash, Docker context, cargo fetch step, cargo build, export); bare = one docker run of cargo build',
    );
    notes.push('crates = crates cargo compiled per run (1 = only greeter)');
    return { id: '3', title: TITLE, notes, rows: [rowOf(s, BARE), rowOf(s, OURS, { ref: BARE, targetMax: 1.5 })] };
  },
};
