/**
 * Scenario 5: a generated workspace, 1 versus N functions sharing a `shared` crate, cold: ours (one
 * synth with N RustFunctions) against one bare `cargo build --workspace` in the same image.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Context, Scenario } from '../context';
import { functionNames } from '../fixtures';
import { Samples, cargoWork, progress, rowOf, sample } from '../support';
import { MUSL } from '../workbench';

export const workspace: Scenario = {
  id: '5',
  name: 'workspace',
  title: 'Workspace of 1 versus N functions, cold',
  needsDevEnv: true,
  slow: true,
  run(ctx: Context) {
    const { workbench: wb } = ctx;
    const n = ctx.options.workspaceFunctions;
    const names = functionNames(n);
    wb.ensureVolume();
    const ONE = 'ours: 1 function (1 synth)';
    const MANY = `ours: ${n} RustFunctions (1 synth)`;
    const MANY_VS_ONE = `ours: ${n} RustFunctions, vs ours-1`;
    const BARE = `bare: 1 cargo build --workspace (${n} bins)`;
    const s: Samples = new Map();
    const notes: string[] = [];
    // One cold run each: these are not side by side (a cold workspace build is minutes).
    const oursWs = (count: number, label: string, variant: string) => {
      const ws = wb.copyWorkspace(count, label);
      const config = wb.writeConfig({
        outdir: path.join(path.dirname(ws), 'cdk.out'),
        functions: functionNames(count).map((name) => ({ id: name, manifestPath: path.join(ws, 'Cargo.toml'), binaryName: name })),
      });
      progress(`s5: ${variant} (cold)`);
      const t = wb.runApp(label, 'ours', config);
      const work = cargoWork(t.log);
      sample(s, variant, t.seconds, work);
      notes.push(
        `${variant}: ${work.builds} cargo builds, cargo's own time ${work.cargoSeconds.toFixed(1)} s of ${t.seconds.toFixed(1)} s wall`,
      );
    };
    oursWs(1, 's5-ours-1', ONE);
    oursWs(n, `s5-ours-${n}`, MANY);
    const ws = wb.copyWorkspace(n, `s5-bare-${n}`);
    progress(`s5: ${BARE} (cold)`);
    const t = wb.bareDockerBuild(`s5-bare-${n}`, ws, ['--workspace']);
    sample(s, BARE, t.seconds, cargoWork(t.log));
    for (const name of names) {
      if (!fs.existsSync(path.join(ws, 'target', MUSL, 'release', name))) notes.push(`bare build has no ${name}!`);
    }
    ctx.results.published.oursWsMany = s.get(MANY)?.samples ?? [];
    s.set(MANY_VS_ONE, s.get(MANY)!);
    notes.push(
      "every function has greeter's dependencies and release profile (thin LTO, 1 codegen unit); fresh copies, so cold target caches",
    );
    return {
      id: '5',
      title: `Workspace of 1 versus ${n} functions, cold`,
      notes,
      rows: [rowOf(s, BARE), rowOf(s, MANY, { ref: BARE, targetMax: 1.3 }), rowOf(s, ONE), rowOf(s, MANY_VS_ONE, { ref: ONE })],
    };
  },
};
