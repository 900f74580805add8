/**
 * Scenario 5: builds at scale. For each N of `--scale-n` (default 1, 10, 50), a generated workspace of
 * N function crates and one `shared` lib crate:
 * - cold: one synth of an app with N RustFunctions (fresh copy, so an empty target cache) against one
 *   bare `cargo build --workspace --release` of the same bins in the same image (fresh copy, empty target/);
 * - one-line change in the shared crate (every function's binary changes): our re-synth against the
 *   bare incremental `cargo build --workspace --release`, on the copies the cold round left warm.
 * Prints the usual table and a time-versus-N grid (Markdown, for the README).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Context, Scenario } from '../context';
import { editShared, functionNames } from '../fixtures/workspace';
import { ratioCell, secondsCell } from '../grid';
import { Row, Samples, cargoWork, progress, rowOf, sideBySide } from '../support';
import { MUSL, Workbench } from '../workbench';

const TITLE = 'Builds at scale: workspaces of N functions, cold and a one-line change in the shared crate';
/** The goal at 10 functions and more (issue 22). */
const GOAL = 1.05;

/** The variants' names for one N. */
function variants(n: number) {
  return {
    oursCold: `N=${n} ours: cold synth, ${n} RustFunction${n === 1 ? '' : 's'}`,
    bareCold: `N=${n} bare: cold cargo build --workspace`,
    oursEdit: `N=${n} ours: one-line change in shared, re-synth`,
    bareEdit: `N=${n} bare: one-line change, incremental cargo build --workspace`,
  };
}

/** The copies of one N that its cold round left warm: ours (with its app's config) and bare. */
interface Warm {
  ours: string;
  config: string;
  outdir: string;
  bare: string;
}

/** Every bootstrap of the app's assets that holds `tag`. */
function assetsWith(outdir: string, tag: string): number {
  return fs
    .readdirSync(outdir)
    .filter((f) => f.startsWith('asset.') && fs.existsSync(path.join(outdir, f, 'bootstrap')))
    .filter((f) => fs.readFileSync(path.join(outdir, f, 'bootstrap')).includes(Buffer.from(tag))).length;
}

/** An app of N RustFunctions on a fresh copy of the workspace of N. */
function oursCopy(wb: Workbench, n: number, label: string): Omit<Warm, 'bare'> {
  const ours = wb.copyWorkspace(n, label);
  const outdir = path.join(path.dirname(ours), 'cdk.out');
  const config = wb.writeConfig({
    outdir,
    functions: functionNames(n).map((name) => ({ id: name, manifestPath: path.join(ours, 'Cargo.toml'), binaryName: name })),
  });
  return { ours, config, outdir };
}

function coldRounds(ctx: Context, s: Samples, n: number, notes: string[]): Warm {
  const { workbench: wb } = ctx;
  const v = variants(n);
  const runs = ctx.options.scaleColdRuns;
  let warm: Partial<Warm> = {};
  sideBySide(
    s,
    runs,
    [
      [
        {
          name: v.oursCold,
          run: (r) => {
            const copy = oursCopy(wb, n, `s5-n${n}-ours-cold-${r + 1}`);
            const t = wb.runApp(`s5-n${n}-ours-cold-${r + 1}`, 'ours', copy.config);
            const work = cargoWork(t.log);
            notes.push(
              `N=${n} ours cold run ${r + 1}: ${work.builds} cargo builds, cargo's own ${work.cargoSeconds.toFixed(1)} s of ${t.seconds.toFixed(1)} s`,
            );
            warm = { ...warm, ...copy };
            return { seconds: t.seconds, work };
          },
        },
        {
          name: v.bareCold,
          run: (r) => {
            const bare = wb.copyWorkspace(n, `s5-n${n}-bare-cold-${r + 1}`);
            const t = wb.bareDockerBuild(`s5-n${n}-bare-cold-${r + 1}`, bare, ['--workspace']);
            const missing = functionNames(n).filter((name) => !fs.existsSync(path.join(bare, 'target', MUSL, 'release', name)));
            if (missing.length) notes.push(`N=${n} bare cold run ${r + 1} has no ${missing.join(', ')}!`);
            warm = { ...warm, bare };
            return { seconds: t.seconds, work: cargoWork(t.log) };
          },
        },
      ],
    ],
    (r) => progress(`s5 N=${n}: cold round ${r + 1}/${runs}`),
  );
  return warm as Warm;
}

function editRounds(ctx: Context, s: Samples, n: number, warm: Warm, notes: string[]): void {
  const { workbench: wb } = ctx;
  const v = variants(n);
  const runs = ctx.options.scaleRuns;
  const stamp = Date.now().toString(36);
  const tagOf = (r: number) => `shared-${n}-${stamp}-${r + 1}`;
  sideBySide(
    s,
    runs,
    [
      [
        {
          name: v.oursEdit,
          run: (r) => {
            const t = wb.runApp(`s5-n${n}-ours-edit-${r + 1}`, 'ours', warm.config);
            const edited = assetsWith(warm.outdir, tagOf(r));
            if (edited !== n) notes.push(`N=${n} one-line run ${r + 1}: ${edited} of ${n} new assets hold the edit!`);
            return { seconds: t.seconds, work: cargoWork(t.log) };
          },
        },
        {
          name: v.bareEdit,
          run: (r) => {
            const t = wb.bareDockerBuild(`s5-n${n}-bare-edit-${r + 1}`, warm.bare, ['--workspace']);
            return { seconds: t.seconds, work: cargoWork(t.log) };
          },
        },
      ],
    ],
    (r) => {
      editShared(warm.ours, tagOf(r));
      editShared(warm.bare, tagOf(r));
      progress(`s5 N=${n}: one-line change ${r + 1}/${runs} ("${tagOf(r)}" in shared/src/lib.rs)`);
    },
  );
}

export const scale: Scenario = {
  id: '5',
  name: 'scale',
  title: TITLE,
  needsDevEnv: true,
  slow: true,
  run(ctx: Context) {
    const { workbench: wb } = ctx;
    wb.ensureVolume();
    const s: Samples = new Map();
    const notes: string[] = [];
    const rows: Row[] = [];
    const grid: string[][] = [];
    for (const n of ctx.options.scaleN) {
      const v = variants(n);
      const target = n >= 10 ? { targetMax: GOAL } : {};
      const warm = coldRounds(ctx, s, n, notes);
      editRounds(ctx, s, n, warm, notes);
      rows.push(
        rowOf(s, v.bareCold),
        rowOf(s, v.oursCold, { ref: v.bareCold, ...target }),
        rowOf(s, v.bareEdit),
        rowOf(s, v.oursEdit, { ref: v.bareEdit, ...target }),
      );
      const get = (variant: string) => s.get(variant)?.samples;
      grid.push([
        String(n),
        secondsCell(get(v.oursCold)),
        secondsCell(get(v.bareCold)),
        ratioCell(get(v.oursCold), get(v.bareCold)),
        secondsCell(get(v.oursEdit)),
        secondsCell(get(v.bareEdit)),
        ratioCell(get(v.oursEdit), get(v.bareEdit)),
      ]);
      // The peer scenario (8) repeats ours at the big workspace's N.
      if (n === ctx.options.workspaceFunctions) ctx.results.published.oursWsMany = get(v.oursCold) ?? [];
    }
    notes.push(
      `cold: ${ctx.options.scaleColdRuns} run(s) per N (each is minutes at N=50), fresh copies (empty target caches), warm registries; ` +
        `one-line: ${ctx.options.scaleRuns} runs per N on the copies the cold round left warm, the same edit on both sides`,
    );
    notes.push(
      "every function has greeter's dependencies and release profile (thin LTO, 1 codegen unit); " +
        'ours = the whole `node app.js` (hash, Docker context, fetch, cargo build, export); bare = one `docker run` of cargo build --workspace --release',
    );
    notes.push(`goal: ${GOAL}x or better at N >= 10, cold and one-line`);
    ctx.results.raw['5'] = { scaleN: ctx.options.scaleN, grid };
    return {
      id: '5',
      title: TITLE,
      notes,
      rows,
      grid: {
        title: 'Time versus N (median, min-max when more than one run):',
        header: ['N', 'ours cold', 'bare cold', 'ratio', 'ours one-line', 'bare one-line', 'ratio'],
        rows: grid,
      },
    };
  },
};
