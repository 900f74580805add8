/**
 * Scenario 11: re-synth with no change of the examples app (examples/app.ts, what `cdk.json` runs),
 * with `npx ts-node --prefer-ts-exts` (which type-checks the app and lib/; cdk.json's command until esbuild-register replaced it)
 * against esbuild (`node -r esbuild-register`, which only strips the types), and ts-node without the
 * type-check (`-r ts-node/register/transpile-only`, what the tests use) to tell the two effects apart.
 *
 * Each variant runs the app command alone (as the CDK CLI would run it, without the CLI itself), in
 * this repo, into an outdir of its own in the work dir (CDK_OUTDIR). Its first run, untimed, builds
 * whatever the builder's caches lack (every function of the examples: a real Rust build, minutes when
 * cold); the measured runs find their assets and build nothing.
 */
import * as path from 'path';
import { Context, Scenario } from '../context';
import { Samples, Variant, progress, rowOf, sideBySide, tail, timed } from '../support';

const TITLE = 'Re-synth with no change: the examples app, ts-node versus esbuild';

export const examplesAppResynth: Scenario = {
  id: '11',
  name: 'examples-app-resynth',
  title: TITLE,
  needsDevEnv: true,
  slow: true,
  run(ctx: Context) {
    const runs = ctx.options.noChangeRuns;
    const TS_NODE = 'npx ts-node --prefer-ts-exts (type-checks)';
    const TRANSPILE = 'node -r ts-node/register/transpile-only';
    const ESBUILD = 'node -r esbuild-register';
    const app = path.join('examples', 'app.ts');
    const commands: Array<{ name: string; key: string; command: string; args: string[] }> = [
      { name: TS_NODE, key: 'ts-node', command: 'npx', args: ['ts-node', '--prefer-ts-exts', app] },
      { name: TRANSPILE, key: 'transpile-only', command: process.execPath, args: ['-r', 'ts-node/register/transpile-only', app] },
      { name: ESBUILD, key: 'esbuild-register', command: process.execPath, args: ['-r', 'esbuild-register', app] },
    ];
    const envOf = (key: string): NodeJS.ProcessEnv => ({ ...ctx.env, CDK_OUTDIR: path.join(ctx.work, `examples-app.${key}.out`) });
    const notes: string[] = [];
    let builds = 0;
    const variants: Variant[] = [];
    for (const c of commands) {
      progress(`s11: first synth of the examples app with ${c.name} (untimed; builds what the caches lack)`);
      const first = timed(`s11-first-${c.key}`, c.command, c.args, { cwd: ctx.repo, env: envOf(c.key), allowFailure: true });
      if (first.status !== 0) {
        notes.push(`${c.name}: not measured, its first synth failed (exit ${first.status}):\n${tail(first.log, 8)}`);
        continue;
      }
      variants.push({
        name: c.name,
        run: (r) => {
          const t = timed(`s11-${c.key}-${r + 1}`, c.command, c.args, { cwd: ctx.repo, env: envOf(c.key) });
          if (/\[cdk-rust\] building/.test(t.log)) builds++;
          return { seconds: t.seconds };
        },
      });
    }
    const s: Samples = new Map();
    sideBySide(s, runs, [variants], (r) => progress(`s11 run ${r + 1}/${runs}`));
    notes.push(
      'the app command alone (what cdk.json\'s "app" runs, without the CDK CLI), cwd this repo, CDK_OUTDIR in the work dir; cdk.json ran ts-node --prefer-ts-exts until this scenario showed esbuild-register to take 0.4x the time; it runs esbuild-register now',
      `${builds} builds started during the measured runs (0 expected: the assets exist)`,
      'ts-node type-checks examples/ and lib/ on every run (its cache is in memory only); esbuild-register and transpile-only do not: type errors then surface in `tsc` / the tests, not in `cdk synth`',
    );
    return {
      id: '11',
      title: TITLE,
      notes,
      rows: [rowOf(s, TS_NODE), rowOf(s, TRANSPILE, { ref: TS_NODE }), rowOf(s, ESBUILD, { ref: TS_NODE })],
    };
  },
};
