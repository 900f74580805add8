/**
 * Scenario 1: cold build of examples/greeter. Ours in Docker (musl) against a bare `cargo build` in
 * the same builder image (`docker run`, registry volume pre-filled), and ours local (the host
 * toolchain, gnu +crt-static) against a bare host `cargo build`.
 */
import * as path from 'path';
import { Bundling } from '../../lib/bundling/bundling';
import { Context, Scenario } from '../context';
import { BenchError, Samples, cargoWork, progress, rowOf, saveLog, sideBySide, timeIt, timed } from '../support';
import { GNU } from '../workbench';

const TITLE = 'Cold build of examples/greeter';

export const coldBuild: Scenario = {
  id: '1',
  name: 'cold-build',
  title: TITLE,
  needsDevEnv: true,
  run(ctx: Context) {
    const { workbench: wb } = ctx;
    const s: Samples = new Map();
    const notes: string[] = [];
    const A = 'ours, Docker (musl)';
    const C = 'bare cargo, docker run (musl)';
    const B = 'ours, local (gnu +crt-static)';
    const D = 'bare cargo, host (gnu +crt-static)';
    wb.ensureVolume();
    wb.ensureHostFetch();
    const logs: Record<string, string[]> = {};
    const note = (variant: string, logFile: string) => (logs[variant] ??= []).push(logFile);
    // Each pair back to back; the order within a pair alternates between runs.
    sideBySide(s, ctx.options.coldRuns, [
      [
        {
          name: A,
          run: (r) => {
            const m = wb.oursDockerCold(`s1-ours-docker-${r + 1}`);
            note(A, m.logFile);
            return m;
          },
        },
        {
          name: C,
          run: (r) => {
            const dir = wb.freshGreeter(`s1-bare-docker-${r + 1}`);
            progress(`s1 run ${r + 1}: bare cargo build in docker run`);
            const t = wb.bareDockerBuild(`s1-bare-docker-${r + 1}`, dir);
            const work = cargoWork(t.log);
            if (work.downloaded > 0)
              notes.push(`bare docker run ${r + 1} downloaded ${work.downloaded} crates (not in the prefilled volume)`);
            note(C, t.logFile);
            wb.bareWarm.push(dir);
            return { seconds: t.seconds, work };
          },
        },
      ],
      [
        {
          name: B,
          run: (r) => {
            const dir = wb.freshGreeter(`s1-ours-local-${r + 1}`);
            const prepared = Bundling.prepare({ manifestPath: path.join(dir, 'Cargo.toml'), target: GNU });
            if (!prepared.localToolchain)
              throw new BenchError(`the host toolchain has no ${GNU} standard library: the local build would run in Docker`);
            progress(`s1 run ${r + 1}: cdk-rust local build (host toolchain, ${GNU})`);
            const { seconds, result } = timeIt(() => Bundling.build(prepared, path.join(path.dirname(dir), 'asset')));
            note(B, saveLog(`s1-ours-local-${r + 1}`, result.log));
            wb.coldLocalBootstrap ??= result.bootstrap;
            return { seconds, work: cargoWork(result.log) };
          },
        },
        {
          name: D,
          run: (r) => {
            const dir = wb.freshGreeter(`s1-bare-host-${r + 1}`);
            progress(`s1 run ${r + 1}: bare cargo build on the host`);
            const t = timed(`s1-bare-host-${r + 1}`, 'cargo', ['build', '--release', '--locked', '--target', GNU], {
              cwd: dir,
              env: { ...ctx.env, RUSTFLAGS: '-C target-feature=+crt-static' },
            });
            note(D, t.logFile);
            return { seconds: t.seconds, work: cargoWork(t.log) };
          },
        },
      ],
    ]);
    ctx.results.published.oursDockerCold = s.get(A)?.samples ?? [];
    ctx.results.published.oursLocalCold = s.get(B)?.samples ?? [];
    ctx.results.raw['1'] = { logs };
    notes.push('cold = fresh copy at a new path: new target cache (the std is prebuilt in the image); registries warm');
    notes.push('cargo s = cargo\'s own "Finished in" time; wall minus cargo s is the cost around cargo (Docker, context, export)');
    return {
      id: '1',
      title: TITLE,
      notes,
      rows: [rowOf(s, C), rowOf(s, A, { ref: C }), rowOf(s, D), rowOf(s, B, { ref: D })],
    };
  },
};
