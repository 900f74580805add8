/**
 * cdk-rust's benchmark harness (`npm run bench`). See bench/README.md.
 *
 * Every scenario (one file each under bench/scenarios/) measures cdk-rust side by side with its
 * reference (the limit: the same cargo command without cdk-rust, or the floor: the same app without
 * building) in the same run, and prints ratios. Nothing here asserts anything about time: the machine
 * is shared and noisy. This file only reads the options, builds the context, runs the selected
 * scenarios in order, prints their tables and writes bench/results/*.json.
 *
 * Options (environment, or the command line: `bench/run.ts --only cli-startup --quick`):
 *   BENCH_QUICK=1 / --quick             fewer runs; skips the slow scenarios (5, 8, 11, 15) unless named
 *   BENCH_ONLY=1,cli-startup / --only   only these scenarios, by id or name (--list shows them)
 *   BENCH_COLD_RUNS=n / --cold-runs n   runs of each cold build of scenario 1 (default 2, quick 1)
 *   BENCH_WS_N=n / --ws-n n             functions of the big workspace of scenarios 8 and 15 (default 10)
 *   BENCH_SCALE_N=1,10,50 / --scale-n   workspace sizes of the scale scenario (5)
 *   BENCH_SCALE_RUNS=n / --scale-runs n one-line rounds per size of scenario 5 (default 3, quick 2)
 *   BENCH_SCALE_COLD_RUNS=n / --scale-cold-runs n  cold rounds per size of scenario 5 (default 1)
 *   BENCH_CLI_RUNS=n / --cli-runs n     rounds of the CLI start-up scenario (default 20, quick 5)
 *   BENCH_KEEP=1 / --keep               keep the work directory (for debugging)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { Context, DevEnv, Options, Results, Scenario } from './context';
import { REPO } from './fixtures/crates';
import { ADDED_DEPENDENCIES } from './fixtures/edits';
import { renderGrid } from './grid';
import { artifactSize } from './scenarios/artifact-size';
import { ciCache } from './scenarios/ci-cache';
import { cliStartup } from './scenarios/cli-startup';
import { coldBuild } from './scenarios/cold-build';
import { concurrentInvoke } from './scenarios/concurrent-invoke';
import { concurrentProjects } from './scenarios/concurrent-projects';
import { dependencyChange } from './scenarios/dependency-change';
import { examplesAppResynth } from './scenarios/examples-app-resynth';
import { gofunction } from './scenarios/gofunction';
import { hotswap } from './scenarios/hotswap';
import { imageFunction } from './scenarios/image-function';
import { operations } from './scenarios/operations';
import { localInvoke } from './scenarios/local-invoke';
import { noChangeResynth } from './scenarios/no-change-resynth';
import { oneLineChange } from './scenarios/one-line-change';
import { peerCargoLambdaCdk } from './scenarios/peer-cargo-lambda-cdk';
import { remoteBuilder } from './scenarios/remote-builder';
import { reproducibility } from './scenarios/reproducibility';
import { runWatch } from './scenarios/run-watch';
import { scale } from './scenarios/scale';
import { serviceImage } from './scenarios/service-image';
import { serviceResynth } from './scenarios/service-resynth';
import { synthOneLinePeer } from './scenarios/synth-one-line-peer';
import { watchLoop } from './scenarios/watch-loop';
import { BenchError, Table, median, probe, progress, ratioOf, renderTable, setLogDir } from './support';
import { Workbench } from './workbench';

/**
 * Every scenario, in run order: the cold builds first (6 and 7 reuse them, 2-4 reuse their warm
 * caches); then those added later.
 */
const SCENARIOS: readonly Scenario[] = [
  coldBuild,
  artifactSize,
  reproducibility,
  noChangeResynth,
  oneLineChange,
  dependencyChange,
  scale,
  peerCargoLambdaCdk,
  localInvoke,
  cliStartup,
  examplesAppResynth,
  gofunction,
  serviceImage,
  serviceResynth,
  ciCache,
  watchLoop,
  hotswap,
  concurrentProjects,
  remoteBuilder,
  runWatch,
  synthOneLinePeer,
  concurrentInvoke,
  imageFunction,
  operations,
];

// ------------------------------------------------------------------------------------------------
// Options

const USAGE = `Usage: bench/run.ts [--only ID|NAME[,...]] [--quick] [--keep] [--cold-runs N] [--ws-n N] [--cli-runs N]
                    [--scale-n N[,N...]] [--scale-runs N] [--scale-cold-runs N] [--list]
Each option can also be given in the environment (BENCH_ONLY, BENCH_QUICK=1, BENCH_KEEP=1, BENCH_COLD_RUNS,
BENCH_WS_N, BENCH_CLI_RUNS, BENCH_SCALE_N, BENCH_SCALE_RUNS, BENCH_SCALE_COLD_RUNS); the command line wins.
See bench/README.md.
`;

function readOptions(argv: string[]): Options & { list: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string', multiple: true },
      quick: { type: 'boolean' },
      keep: { type: 'boolean' },
      'cold-runs': { type: 'string' },
      'ws-n': { type: 'string' },
      'cli-runs': { type: 'string' },
      'scale-n': { type: 'string' },
      'scale-runs': { type: 'string' },
      'scale-cold-runs': { type: 'string' },
      list: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const env = process.env;
  const quick = values.quick ?? env.BENCH_QUICK === '1';
  const onlyText = values.only ? values.only.join(',') : env.BENCH_ONLY;
  const only = onlyText
    ? [
        ...new Set(
          onlyText
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ]
    : undefined;
  for (const wanted of only ?? []) {
    if (!SCENARIOS.some((s) => s.id === wanted || s.name === wanted)) {
      throw new BenchError(`no scenario "${wanted}"; they are:\n${listing()}`);
    }
  }
  const count = (flag: string | undefined, variable: string | undefined, fallback: number): number => {
    const n = Number(flag || variable || fallback);
    if (!Number.isInteger(n) || n < 1) throw new BenchError(`not a positive count: ${flag || variable}`);
    return n;
  };
  return {
    quick,
    only,
    coldRuns: count(values['cold-runs'], env.BENCH_COLD_RUNS, quick ? 1 : 2),
    noChangeRuns: quick ? 3 : 7,
    oneLineRuns: quick ? 2 : 3,
    depChanges: quick ? ['itoa'] : ADDED_DEPENDENCIES.map((d) => d.name),
    workspaceFunctions: count(values['ws-n'], env.BENCH_WS_N, 10),
    cliStartupRuns: count(values['cli-runs'], env.BENCH_CLI_RUNS, quick ? 5 : 20),
    scaleN: counts(values['scale-n'] || env.BENCH_SCALE_N || '1,10,50'),
    scaleRuns: count(values['scale-runs'], env.BENCH_SCALE_RUNS, quick ? 2 : 3),
    scaleColdRuns: count(values['scale-cold-runs'], env.BENCH_SCALE_COLD_RUNS, 1),
    keep: values.keep ?? env.BENCH_KEEP === '1',
    list: values.list ?? false,
  };
}

/** A comma-separated list of positive counts (`1,10,50`), in the order given, without repeats. */
function counts(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  const ns = parts.map(Number);
  const bad = parts.filter((p, i) => !p || !Number.isInteger(ns[i]) || ns[i] < 1);
  if (bad.length) throw new BenchError(`not a list of positive counts: ${text}`);
  return [...new Set(ns)];
}

function listing(): string {
  return SCENARIOS.map(
    (s) =>
      `  ${s.id.padStart(2)}  ${s.name.padEnd(22)} ${s.title}${s.needsDevEnv ? '' : ' (no Docker)'}${s.slow ? ' (slow: not in quick runs unless named)' : ''}`,
  ).join('\n');
}

function selected(options: Options, scenario: Scenario): boolean {
  if (options.only) return options.only.includes(scenario.id) || options.only.includes(scenario.name);
  if (options.quick && scenario.slow) return false;
  return true;
}

// ------------------------------------------------------------------------------------------------
// Setup

interface DevEnvJson {
  CDK_DOCKER?: string;
  CDK_RUST_BUILDER_IMAGE?: string;
  SSH_AUTH_SOCK?: string;
}

/** Reads .dev-env/env.json into process.env (the library, run in this process, reads it there). */
function loadDevEnv(): DevEnv {
  const file = path.join(REPO, '.dev-env', 'env.json');
  if (!fs.existsSync(file)) {
    throw new BenchError(
      `${file} is missing: the development environment is not up. Run \`npm run bench\` (it runs scripts/dev-env.sh up first).`,
    );
  }
  const env = JSON.parse(fs.readFileSync(file, 'utf-8')) as DevEnvJson & Record<string, string>;
  for (const [key, value] of Object.entries(env)) {
    if (typeof value === 'string' && !process.env[key]) process.env[key] = value;
  }
  const docker = process.env.CDK_DOCKER || 'docker';
  const image = process.env.CDK_RUST_BUILDER_IMAGE || '';
  if (!image) throw new BenchError('CDK_RUST_BUILDER_IMAGE is not set (env.json has no builder image)');
  return { docker, image };
}

/** The machine, the toolchains and the versions; without the development environment, no Docker probes. */
function environment(dev: DevEnv | undefined): Record<string, unknown> {
  const git = (args: string[]) => probe('git', ['-C', REPO, ...args]);
  const imageVersions = dev && probe(dev.docker, ['run', '--rm', '--network', 'host', dev.image, 'sh', '-c', 'rustc -V; cargo -V']);
  return {
    date: new Date().toISOString(),
    hostname: os.hostname(),
    nproc: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    loadavgAtStart: os.loadavg(),
    os: `${os.type()} ${os.release()}`,
    gitCommit: git(['rev-parse', 'HEAD']),
    gitDirty: (git(['status', '--porcelain']) ?? '').length > 0,
    builderImage: dev?.image,
    builderImageId: dev && probe(dev.docker, ['image', 'inspect', '--format', '{{.Id}}', dev.image]),
    builderImageToolchain: imageVersions?.split('\n'),
    dockerClient: dev?.docker,
    dockerServer: dev && probe(dev.docker, ['version', '--format', '{{.Server.Version}}']),
    hostRustc: probe('rustc', ['-V']),
    hostCargo: probe('cargo', ['-V']),
    node: process.version,
    awsCdkLib: JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf-8')).version,
    cdkRust: JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf-8')).version,
  };
}

// ------------------------------------------------------------------------------------------------
// Output

/** One line per stated target, with its verdict. */
function renderTargets(tables: readonly Table[]): string {
  const lines: string[] = [];
  for (const table of tables) {
    for (const row of table.rows) {
      if (row.targetMax === undefined) continue;
      const { ratio, verdict } = ratioOf(table, row);
      lines.push(
        `  ${table.id}. ${row.variant} / ${row.ref}: ${ratio === undefined ? 'not measured' : `${ratio.toFixed(2)}x, ${verdict}`}`,
      );
    }
  }
  return lines.length ? `== Targets ==\n${lines.join('\n')}\n` : '';
}

function tableJson(table: Table): unknown {
  return {
    title: table.title,
    notes: table.notes,
    grid: table.grid,
    rows: table.rows.map((row) => {
      const { ratio, verdict } = ratioOf(table, row);
      const sorted = [...row.samples].sort((a, b) => a - b);
      return {
        ...row,
        min: sorted[0],
        median: row.samples.length ? median(row.samples) : undefined,
        max: sorted[sorted.length - 1],
        ratio,
        verdict,
      };
    }),
  };
}

// ------------------------------------------------------------------------------------------------
// Main

function main(): number {
  let options: ReturnType<typeof readOptions>;
  try {
    options = readOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (options.list) {
    process.stdout.write(`${listing()}\n`);
    return 0;
  }
  const started = new Date();
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  const resultsDir = path.join(REPO, 'bench', 'results');
  setLogDir(path.join(resultsDir, `${stamp}-logs`));
  // Every option but `keep` (which changes no figure) goes into the results.
  const { keep: _keep, ...shown } = options;
  const scenarios = SCENARIOS.filter((s) => selected(options, s));
  const results = new Results();
  let env: Record<string, unknown> = {};
  const errors: string[] = [];
  let work = '';
  let workbench: Workbench | undefined;

  const cleanup = (): void => {
    if (options.keep) {
      const volume = workbench?.volumeName;
      progress(`keeping ${work} (BENCH_KEEP=1)${volume ? ` and volume ${volume}` : ''}`);
      return;
    }
    workbench?.cleanup();
    if (work) {
      fs.rmSync(work, { recursive: true, force: true });
      work = '';
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      cleanup();
      process.exit(130);
    });
  }
  try {
    const dev = scenarios.some((s) => s.needsDevEnv) ? loadDevEnv() : undefined;
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-bench-'));
    workbench = new Workbench(REPO, work, process.env, dev);
    const ctx: Context = { repo: REPO, work, options, env: process.env, dev, workbench, results };
    progress(`work dir ${work}; logs in ${path.relative(REPO, path.join(resultsDir, `${stamp}-logs`))}; options ${JSON.stringify(shown)}`);
    env = environment(dev);
    for (const scenario of scenarios) {
      const { id } = scenario;
      progress(`scenario ${id}: ${scenario.title}`);
      let table: Table;
      try {
        table = scenario.run(ctx);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        errors.push(`scenario ${id}: ${message}`);
        progress(`scenario ${id} FAILED: ${message}`);
        table = { id, title: scenario.title, rows: [], notes: [`FAILED: ${message}`] };
      }
      results.tables.push(table);
      process.stdout.write(renderTable(table) + (table.grid ? renderGrid(table.grid) : '') + '\n');
    }
    process.stdout.write(renderTargets(results.tables));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    errors.push(message);
    progress(`FAILED: ${message}`);
  } finally {
    try {
      cleanup();
    } catch (error) {
      errors.push(`cleanup: ${error instanceof Error ? error.message : String(error)}`);
    }
    const json = {
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      loadavgAtEnd: os.loadavg(),
      options: shown,
      environment: env,
      scenarios: Object.fromEntries(results.tables.map((t) => [t.id, { ...(tableJson(t) as object), raw: results.raw[t.id] }])),
      errors,
    };
    fs.mkdirSync(resultsDir, { recursive: true });
    const text = JSON.stringify(json, null, 2) + '\n';
    fs.writeFileSync(path.join(resultsDir, `${stamp}.json`), text);
    fs.writeFileSync(path.join(resultsDir, 'latest.json'), text);
    progress(`results: bench/results/${stamp}.json (and latest.json)`);
  }
  return errors.length ? 1 : 0;
}

process.exitCode = main();
