/**
 * Scenario 10: start-up of the `cdk-rust` command line, which builds no Rust and needs no Docker.
 *
 * Whole `node` processes, spawn to exit, for `cdk-rust --help` and for `cdk-rust invoke` up to the
 * point where it would spawn the function's bootstrap, in three shapes of the same sources:
 *
 * - before: the tsc output (unbundled) with lib/cli/synth loaded up front (`node -r
 *   <dist>/lib/cli/synth.js <dist>/bin/cdk-rust.js`): the module graph of the CLI as it was when
 *   bin/cdk-rust.ts imported lib/cli/synth (hence aws-cdk-lib) at the top;
 * - the tsc output as it is now (synth imported only when `synth` runs), unbundled;
 * - after: the esbuild bundle that `npm run build` writes as dist/bin/cdk-rust.js (made here into the
 *   work dir by the same script, scripts/bundle-cli.mjs), lazy too.
 *
 * plus `node -e 0`, the floor no CLI can go under.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Context, Scenario } from '../context';
import { writeTinyAssembly } from '../fixtures/tiny-assembly';
import { BenchError, Row, Samples, Timed, Variant, progress, rowOf, sideBySide, tail, timed } from '../support';

const TITLE = 'CLI start-up: cdk-rust --help and invoke (no Rust build)';

/** A preload that reports, at exit, how many modules the process loaded and how many were aws-cdk-lib's. */
const COUNT_MODULES = `'use strict';
process.on('exit', () => {
  const files = Object.keys(require.cache).filter((f) => f !== __filename);
  process.stderr.write('BENCH-MODULES ' + JSON.stringify({ modules: files.length, awsCdkLib: files.filter((f) => f.includes('/node_modules/aws-cdk-lib/')).length }) + '\\n');
});
`;

interface Shape {
  readonly key: 'before' | 'lazy' | 'bundle';
  readonly label: string;
  /** node's arguments before the CLI's own. */
  readonly node: string[];
}

interface Command {
  readonly key: 'help' | 'invoke';
  readonly label: string;
  readonly args: string[];
  /** Whether a run did what the command does (its exit status and output). */
  readonly check: (t: Timed) => boolean;
}

export const cliStartup: Scenario = {
  id: '10',
  name: 'cli-startup',
  title: TITLE,
  needsDevEnv: false,
  run(ctx: Context) {
    const { workbench: wb } = ctx;
    const rounds = ctx.options.cliStartupRuns;
    const dist = wb.ensureDist();
    const env = wb.appEnv();

    progress('s10: bundling the CLI with scripts/bundle-cli.mjs (as npm run build does)');
    const bundle = path.join(ctx.work, 'cli-bundle', 'bin', 'cdk-rust.js');
    timed('s10-bundle-cli', process.execPath, [path.join(ctx.repo, 'scripts', 'bundle-cli.mjs'), bundle], { cwd: ctx.repo });
    const assembly = writeTinyAssembly(path.join(ctx.work, 'cli-assembly'));
    const countModules = path.join(ctx.work, 'count-modules.js');
    fs.writeFileSync(countModules, COUNT_MODULES);

    const tscCli = path.join(dist, 'bin', 'cdk-rust.js');
    const shapes: Shape[] = [
      { key: 'before', label: 'before: tsc, eager', node: ['-r', path.join(dist, 'lib', 'cli', 'synth.js'), tscCli] },
      { key: 'lazy', label: 'tsc, lazy synth', node: [tscCli] },
      { key: 'bundle', label: 'after: bundle, lazy', node: [bundle] },
    ];
    const commands: Command[] = [
      {
        key: 'help',
        label: '--help',
        args: ['--help'],
        check: (t) => t.status === 0 && t.log.includes('Usage: cdk-rust <command>'),
      },
      {
        key: 'invoke',
        label: 'invoke start-up',
        // A function the assembly does not have: exit 2 (FUNCTION_NOT_FOUND) once the assembly is read.
        args: ['invoke', 'Bench/Missing', '--app', assembly],
        check: (t) => t.status === 2 && t.log.includes('no Lambda function in') && t.log.includes('Bench/Greeter'),
      },
    ];
    const variant = (c: Command, sh: Shape) => `${c.label}: ${sh.label}`;
    const FLOOR = 'node -e 0 (Node itself)';
    // In the work dir, which has no cdk.json: invoke never tries to synthesize an app.
    const runOnce = (name: string, args: string[]) => timed(name, process.execPath, args, { cwd: ctx.work, env, allowFailure: true });

    // Untimed: what each shape loads (and that it does what it should), and a warm page cache.
    const modules: Record<string, unknown> = {};
    for (const c of commands) {
      for (const sh of shapes) {
        const t = runOnce(`s10-modules-${c.key}-${sh.key}`, ['-r', countModules, ...sh.node, ...c.args]);
        if (!c.check(t)) throw new BenchError(`${variant(c, sh)} did not run as expected (exit ${t.status}):\n${tail(t.log, 10)}`);
        const line = t.log.split('\n').find((l) => l.startsWith('BENCH-MODULES '));
        modules[`${c.key}/${sh.key}`] = line ? JSON.parse(line.slice('BENCH-MODULES '.length)) : undefined;
      }
    }
    runOnce('s10-floor-warmup', ['-e', '0']);

    progress(`s10: ${rounds} rounds of ${shapes.length} shapes x ${commands.length} commands, and node -e 0`);
    const s: Samples = new Map();
    const groups: Variant[][] = commands.map((c) =>
      shapes.map((sh) => ({
        name: variant(c, sh),
        run: (r: number) => {
          const t = runOnce(`s10-${c.key}-${sh.key}-${r + 1}`, [...sh.node, ...c.args]);
          if (!c.check(t)) throw new BenchError(`${variant(c, sh)} did not run as expected (exit ${t.status}):\n${tail(t.log, 10)}`);
          return { seconds: t.seconds };
        },
      })),
    );
    groups.push([{ name: FLOOR, run: (r: number) => ({ seconds: runOnce(`s10-floor-${r + 1}`, ['-e', '0']).seconds }) }]);
    sideBySide(s, rounds, groups);

    const bundleBytes = fs.statSync(bundle).size;
    ctx.results.raw['10'] = { modules, bundleBytes, assembly: 'bench/fixtures/tiny-assembly.ts writeTinyAssembly' };
    const loaded = (key: string) => {
      const m = modules[key] as { modules: number; awsCdkLib: number } | undefined;
      return m ? `${m.modules} (aws-cdk-lib ${m.awsCdkLib})` : '?';
    };
    const rows: Row[] = [];
    for (const c of commands) {
      const before = variant(c, shapes[0]);
      rows.push(rowOf(s, before));
      for (const sh of shapes.slice(1)) rows.push(rowOf(s, variant(c, sh), { ref: before }));
    }
    rows.push(rowOf(s, FLOOR));
    const notes = [
      'wall time of whole `node` processes, spawn to exit, in the work dir; each round runs the shapes of a command back to back, in rotating order',
      "before = the tsc output with lib/cli/synth preloaded (node -r .../lib/cli/synth.js): the CLI's modules when bin/cdk-rust.ts imported synth, hence aws-cdk-lib, at the top",
      'tsc, lazy synth = the tsc output as it is now (synth imported when `synth` runs); after = the esbuild bundle of `npm run build` (scripts/bundle-cli.mjs), ' +
        `${(bundleBytes / 1024).toFixed(0)} KiB, aws-cdk-lib/constructs/cdk-nag external`,
      'invoke start-up = `cdk-rust invoke Bench/Missing --app <tiny assembly>`: exits 2 (FUNCTION_NOT_FOUND) after reading the manifest and template, i.e. where a real invoke would start the emulator and spawn the bootstrap',
      `modules loaded (require.cache): --help ${shapes.map((sh) => `${sh.key} ${loaded(`help/${sh.key}`)}`).join(', ')}; ` +
        `invoke ${shapes.map((sh) => `${sh.key} ${loaded(`invoke/${sh.key}`)}`).join(', ')}`,
    ];
    return { id: '10', title: TITLE, unit: 'ms', notes, rows };
  },
};
