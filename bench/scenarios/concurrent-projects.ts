/**
 * Scenario 18: two unrelated projects built at once on one Docker daemon, against the same two built one
 * after the other. Each project is a fresh copy of examples/greeter at a path of its own (so its target
 * cache is cold: the target cache is per workspace path), synthesized by an app of its own; the shared
 * caches (the cargo registry and git cache mounts, the builder image) are warm. Before issue 22 every
 * build took the registry mount's lock even to read it, so the second project waited for the first.
 */
import * as path from 'path';
import { assetHas } from '../assembly-assets';
import { Context, Scenario } from '../context';
import { Samples, cargoWork, progress, rowOf, sample, sideBySide } from '../support';
import { timedTogether } from '../together';
import { Workbench } from '../workbench';

const TITLE = 'Two unrelated projects: built at once versus one after the other';

/** A fresh greeter copy and its one-function app. */
function project(wb: Workbench, label: string): { name: string; config: string; outdir: string } {
  const dir = wb.freshGreeter(label);
  const outdir = path.join(path.dirname(dir), 'cdk.out');
  const config = wb.writeConfig({ outdir, functions: [{ id: 'Greeter', manifestPath: path.join(dir, 'Cargo.toml') }] });
  return { name: label, config, outdir };
}

export const concurrentProjects: Scenario = {
  id: '18',
  name: 'concurrent-projects',
  title: TITLE,
  needsDevEnv: true,
  slow: true,
  run(ctx: Context) {
    const { workbench: wb } = ctx;
    const runs = ctx.options.coldRuns;
    const SEQ = 'one after the other: A, then B (sum)';
    const AT_ONCE = 'at once: A and B started together (wall)';
    const A_ALONE = 'A alone';
    const B_ALONE = 'B alone';
    const A_TOGETHER = 'A, while B builds';
    const B_TOGETHER = 'B, while A builds';
    const OVERLAP = 'at once: time both were running';
    const OUTSIDE_ALONE = 'outside cargo, alone (A and B)';
    const OUTSIDE_TOGETHER = 'outside cargo, at once (A and B)';
    const s: Samples = new Map();
    const notes: string[] = [];
    // Warm shared caches: the registry cache mount and the builder image (a greeter build, untimed, when none ran yet).
    progress('s18: warming the shared caches (a greeter synth, untimed, unless one ran already)');
    wb.ensureOursApp();
    sideBySide(
      s,
      runs,
      [
        [
          {
            name: SEQ,
            run: (r) => {
              let sum = 0;
              for (const [label, variant] of [
                ['a', A_ALONE],
                ['b', B_ALONE],
              ] as const) {
                const p = project(wb, `s18-seq-${r + 1}-${label}`);
                const t = wb.runApp(p.name, 'ours', p.config);
                if (!assetHas(p.outdir, 'Hello')) notes.push(`round ${r + 1}: ${p.name} has no bootstrap with the greeting!`);
                const work = cargoWork(t.log);
                sample(s, variant, t.seconds, work);
                sample(s, OUTSIDE_ALONE, t.seconds - work.cargoSeconds);
                sum += t.seconds;
              }
              return { seconds: sum };
            },
          },
          {
            name: AT_ONCE,
            run: (r) => {
              const a = project(wb, `s18-together-${r + 1}-a`);
              const b = project(wb, `s18-together-${r + 1}-b`);
              const t = timedTogether(`s18-together-${r + 1}`, [
                wb.appCommand(a.name, 'ours', a.config),
                wb.appCommand(b.name, 'ours', b.config),
              ]);
              for (const [i, variant] of [A_TOGETHER, B_TOGETHER].entries()) {
                const work = cargoWork(t.each[i].log);
                sample(s, variant, t.each[i].seconds, work);
                sample(s, OUTSIDE_TOGETHER, t.each[i].seconds - work.cargoSeconds);
              }
              sample(s, OVERLAP, t.overlap);
              for (const p of [a, b]) {
                if (!assetHas(p.outdir, 'Hello')) notes.push(`round ${r + 1}: ${p.name} has no bootstrap with the greeting!`);
              }
              return { seconds: t.seconds };
            },
          },
        ],
      ],
      (r) => progress(`s18 round ${r + 1}/${runs}`),
    );
    notes.push(
      'A and B: fresh copies of examples/greeter at paths of their own, each synthesized by its own `node app.js` (one RustFunction): ' +
        'cold target caches; warm shared caches (cargo registry cache mount, builder image), one Docker daemon',
    );
    notes.push(
      'the machine has 2 cores: two cold builds at once share them, so "at once" can at best approach the longer of the two; ' +
        "sharing the cores slows cargo itself (its `cargo s` grows), while a wait for the other build's cache lock happens before " +
        'cargo starts: it shows as "outside cargo" (wall minus cargo\'s own Finished time, per project) growing at once against alone',
    );
    notes.push(`rounds: ${runs} (--cold-runs)`);
    return {
      id: '18',
      title: TITLE,
      notes,
      rows: [
        rowOf(s, SEQ),
        rowOf(s, AT_ONCE, { ref: SEQ }),
        rowOf(s, A_ALONE),
        rowOf(s, A_TOGETHER, { ref: A_ALONE }),
        rowOf(s, B_ALONE),
        rowOf(s, B_TOGETHER, { ref: B_ALONE }),
        rowOf(s, OVERLAP, { ref: AT_ONCE }),
        rowOf(s, OUTSIDE_ALONE),
        rowOf(s, OUTSIDE_TOGETHER, { ref: OUTSIDE_ALONE }),
      ],
    };
  },
};
