/**
 * cdk-rust's benchmark harness (`npm run bench`). See bench/README.md.
 *
 * Every scenario measures cdk-rust side by side with its reference (the limit: the same cargo
 * command without cdk-rust, or the floor: the same app without building) in the same run, and
 * prints ratios. Nothing here asserts anything about time: the machine is shared and noisy.
 *
 * Options (environment):
 *   BENCH_QUICK=1         fewer runs; skips the workspace (5) and peer (8) scenarios unless BENCH_ONLY names them
 *   BENCH_ONLY=1,2,...    only these scenarios
 *   BENCH_COLD_RUNS=n     runs of each cold build of scenario 1 (default 2, quick 1)
 *   BENCH_WS_N=n          functions of the big workspace of scenario 5 (default 10)
 *   BENCH_KEEP=1          keep the work directory (for debugging)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Bundling } from '../lib/bundling/bundling';
import { zipFiles } from '../lib/bundling/zip';
import {
  ADDED_DEPENDENCIES, AppConfig, FLOOR_APP, GREETER, OURS_APP, PEER_APP, REPO,
  addDependency, copyCrate, editGreeting, functionNames, syncEdits, writeWorkspace,
} from './fixtures';
import {
  BenchError, CargoWork, Row, Table, Timed, cargoWork, median, probe, progress, ratioOf, renderTable, run,
  saveLog, setLogDir, sha256, tail, timeIt, timed,
} from './support';

const MUSL = 'x86_64-unknown-linux-musl';
const GNU = 'x86_64-unknown-linux-gnu';
const PEER_NPM = 'cargo-lambda-cdk@0.0.36';
const PEER_PIP = ['cargo-lambda==1.9.2', 'ziglang'];

const SCENARIOS: Record<string, string> = {
  1: 'Cold build of examples/greeter',
  2: 'Re-synth with no change (whole `node app.js` processes)',
  3: 'One-line source change',
  4: 'Dependency change',
  5: 'Workspace of 1 versus N functions, cold',
  6: 'bootstrap and zip size of greeter',
  7: 'Reproducibility: two clean builds of greeter',
  8: 'The peer: cargo-lambda-cdk',
  9: 'Local invoke (lib/invoke)',
};

// ------------------------------------------------------------------------------------------------
// Options and state

const QUICK = process.env.BENCH_QUICK === '1';
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim()).filter(Boolean)) : undefined;
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS || (QUICK ? 1 : 2));
const NO_CHANGE_RUNS = QUICK ? 3 : 7;
const ONE_LINE_RUNS = QUICK ? 2 : 3;
const DEP_CHANGES = QUICK ? ['itoa'] : ADDED_DEPENDENCIES.map((d) => d.name);
const WS_N = Number(process.env.BENCH_WS_N || 10);

function selected(id: string): boolean {
  if (ONLY) return ONLY.has(id);
  if (QUICK && (id === '5' || id === '8')) return false;
  return true;
}

interface ColdDockerBuild {
  readonly dir: string;
  readonly bootstrap: string;
}

/** Everything a run shares between scenarios. */
const state = {
  work: '',
  docker: '',
  image: '',
  volume: '',
  volumeFilled: false,
  hostFetched: false,
  dist: '',
  /** Clean Docker builds of greeter (scenario 1, or made on demand by 6 and 7). */
  coldDocker: [] as ColdDockerBuild[],
  coldLocalBootstrap: undefined as string | undefined,
  /** Greeter copies whose bare target/ is warm (scenario 1c). */
  bareWarm: [] as string[],
  oursApp: undefined as OursApp | undefined,
  bareGreeter: undefined as string | undefined,
  greeterDeps: [] as string[],
  wsTemplates: new Map<number, string>(),
  /** Samples other scenarios refer to (peer comparison). */
  samples: {} as Record<string, number[]>,
  peerBootstrap: undefined as string | undefined,
};

const tables: Table[] = [];
const raw: Record<string, unknown> = {};

// ------------------------------------------------------------------------------------------------
// Setup

interface DevEnvJson {
  CDK_DOCKER?: string;
  CDK_RUST_BUILDER_IMAGE?: string;
  SSH_AUTH_SOCK?: string;
}

function loadDevEnv(): void {
  const file = path.join(REPO, '.dev-env', 'env.json');
  if (!fs.existsSync(file)) {
    throw new BenchError(`${file} is missing: the development environment is not up. Run \`npm run bench\` (it runs scripts/dev-env.sh up first).`);
  }
  const env = JSON.parse(fs.readFileSync(file, 'utf-8')) as DevEnvJson & Record<string, string>;
  for (const [key, value] of Object.entries(env)) {
    if (typeof value === 'string' && !process.env[key]) process.env[key] = value;
  }
  state.docker = process.env.CDK_DOCKER || 'docker';
  state.image = process.env.CDK_RUST_BUILDER_IMAGE || '';
  if (!state.image) throw new BenchError('CDK_RUST_BUILDER_IMAGE is not set (env.json has no builder image)');
}

function environment(): Record<string, unknown> {
  const git = (args: string[]) => probe('git', ['-C', REPO, ...args]);
  const imageVersions = probe(state.docker, ['run', '--rm', '--network', 'host', state.image, 'sh', '-c', 'rustc -V; cargo -V']);
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
    builderImage: state.image,
    builderImageId: probe(state.docker, ['image', 'inspect', '--format', '{{.Id}}', state.image]),
    builderImageToolchain: imageVersions?.split('\n'),
    dockerClient: state.docker,
    dockerServer: probe(state.docker, ['version', '--format', '{{.Server.Version}}']),
    hostRustc: probe('rustc', ['-V']),
    hostCargo: probe('cargo', ['-V']),
    node: process.version,
    awsCdkLib: JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf-8')).version,
    cdkRust: JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf-8')).version,
  };
}

/** The library compiled to plain JS in the work dir, for the apps run as processes. */
function ensureDist(): string {
  if (state.dist) return state.dist;
  const out = path.join(state.work, 'dist');
  progress('compiling the library (tsc) for the apps');
  // tsc emits even when some file has type errors (work in progress elsewhere in lib/): only a missing
  // output is fatal.
  const tsc = timed('tsc', process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(REPO, 'tsconfig.json'), '--outDir', out, '--sourceMap', 'false', '--declaration', 'false'], { allowFailure: true });
  if (!fs.existsSync(path.join(out, 'lib', 'index.js'))) throw new BenchError(`tsc produced no lib/index.js:\n${tail(tsc.log, 20)}`);
  if (tsc.status !== 0) progress(`tsc reported errors (emitted anyway; see ${tsc.logFile})`);
  for (const [name, text] of [['ours.js', OURS_APP], ['floor.js', FLOOR_APP], ['peer.js', PEER_APP]]) {
    fs.writeFileSync(path.join(state.work, name), text);
  }
  state.dist = out;
  return out;
}

function appEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_PATH: path.join(REPO, 'node_modules'),
    BENCH_DIST: path.join(ensureDist(), 'lib'),
    ...extra,
  };
}

let configSeq = 0;
function writeConfig(config: AppConfig): string {
  const file = path.join(state.work, `app-config-${++configSeq}.json`);
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** Runs one of the apps (`ours.js`, `floor.js`, `peer.js`) as a whole process, timed. */
function runApp(name: string, app: 'ours' | 'floor' | 'peer', configFile: string, env?: NodeJS.ProcessEnv): Timed {
  ensureDist();
  return timed(name, process.execPath, [path.join(state.work, `${app}.js`), configFile], { env: env ?? appEnv(), cwd: state.work });
}

/** A named volume for the bare builds' registry, filled once with `cargo fetch`. */
function ensureVolume(): string {
  if (!state.volume) {
    state.volume = `cdk-rust-bench-registry-${process.pid}`;
    run(state.docker, ['volume', 'create', state.volume]);
  }
  if (!state.volumeFilled) {
    progress(`filling the registry volume ${state.volume} (cargo fetch in the builder image)`);
    const dir = copyCrate(GREETER, path.join(state.work, 'fetch', 'greeter'));
    timed('bare-volume-fetch', state.docker, dockerRunArgs(dir, ['cargo', 'fetch', '--locked']));
    state.volumeFilled = true;
  }
  return state.volume;
}

function dockerRunArgs(dir: string, command: string[]): string[] {
  return ['run', '--rm', '--network', 'host', '-v', `${state.volume}:/usr/local/cargo/registry`, '-v', `${dir}:/src`, '-w', '/src', state.image, ...command];
}

/** The limit: the same cargo build in the same image, with no cdk-rust around it. */
function bareDockerBuild(name: string, dir: string, extra: string[] = []): Timed {
  ensureVolume();
  return timed(name, state.docker, dockerRunArgs(dir, ['cargo', 'build', '--release', '--locked', '--target', MUSL, ...extra]));
}

/** The host registry holds greeter's dependencies (for the local builds), fetched once untimed. */
function ensureHostFetch(): void {
  if (state.hostFetched) return;
  progress('cargo fetch on the host (untimed)');
  const dir = copyCrate(GREETER, path.join(state.work, 'host-fetch', 'greeter'));
  run('cargo', ['fetch', '--locked', '--manifest-path', path.join(dir, 'Cargo.toml')]);
  state.hostFetched = true;
}

// ------------------------------------------------------------------------------------------------
// Builds shared by several scenarios

let copySeq = 0;
function freshGreeter(label: string): string {
  return copyCrate(GREETER, path.join(state.work, `${String(++copySeq).padStart(2, '0')}-${label}`, 'greeter'));
}

interface Measured {
  readonly seconds: number;
  readonly work: CargoWork;
  readonly logFile: string;
}

/** cdk-rust's Docker build of a fresh copy of greeter (`Bundling.prepare` + `Bundling.build`), in this process. */
function oursDockerCold(label: string): Measured & ColdDockerBuild {
  const dir = freshGreeter(label);
  const out = path.join(path.dirname(dir), 'asset');
  progress(`${label}: cdk-rust Docker build of a fresh greeter copy`);
  const { seconds, result } = timeIt(() => Bundling.build(Bundling.prepare({ manifestPath: path.join(dir, 'Cargo.toml') }), out));
  const logFile = saveLog(label, result.log);
  const build = { dir, bootstrap: result.bootstrap };
  state.coldDocker.push(build);
  return { ...build, seconds, work: cargoWork(result.log), logFile };
}

function ensureColdDocker(n: number): ColdDockerBuild[] {
  while (state.coldDocker.length < n) oursDockerCold(`ours-docker-cold-extra-${state.coldDocker.length + 1}`);
  return state.coldDocker.slice(0, n);
}

interface OursApp {
  readonly greeterDir: string;
  readonly configFile: string;
  readonly configNoAlarm: string;
  readonly outdir: string;
}

/** The newest `asset.*` directory of a cloud assembly that holds a bootstrap. */
function newestAsset(outdir: string): string {
  const assets = fs.readdirSync(outdir)
    .filter((f) => f.startsWith('asset.') && fs.existsSync(path.join(outdir, f, 'bootstrap')))
    .map((f) => path.join(outdir, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (assets.length === 0) throw new BenchError(`no asset with a bootstrap in ${outdir}`);
  return assets[0];
}

/**
 * The one-function app on greeter, synthesized once (untimed). It reuses a greeter copy of scenario
 * 1 when there is one, whose target cache is warm, so that this first synth is short.
 */
function ensureOursApp(): OursApp {
  if (state.oursApp) return state.oursApp;
  // A clean build made here is one more sample for scenarios 6 and 7, and leaves a warm target cache.
  const reused = state.coldDocker[0] ?? ensureColdDocker(1)[0];
  const greeterDir = reused.dir;
  const outdir = path.join(state.work, 'ours-app.out');
  const functions = [{ id: 'Greeter', manifestPath: path.join(greeterDir, 'Cargo.toml') }];
  const configFile = writeConfig({ outdir, functions });
  const configNoAlarm = writeConfig({ outdir, functions, errorRateAlarm: false });
  progress('first synth of the greeter app (untimed; its target cache is warm)');
  runApp('ours-app-first-synth', 'ours', configFile);
  state.oursApp = { greeterDir, configFile, configNoAlarm, outdir };
  return state.oursApp;
}

/** A greeter copy whose bare (docker run) target/ is warm. */
function ensureBareGreeter(): string {
  if (state.bareGreeter) return state.bareGreeter;
  let dir = state.bareWarm[0];
  if (!dir) {
    dir = freshGreeter('bare-incremental');
    progress('first bare build of greeter for the incremental scenarios (untimed, cold)');
    bareDockerBuild('bare-first-build', dir);
  }
  state.bareGreeter = dir;
  return dir;
}

/** A generated workspace of n functions with a complete Cargo.lock. */
function ensureWorkspaceTemplate(n: number): string {
  const existing = state.wsTemplates.get(n);
  if (existing) return existing;
  ensureHostFetch();
  const dir = path.join(state.work, `ws${n}-template`);
  const names = writeWorkspace(dir, n);
  // Completes the lock with the workspace's packages, keeping every registry version of greeter's lock.
  run('cargo', ['metadata', '--format-version', '1', '--offline', '--manifest-path', path.join(dir, 'Cargo.toml')]);
  const lock = fs.readFileSync(path.join(dir, 'Cargo.lock'), 'utf-8');
  for (const name of [...names, 'shared']) {
    if (!lock.includes(`name = "${name}"`)) throw new BenchError(`${dir}/Cargo.lock lacks ${name}`);
  }
  state.wsTemplates.set(n, dir);
  return dir;
}

function copyWorkspace(n: number, label: string): string {
  return copyCrate(ensureWorkspaceTemplate(n), path.join(state.work, `${String(++copySeq).padStart(2, '0')}-${label}`, 'ws'));
}

function sample(rows: Map<string, { samples: number[]; cargo: number[]; crates: number[] }>, variant: string, seconds: number, work?: CargoWork): void {
  if (!rows.has(variant)) rows.set(variant, { samples: [], cargo: [], crates: [] });
  const row = rows.get(variant)!;
  row.samples.push(seconds);
  if (work && work.builds > 0) {
    row.cargo.push(work.cargoSeconds);
    row.crates.push(work.compiled.length);
  }
}

type Samples = Map<string, { samples: number[]; cargo: number[]; crates: number[] }>;

function rowOf(samples: Samples, variant: string, extra: Partial<Row> = {}): Row {
  const s = samples.get(variant);
  return { variant, samples: s?.samples ?? [], cargoSeconds: s?.cargo, crates: s?.crates, ...extra };
}

// ------------------------------------------------------------------------------------------------
// Scenarios

function scenario1(): Table {
  const s: Samples = new Map();
  const notes: string[] = [];
  const A = 'ours, Docker (musl)';
  const C = 'bare cargo, docker run (musl)';
  const B = 'ours, local (gnu +crt-static)';
  const D = 'bare cargo, host (gnu +crt-static)';
  ensureVolume();
  ensureHostFetch();
  const logs: Record<string, string[]> = {};
  const note = (variant: string, logFile: string) => (logs[variant] ??= []).push(logFile);
  for (let r = 0; r < COLD_RUNS; r++) {
    const steps: Array<() => void> = [
      () => {
        const m = oursDockerCold(`s1-ours-docker-${r + 1}`);
        sample(s, A, m.seconds, m.work);
        note(A, m.logFile);
      },
      () => {
        const dir = freshGreeter(`s1-bare-docker-${r + 1}`);
        progress(`s1 run ${r + 1}: bare cargo build in docker run`);
        const t = bareDockerBuild(`s1-bare-docker-${r + 1}`, dir);
        const work = cargoWork(t.log);
        if (work.downloaded > 0) notes.push(`bare docker run ${r + 1} downloaded ${work.downloaded} crates (not in the prefilled volume)`);
        sample(s, C, t.seconds, work);
        note(C, t.logFile);
        state.bareWarm.push(dir);
      },
      () => {
        const dir = freshGreeter(`s1-ours-local-${r + 1}`);
        const prepared = Bundling.prepare({ manifestPath: path.join(dir, 'Cargo.toml'), target: GNU });
        if (!prepared.localToolchain) throw new BenchError(`the host toolchain has no ${GNU} standard library: the local build would run in Docker`);
        progress(`s1 run ${r + 1}: cdk-rust local build (host toolchain, ${GNU})`);
        const { seconds, result } = timeIt(() => Bundling.build(prepared, path.join(path.dirname(dir), 'asset')));
        sample(s, B, seconds, cargoWork(result.log));
        note(B, saveLog(`s1-ours-local-${r + 1}`, result.log));
        state.coldLocalBootstrap ??= result.bootstrap;
      },
      () => {
        const dir = freshGreeter(`s1-bare-host-${r + 1}`);
        progress(`s1 run ${r + 1}: bare cargo build on the host`);
        const t = timed(`s1-bare-host-${r + 1}`, 'cargo', ['build', '--release', '--locked', '--target', GNU], {
          cwd: dir, env: { ...process.env, RUSTFLAGS: '-C target-feature=+crt-static' },
        });
        sample(s, D, t.seconds, cargoWork(t.log));
        note(D, t.logFile);
      },
    ];
    // Each pair back to back; the order within a pair alternates between runs.
    const order = r % 2 === 0 ? [0, 1, 2, 3] : [1, 0, 3, 2];
    for (const i of order) steps[i]();
  }
  state.samples.oursDockerCold = s.get(A)?.samples ?? [];
  state.samples.oursLocalCold = s.get(B)?.samples ?? [];
  raw['1'] = { logs };
  notes.push('cold = fresh copy at a new path: new target cache (and std rebuilt by build-std in Docker); registries warm');
  notes.push('cargo s = cargo\'s own "Finished in" time; wall minus cargo s is the cost around cargo (Docker, context, export)');
  return {
    id: '1', title: SCENARIOS[1], notes, rows: [
      rowOf(s, C),
      rowOf(s, A, { ref: C }),
      rowOf(s, D),
      rowOf(s, B, { ref: D }),
    ],
  };
}

function scenario2(): Table {
  const app = ensureOursApp();
  const asset = newestAsset(app.outdir);
  const prebuilt = path.join(state.work, 'prebuilt', 'greeter');
  fs.mkdirSync(prebuilt, { recursive: true });
  fs.copyFileSync(path.join(asset, 'bootstrap'), path.join(prebuilt, 'bootstrap'));
  fs.chmodSync(path.join(prebuilt, 'bootstrap'), 0o755);
  const floorConfig = writeConfig({ outdir: path.join(state.work, 'floor-app.out'), functions: [], prebuilt: [{ id: 'Greeter', dir: prebuilt }] });
  const OURS = 'ours: RustFunction';
  const NOALARM = 'ours: RustFunction, errorRateAlarm false';
  const FLOOR = 'floor: lambda.Function + Code.fromAsset';
  const variants: Array<[string, () => Timed]> = [
    [OURS, () => runApp('s2-ours', 'ours', app.configFile)],
    [FLOOR, () => runApp('s2-floor', 'floor', floorConfig)],
    [NOALARM, () => runApp('s2-ours-noalarm', 'ours', app.configNoAlarm)],
  ];
  progress('s2: warm-up synth of each app (untimed)');
  for (const [, fn] of variants) fn();
  const s: Samples = new Map();
  let builds = 0;
  for (let r = 0; r < NO_CHANGE_RUNS; r++) {
    progress(`s2 run ${r + 1}/${NO_CHANGE_RUNS}`);
    for (let k = 0; k < variants.length; k++) {
      const [variant, fn] = variants[(k + r) % variants.length];
      const t = fn();
      if (/\[cdk-rust\] building/.test(t.log)) builds++;
      sample(s, variant, t.seconds);
    }
  }
  state.samples.oursNoChange = s.get(OURS)?.samples ?? [];
  const notes = [
    'whole processes: node startup + aws-cdk-lib + construct + synth; the same Node and compiled JS for both',
    `ours started ${builds} builds during the measured runs (0 expected: the asset exists)`,
    'ours adds what RustFunction creates besides the function (role, log group, alarm, KMS-encrypted topic, DLQ); the errorRateAlarm false row shows that part',
  ];
  return {
    id: '2', title: SCENARIOS[2], notes, rows: [
      rowOf(s, FLOOR),
      rowOf(s, OURS, { ref: FLOOR, targetMax: 1.2 }),
      rowOf(s, NOALARM, { ref: FLOOR }),
    ],
  };
}

/** The bootstrap of the newest asset of the app contains `tag`. */
function assetHas(outdir: string, tag: string): boolean {
  return fs.readFileSync(path.join(newestAsset(outdir), 'bootstrap')).includes(Buffer.from(tag));
}

function scenario3(): Table {
  const app = ensureOursApp();
  const bare = ensureBareGreeter();
  const OURS = 'ours: re-synth (rebuilds in Docker)';
  const BARE = 'bare incremental cargo, docker run';
  const s: Samples = new Map();
  const notes: string[] = [];
  const stamp = Date.now().toString(36);
  for (let r = 0; r < ONE_LINE_RUNS; r++) {
    const tag = `one-line-${stamp}-${r + 1}`;
    editGreeting(app.greeterDir, tag, state.greeterDeps);
    syncEdits(app.greeterDir, bare);
    progress(`s3 run ${r + 1}/${ONE_LINE_RUNS}: edit "${tag}"`);
    const ours = () => {
      const t = runApp(`s3-ours-${r + 1}`, 'ours', app.configFile);
      sample(s, OURS, t.seconds, cargoWork(t.log));
      if (!assetHas(app.outdir, tag)) notes.push(`run ${r + 1}: the new asset does not contain the edit!`);
    };
    const bareRun = () => {
      const t = bareDockerBuild(`s3-bare-${r + 1}`, bare);
      sample(s, BARE, t.seconds, cargoWork(t.log));
    };
    if (r % 2 === 0) { ours(); bareRun(); } else { bareRun(); ours(); }
  }
  notes.push('ours = the whole `node app.js` (hash, Docker context, cargo fetch step, cargo build, export); bare = one docker run of cargo build');
  notes.push('crates = crates cargo compiled per run (1 = only greeter)');
  return { id: '3', title: SCENARIOS[3], notes, rows: [rowOf(s, BARE), rowOf(s, OURS, { ref: BARE, targetMax: 1.5 })] };
}

function scenario4(): Table {
  const app = ensureOursApp();
  const bare = ensureBareGreeter();
  const OURS = 'ours: re-synth (rebuilds in Docker)';
  const BARE = 'bare incremental cargo, docker run';
  const s: Samples = new Map();
  const notes: string[] = [];
  const stamp = Date.now().toString(36);
  for (const [r, dep] of DEP_CHANGES.entries()) {
    if (state.greeterDeps.includes(dep)) continue;
    const tag = `dep-${dep}-${stamp}`;
    addDependency(app.greeterDir, dep);
    state.greeterDeps.push(dep);
    editGreeting(app.greeterDir, tag, state.greeterDeps);
    // Cargo.lock is updated on the host first (minimal change: the new crate only).
    run('cargo', ['metadata', '--format-version', '1', '--manifest-path', path.join(app.greeterDir, 'Cargo.toml')]);
    syncEdits(app.greeterDir, bare);
    progress(`s4 run ${r + 1}/${DEP_CHANGES.length}: add ${dep}`);
    const ours = () => {
      const t = runApp(`s4-ours-${dep}`, 'ours', app.configFile);
      const work = cargoWork(t.log);
      sample(s, OURS, t.seconds, work);
      notes.push(`add ${dep}: ours compiled [${work.compiled.join(', ')}]${work.downloaded ? `, downloaded ${work.downloaded}` : ''}`);
      if (!assetHas(app.outdir, tag)) notes.push(`add ${dep}: the new asset does not contain the edit!`);
    };
    const bareRun = () => {
      const t = bareDockerBuild(`s4-bare-${dep}`, bare);
      const work = cargoWork(t.log);
      sample(s, BARE, t.seconds, work);
      notes.push(`add ${dep}: bare compiled [${work.compiled.join(', ')}]${work.downloaded ? `, downloaded ${work.downloaded}` : ''}`);
    };
    if (r % 2 === 0) { ours(); bareRun(); } else { bareRun(); ours(); }
  }
  notes.push('itoa is already in greeter\'s dependency graph (via serde_json): only greeter recompiles; hex is new: fetched and compiled');
  return { id: '4', title: SCENARIOS[4], notes, rows: [rowOf(s, BARE), rowOf(s, OURS, { ref: BARE })] };
}

function scenario5(): Table {
  const n = WS_N;
  const names = functionNames(n);
  ensureVolume();
  const ONE = 'ours: 1 function (1 synth)';
  const MANY = `ours: ${n} RustFunctions (1 synth)`;
  const MANY_VS_ONE = `ours: ${n} RustFunctions, vs ours-1`;
  const BARE = `bare: 1 cargo build --workspace (${n} bins)`;
  const s: Samples = new Map();
  const notes: string[] = [];
  const oursWs = (count: number, label: string, variant: string) => {
    const ws = copyWorkspace(count, label);
    const config = writeConfig({
      outdir: path.join(path.dirname(ws), 'cdk.out'),
      functions: functionNames(count).map((name) => ({ id: name, manifestPath: path.join(ws, 'Cargo.toml'), binaryName: name })),
    });
    progress(`s5: ${variant} (cold)`);
    const t = runApp(label, 'ours', config);
    const work = cargoWork(t.log);
    sample(s, variant, t.seconds, work);
    notes.push(`${variant}: ${work.builds} cargo builds, cargo's own time ${work.cargoSeconds.toFixed(1)} s of ${t.seconds.toFixed(1)} s wall`);
  };
  oursWs(1, 's5-ours-1', ONE);
  oursWs(n, `s5-ours-${n}`, MANY);
  const ws = copyWorkspace(n, `s5-bare-${n}`);
  progress(`s5: ${BARE} (cold)`);
  const t = bareDockerBuild(`s5-bare-${n}`, ws, ['--workspace']);
  sample(s, BARE, t.seconds, cargoWork(t.log));
  for (const name of names) {
    if (!fs.existsSync(path.join(ws, 'target', MUSL, 'release', name))) notes.push(`bare build has no ${name}!`);
  }
  state.samples.oursWsMany = s.get(MANY)?.samples ?? [];
  state.samples.bareWsMany = s.get(BARE)?.samples ?? [];
  s.set(MANY_VS_ONE, s.get(MANY)!);
  notes.push('every function has greeter\'s dependencies and release profile (thin LTO, 1 codegen unit); fresh copies, so cold target caches');
  return {
    id: '5', title: `Workspace of 1 versus ${n} functions, cold`, notes, rows: [
      rowOf(s, BARE),
      rowOf(s, MANY, { ref: BARE, targetMax: 1.3 }),
      rowOf(s, ONE),
      rowOf(s, MANY_VS_ONE, { ref: ONE }),
    ],
  };
}

function scenario6(): Table {
  const [build] = ensureColdDocker(1);
  const bootstrap = fs.readFileSync(build.bootstrap);
  const zip = zipFiles([{ name: 'bootstrap', content: bootstrap, mode: 0o755 }]);
  const notes = [
    `greeter, ours Docker (musl, static): bootstrap ${bootstrap.length} bytes (${(bootstrap.length / 2 ** 20).toFixed(2)} MiB), zip ${zip.length} bytes (${(zip.length / 2 ** 20).toFixed(2)} MiB)`,
  ];
  const sizes: Record<string, number> = { bootstrap: bootstrap.length, zip: zip.length };
  if (state.coldLocalBootstrap) {
    const local = fs.readFileSync(state.coldLocalBootstrap);
    const localZip = zipFiles([{ name: 'bootstrap', content: local, mode: 0o755 }]);
    notes.push(`greeter, ours local (gnu, +crt-static): bootstrap ${local.length} bytes, zip ${localZip.length} bytes`);
    sizes.localBootstrap = local.length;
    sizes.localZip = localZip.length;
  }
  raw['6'] = sizes;
  return { id: '6', title: SCENARIOS[6], notes, rows: [] };
}

function scenario7(): Table {
  const builds = ensureColdDocker(2);
  const digests = builds.map((b) => {
    const bootstrap = fs.readFileSync(b.bootstrap);
    return { dir: b.dir, bootstrap: sha256(bootstrap), zip: sha256(zipFiles([{ name: 'bootstrap', content: bootstrap, mode: 0o755 }])) };
  });
  raw['7'] = digests;
  const same = digests.every((d) => d.bootstrap === digests[0].bootstrap && d.zip === digests[0].zip);
  return {
    id: '7', title: SCENARIOS[7], rows: [], notes: [
      ...digests.map((d, i) => `build ${i + 1} (${path.basename(path.dirname(d.dir))}): bootstrap sha256 ${d.bootstrap}, zip sha256 ${d.zip}`),
      same ? 'byte-identical: yes (bootstrap and zip)' : 'byte-identical: NO',
      'two fresh copies at different paths, each with its own cold target cache',
    ],
  };
}

// ---- the peer

interface Peer {
  readonly env: NodeJS.ProcessEnv;
  readonly versions: Record<string, string | undefined>;
}

function installPeer(notes: string[]): Peer {
  const dir = path.join(state.work, 'peer');
  fs.mkdirSync(dir, { recursive: true });
  progress(`s8: npm install ${PEER_NPM} (into the work dir; aws-cdk-lib and constructs from our node_modules)`);
  const npm = timed('s8-npm-install', 'npm', ['install', '--prefix', path.join(dir, 'npm'), '--no-audit', '--no-fund', '--legacy-peer-deps', '--no-save', PEER_NPM], { allowFailure: true });
  if (npm.status !== 0) throw new BenchError(`npm install ${PEER_NPM} failed:\n${tail(npm.log, 15)}`);
  progress(`s8: pip install ${PEER_PIP.join(' ')} (into the work dir)`);
  const pip = timed('s8-pip-install', 'python3', ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--target', path.join(dir, 'py'), ...PEER_PIP], { allowFailure: true });
  if (pip.status !== 0) throw new BenchError(`pip install ${PEER_PIP.join(' ')} failed:\n${tail(pip.log, 15)}`);
  notes.push(`installed in ${npm.seconds.toFixed(1)} s (npm) + ${pip.seconds.toFixed(1)} s (pip)`);
  const env: NodeJS.ProcessEnv = {
    ...appEnv(),
    PATH: `${path.join(dir, 'py', 'bin')}:${process.env.PATH}`,
    PYTHONPATH: path.join(dir, 'py'),
    // zig's and cargo-zigbuild's caches stay in the work dir.
    XDG_CACHE_HOME: path.join(dir, 'cache'),
    NODE_PATH: `${path.join(dir, 'npm', 'node_modules')}:${path.join(REPO, 'node_modules')}`,
  };
  const version = probe('cargo', ['lambda', '--version'], env);
  if (!version) {
    const why = timed('s8-cargo-lambda-version', 'cargo', ['lambda', '--version'], { env, allowFailure: true });
    throw new BenchError(`\`cargo lambda --version\` fails after the install:\n${tail(why.log, 10)}`);
  }
  const zig = probe('python3', ['-m', 'ziglang', 'version'], env);
  return { env, versions: { cargoLambda: version, zig, cargoLambdaCdk: PEER_NPM } };
}

function scenario8(): Table {
  const notes: string[] = [];
  const s: Samples = new Map();
  const OURS_LOCAL = 'ours, local gnu, cold (scenario 1)';
  const OURS_DOCKER = 'ours, Docker musl, cold (scenario 1)';
  const PEER_COLD = 'peer: greeter, cold';
  const OURS_NC = 'ours: no-change re-synth';
  const PEER_NC = 'peer: no-change re-synth (rebuilds)';
  const OURS_WS = `ours: ${WS_N} functions, cold (scenario 5)`;
  const PEER_WS = `peer: ${WS_N} functions, cold`;
  const rows = (): Row[] => [
    rowOf(s, OURS_LOCAL), rowOf(s, OURS_DOCKER), rowOf(s, PEER_COLD, { ref: OURS_LOCAL }),
    rowOf(s, OURS_NC), rowOf(s, PEER_NC, { ref: OURS_NC }),
    rowOf(s, OURS_WS), rowOf(s, PEER_WS, { ref: OURS_WS }),
  ];
  for (const [variant, key] of [[OURS_LOCAL, 'oursLocalCold'], [OURS_DOCKER, 'oursDockerCold'], [OURS_WS, 'oursWsMany']] as const) {
    for (const v of state.samples[key] ?? []) sample(s, variant, v);
  }
  let peer: Peer;
  try {
    peer = installPeer(notes);
    // Its one-time toolchain setup (zig's own caches) is not part of a build: warm it on a tiny crate.
    const hello = path.join(state.work, 'peer', 'hello');
    fs.mkdirSync(path.join(hello, 'src'), { recursive: true });
    fs.writeFileSync(path.join(hello, 'Cargo.toml'), '[package]\nname = "hello"\nversion = "0.1.0"\nedition = "2021"\n');
    fs.writeFileSync(path.join(hello, 'src', 'main.rs'), 'fn main() { println!("hello"); }\n');
    progress('s8: warming cargo-lambda/zig on a tiny crate (untimed)');
    const warm = timed('s8-peer-warmup', 'cargo', ['lambda', 'build', '--release', '--x86-64'], { cwd: hello, env: peer.env, allowFailure: true });
    if (warm.status !== 0) throw new BenchError(`cargo lambda build of a hello-world crate fails:\n${tail(warm.log, 15)}`);
    raw['8'] = { versions: peer.versions };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { id: '8', title: SCENARIOS[8], rows: [], notes: [`not measured: ${reason}`] };
  }
  ensureHostFetch();
  try {
    // Cold greeter.
    const greeter = freshGreeter('s8-peer-greeter');
    const outdir = path.join(path.dirname(greeter), 'cdk.out');
    const config = writeConfig({ outdir, functions: [{ id: 'Greeter', manifestPath: path.join(greeter, 'Cargo.toml') }] });
    progress('s8: peer cold build of greeter');
    const cold = runApp('s8-peer-cold', 'peer', config, peer.env);
    sample(s, PEER_COLD, cold.seconds, cargoWork(cold.log));
    state.peerBootstrap = path.join(newestAsset(outdir), 'bootstrap');
    const size = fs.statSync(state.peerBootstrap).size;
    notes.push(`peer's greeter bootstrap: ${size} bytes (${probe('file', ['-b', state.peerBootstrap]) ?? '?'})`);
    (raw['8'] as Record<string, unknown>).peerBootstrapBytes = size;

    // No-change re-synth, interleaved with ours.
    const app = ensureOursApp();
    progress('s8: no-change re-synth, peer and ours interleaved');
    runApp('s8-ours-nc-warmup', 'ours', app.configFile);
    for (let r = 0; r < NO_CHANGE_RUNS; r++) {
      const peerRun = () => { const t = runApp(`s8-peer-nc-${r + 1}`, 'peer', config, peer.env); sample(s, PEER_NC, t.seconds, cargoWork(t.log)); };
      const oursRun = () => { const t = runApp(`s8-ours-nc-${r + 1}`, 'ours', app.configFile); sample(s, OURS_NC, t.seconds); };
      if (r % 2 === 0) { peerRun(); oursRun(); } else { oursRun(); peerRun(); }
    }

    // The workspace of N functions: N separate cargo lambda builds in one synth.
    const ws = copyWorkspace(WS_N, 's8-peer-ws');
    const wsConfig = writeConfig({
      outdir: path.join(path.dirname(ws), 'cdk.out'),
      functions: functionNames(WS_N).map((name) => ({ id: name, manifestPath: path.join(ws, 'Cargo.toml'), binaryName: name })),
    });
    progress(`s8: peer, workspace of ${WS_N} functions (cold)`);
    const wsRun = runApp(`s8-peer-ws-${WS_N}`, 'peer', wsConfig, peer.env);
    const work = cargoWork(wsRun.log);
    sample(s, PEER_WS, wsRun.seconds, work);
    notes.push(`peer workspace: ${work.builds} cargo builds, cargo's own time ${work.cargoSeconds.toFixed(1)} s of ${wsRun.seconds.toFixed(1)} s wall`);
  } catch (error) {
    notes.push(`FAILED part-way: ${error instanceof Error ? error.message : String(error)}`);
  }
  notes.push(`peer = ${PEER_NPM} with cargo-lambda ${PEER_PIP[0].split('==')[1]} + zig from PyPI, local bundling (\`cargo lambda build\`, ${GNU}, zig as linker, host toolchain)`);
  notes.push('its asset hash is the output\'s, so every synth runs cargo lambda build; the "scenario 1/5" rows are this run\'s numbers from those scenarios');
  return { id: '8', title: SCENARIOS[8], rows: rows(), notes };
}

// ---- local invoke

/** lib/invoke's module, compiled, when it exists and loads; otherwise why not. */
function loadInvoke(): { file: string } | { reason: string } {
  if (!fs.existsSync(path.join(REPO, 'lib', 'invoke'))) return { reason: 'lib/invoke does not exist' };
  const dist = ensureDist();
  const candidates = ['index.js', 'local-function.js'].map((f) => path.join(dist, 'lib', 'invoke', f)).filter((f) => fs.existsSync(f));
  // Checked in the compiled text: the module itself is loaded by a child process with NODE_PATH set.
  for (const file of candidates) {
    if (/exports\.LocalFunction\s*=/.test(fs.readFileSync(file, 'utf-8'))) return { file };
  }
  return { reason: 'lib/invoke exports no LocalFunction' };
}

/**
 * Cold start and warm invoke latency of greeter's bootstrap through lib/invoke's LocalFunction
 * (`new LocalFunction({ code })`, `start()`, `invoke(event)`, `close()`), in a process of its own.
 */
function scenario9(): Table {
  const title = SCENARIOS[9];
  const loaded = loadInvoke();
  if ('reason' in loaded) return { id: '9', title, rows: [], notes: [`not available: ${loaded.reason}`] };
  const [build] = ensureColdDocker(1);
  const colds = QUICK ? 3 : 10;
  const warms = QUICK ? 20 : 200;
  const script = `'use strict';
    const { LocalFunction } = require(${JSON.stringify(loaded.file)});
    const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;
    (async () => {
      const out = { init: [], initReported: [], firstResponse: [], warm: [], warmReported: [] };
      for (let c = 0; c < ${colds}; c++) {
        const t0 = process.hrtime.bigint();
        const fn = new LocalFunction({ code: ${JSON.stringify(path.dirname(build.bootstrap))}, functionName: 'greeter', streamLogs: false });
        try {
          out.initReported.push(await fn.start());
          out.init.push(ms(t0));
          const first = await fn.invoke({ name: 'bench' });
          if (!first.ok) throw new Error('first invoke failed: ' + JSON.stringify(first.error));
          out.firstResponse.push(ms(t0));
          for (let w = 0; w < ${Math.ceil(warms / colds)}; w++) {
            const t1 = process.hrtime.bigint();
            const r = await fn.invoke({ name: 'bench' + w });
            if (!r.ok) throw new Error('warm invoke failed: ' + JSON.stringify(r.error));
            out.warm.push(ms(t1));
            out.warmReported.push(r.durationMs);
          }
        } finally {
          await fn.close();
        }
      }
      process.stdout.write('BENCH-RESULT ' + JSON.stringify(out) + '\\n');
    })().catch((e) => { console.error((e && e.stack) || e); process.exit(1); });
  `;
  const file = path.join(state.work, 'invoke-bench.js');
  fs.writeFileSync(file, script);
  progress(`s9: ${colds} cold starts and ${warms} warm invokes of greeter through lib/invoke`);
  const t = timed('s9-invoke', process.execPath, [file], { env: appEnv(), allowFailure: true, timeoutSeconds: 600 });
  const line = t.log.split('\n').find((l) => l.startsWith('BENCH-RESULT '));
  if (t.status !== 0 || !line) {
    return { id: '9', title, rows: [], notes: [`not measured: lib/invoke's LocalFunction did not run as expected:\n${tail(t.log, 10)}`] };
  }
  const out = JSON.parse(line.slice('BENCH-RESULT '.length)) as Record<string, number[]>;
  raw['9'] = { milliseconds: out };
  const sec = (v: number[]) => v.map((x) => x / 1000);
  return {
    id: '9', title, unit: 'ms', notes: [
      'cold = new LocalFunction + start() (spawn to the first /next) and the first response; warm = one invoke on the running process',
      `medians in ms: spawn->first /next ${median(out.init).toFixed(1)} (library's own ${median(out.initReported).toFixed(1)}), ` +
        `spawn->first response ${median(out.firstResponse).toFixed(1)}, warm invoke ${median(out.warm).toFixed(2)} (library's durationMs ${median(out.warmReported).toFixed(2)})`,
    ], rows: [
      { variant: 'cold: spawn -> first /next', samples: sec(out.init) },
      { variant: 'cold: spawn -> first response', samples: sec(out.firstResponse) },
      { variant: 'warm invoke (wall)', samples: sec(out.warm) },
    ],
  };
}

// ------------------------------------------------------------------------------------------------
// Main

const RUNNERS: Record<string, () => Table> = {
  1: scenario1, 6: scenario6, 7: scenario7, 2: scenario2, 3: scenario3, 4: scenario4, 5: scenario5, 8: scenario8, 9: scenario9,
};
/** Run order: the cold builds first (6 and 7 reuse them, 2-4 reuse their warm caches). */
const ORDER = ['1', '6', '7', '2', '3', '4', '5', '8', '9'];

function cleanup(): void {
  if (process.env.BENCH_KEEP === '1') {
    progress(`keeping ${state.work} (BENCH_KEEP=1)${state.volume ? ` and volume ${state.volume}` : ''}`);
    return;
  }
  if (state.volume) {
    probe(state.docker, ['volume', 'rm', '-f', state.volume]);
    state.volume = '';
  }
  if (state.work) {
    fs.rmSync(state.work, { recursive: true, force: true });
    state.work = '';
  }
}

/** One line per stated target, with its verdict. */
function renderTargets(): string {
  const lines: string[] = [];
  for (const table of tables) {
    for (const row of table.rows) {
      if (row.targetMax === undefined) continue;
      const { ratio, verdict } = ratioOf(table, row);
      lines.push(`  ${table.id}. ${row.variant} / ${row.ref}: ${ratio === undefined ? 'not measured' : `${ratio.toFixed(2)}x, ${verdict}`}`);
    }
  }
  return lines.length ? `== Targets ==\n${lines.join('\n')}\n` : '';
}

function tableJson(table: Table): unknown {
  return {
    title: table.title,
    notes: table.notes,
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

function main(): number {
  const started = new Date();
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  const resultsDir = path.join(REPO, 'bench', 'results');
  setLogDir(path.join(resultsDir, `${stamp}-logs`));
  const options = { quick: QUICK, only: ONLY ? [...ONLY] : undefined, coldRuns: COLD_RUNS, noChangeRuns: NO_CHANGE_RUNS, oneLineRuns: ONE_LINE_RUNS, depChanges: DEP_CHANGES, workspaceFunctions: WS_N };
  let env: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => { cleanup(); process.exit(130); });
  }
  try {
    loadDevEnv();
    state.work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-bench-'));
    progress(`work dir ${state.work}; logs in ${path.relative(REPO, path.join(resultsDir, `${stamp}-logs`))}; options ${JSON.stringify(options)}`);
    env = environment();
    for (const id of ORDER.filter(selected)) {
      progress(`scenario ${id}: ${SCENARIOS[id]}`);
      let table: Table;
      try {
        table = RUNNERS[id]();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        errors.push(`scenario ${id}: ${message}`);
        progress(`scenario ${id} FAILED: ${message}`);
        table = { id, title: SCENARIOS[id], rows: [], notes: [`FAILED: ${message}`] };
      }
      tables.push(table);
      process.stdout.write(renderTable(table) + '\n');
    }
    process.stdout.write(renderTargets());
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
    const results = {
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      loadavgAtEnd: os.loadavg(),
      options,
      environment: env,
      scenarios: Object.fromEntries(tables.map((t) => [t.id, { ...(tableJson(t) as object), raw: raw[t.id] }])),
      errors,
    };
    fs.mkdirSync(resultsDir, { recursive: true });
    const text = JSON.stringify(results, null, 2) + '\n';
    fs.writeFileSync(path.join(resultsDir, `${stamp}.json`), text);
    fs.writeFileSync(path.join(resultsDir, 'latest.json'), text);
    progress(`results: bench/results/${stamp}.json (and latest.json)`);
  }
  return errors.length ? 1 : 0;
}

process.exitCode = main();
