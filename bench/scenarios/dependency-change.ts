/**
 * Scenario 4: a dependency change of greeter (`itoa`, then `hex`, added and used; Cargo.lock updated
 * on the host first): our re-synth against a bare incremental `cargo build` in the same image.
 */
import * as path from 'path';
import { assetHas } from '../assembly-assets';
import { Context, Scenario } from '../context';
import { addDependency, editGreeting, syncEdits } from '../fixtures/edits';
import { Samples, cargoWork, progress, rowOf, run, sideBySide } from '../support';

const TITLE = 'Dependency change';

export const dependencyChange: Scenario = {
  id: '4',
  name: 'dependency-change',
  title: TITLE,
  needsDevEnv: true,
  run(ctx: Context) {
    const { workbench: wb } = ctx;
    const deps = ctx.options.depChanges;
    const app = wb.ensureOursApp();
    const bare = wb.ensureBareGreeter();
    const OURS = 'ours: re-synth (rebuilds in Docker)';
    const BARE = 'bare incremental cargo, docker run';
    const s: Samples = new Map();
    const notes: string[] = [];
    const stamp = Date.now().toString(36);
    const tagOf = (dep: string) => `dep-${dep}-${stamp}`;
    sideBySide(
      s,
      deps.length,
      [
        [
          {
            name: OURS,
            run: (r) => {
              const dep = deps[r];
              const t = wb.runApp(`s4-ours-${dep}`, 'ours', app.configFile);
              const work = cargoWork(t.log);
              notes.push(
                `add ${dep}: ours compiled [${work.compiled.join(', ')}]${work.downloaded ? `, downloaded ${work.downloaded}` : ''}`,
              );
              if (!assetHas(app.outdir, tagOf(dep))) notes.push(`add ${dep}: the new asset does not contain the edit!`);
              return { seconds: t.seconds, work };
            },
          },
          {
            name: BARE,
            run: (r) => {
              const dep = deps[r];
              const t = wb.bareDockerBuild(`s4-bare-${dep}`, bare);
              const work = cargoWork(t.log);
              notes.push(
                `add ${dep}: bare compiled [${work.compiled.join(', ')}]${work.downloaded ? `, downloaded ${work.downloaded}` : ''}`,
              );
              return { seconds: t.seconds, work };
            },
          },
        ],
      ],
      (r) => {
        const dep = deps[r];
        if (wb.greeterDeps.includes(dep)) return false;
        addDependency(app.greeterDir, dep);
        wb.greeterDeps.push(dep);
        editGreeting(app.greeterDir, tagOf(dep), wb.greeterDeps);
        // Cargo.lock is updated on the host first (minimal change: the new crate only).
        run('cargo', ['metadata', '--format-version', '1', '--manifest-path', path.join(app.greeterDir, 'Cargo.toml')]);
        syncEdits(app.greeterDir, bare);
        progress(`s4 run ${r + 1}/${deps.length}: add ${dep}`);
        return true;
      },
    );
    notes.push("itoa is already in greeter's dependency graph (via serde_json): only greeter recompiles; hex is new: fetched and compiled");
    return { id: '4', title: TITLE, notes, rows: [rowOf(s, BARE), rowOf(s, OURS, { ref: BARE })] };
  },
};
