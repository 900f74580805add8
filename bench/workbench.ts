/**
 * The builds and fixtures several scenarios share, made on first use and kept for the rest of the
 * run: the library compiled to JS and the apps run as processes, the bare builds' registry volume,
 * clean Docker builds of greeter, the greeter app synthesized once, generated workspaces; and, as
 * `service`, the example service's (bench/service-workbench.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Bundling } from '../lib/bundling/bundling';
import { DevEnv } from './context';
import { GREETER, copyCrate } from './fixtures/crates';
import { AppConfig, FLOOR_APP, OURS_APP, PEER_APP } from './fixtures/function-apps';
import { ServiceAppName } from './fixtures/service-apps';
import { writeWorkspace } from './fixtures/workspace';
import { ServiceWorkbench } from './service-workbench';
import { BenchError, CargoWork, Timed, cargoWork, probe, progress, run, saveLog, tail, timeIt, timed } from './support';
import { TogetherCommand } from './together';

export const MUSL = 'x86_64-unknown-linux-musl';
export const GNU = 'x86_64-unknown-linux-gnu';

/** A clean Docker build of greeter: its crate copy and the bootstrap built from it. */
export interface ColdDockerBuild {
  readonly dir: string;
  readonly bootstrap: string;
}

/** A timed build of this process, with what cargo did and where its log is. */
export interface Measured {
  readonly seconds: number;
  readonly work: CargoWork;
  readonly logFile: string;
}

/** The one-function app on greeter, synthesized once. */
export interface OursApp {
  readonly greeterDir: string;
  readonly configFile: string;
  readonly configNoAlarm: string;
  readonly outdir: string;
}

/** The apps run as whole processes, each `<work>/<name>.js` (the service apps are written by `service.runApp`). */
export type AppName = 'ours' | 'floor' | 'peer' | ServiceAppName;

export class Workbench {
  /** Clean Docker builds of greeter (the cold-build scenario's, or made on demand by 6 and 7). */
  public readonly coldDocker: ColdDockerBuild[] = [];
  /** The bootstrap of the cold-build scenario's first local build. */
  public coldLocalBootstrap?: string;
  /** Greeter copies whose bare (docker run) target/ is warm (the cold-build scenario's). */
  public readonly bareWarm: string[] = [];
  /** The dependencies added to the greeter app's copy so far (the dependency-change scenario). */
  public readonly greeterDeps: string[] = [];
  /** The example service's builds (scenarios 13, 14 and 20). */
  public readonly service = new ServiceWorkbench(this);

  private volume = '';
  private volumeFilled = false;
  private hostFetched = false;
  private dist = '';
  private oursApp?: OursApp;
  private bareGreeter?: string;
  private readonly wsTemplates = new Map<number, string>();
  private copySeq = 0;
  private configSeq = 0;
  /** Images this run made, removed at cleanup; and whether it started containers (named `containerPrefix`...). */
  private readonly madeImages: string[] = [];
  private startedContainers = false;

  constructor(
    private readonly repo: string,
    /** The temporary work directory of this run. */
    public readonly work: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly dev: DevEnv | undefined,
  ) {}

  private get docker(): DevEnv {
    if (!this.dev) throw new BenchError('this scenario needs the development environment (scripts/dev-env.sh up), which was not loaded');
    return this.dev;
  }

  // ----------------------------------------------------------------------------------------------
  // The library compiled to JS, and the apps run as whole processes

  /** The library compiled to plain JS in the work dir (`<dist>/lib`, `<dist>/bin`), for the apps run as processes. */
  public ensureDist(): string {
    if (this.dist) return this.dist;
    const out = path.join(this.work, 'dist');
    progress('compiling the library (tsc) for the apps');
    // tsc emits even when some file has type errors (work in progress elsewhere in lib/): only a missing
    // output is fatal.
    const tsc = timed(
      'tsc',
      process.execPath,
      [
        path.join(this.repo, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        path.join(this.repo, 'tsconfig.json'),
        '--outDir',
        out,
        '--sourceMap',
        'false',
        '--declaration',
        'false',
      ],
      { allowFailure: true },
    );
    if (!fs.existsSync(path.join(out, 'lib', 'index.js'))) throw new BenchError(`tsc produced no lib/index.js:\n${tail(tsc.log, 20)}`);
    if (tsc.status !== 0) progress(`tsc reported errors (emitted anyway; see ${tsc.logFile})`);
    for (const [name, text] of [
      ['ours.js', OURS_APP],
      ['floor.js', FLOOR_APP],
      ['peer.js', PEER_APP],
    ]) {
      fs.writeFileSync(path.join(this.work, name), text);
    }
    this.dist = out;
    return out;
  }

  /** The environment of the apps: this repo's node_modules on NODE_PATH, the compiled library as BENCH_DIST. */
  public appEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      ...this.env,
      NODE_PATH: path.join(this.repo, 'node_modules'),
      BENCH_DIST: path.join(this.ensureDist(), 'lib'),
      ...extra,
    };
  }

  /** Writes an app's config to a new file of the work dir. */
  public writeConfig(config: AppConfig): string {
    return this.writeJson('app-config', config);
  }

  /** Writes `config` to a new file of the work dir, `<prefix>-<n>.json`. */
  public writeJson(prefix: string, config: object): string {
    const file = path.join(this.work, `${prefix}-${++this.configSeq}.json`);
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
    return file;
  }

  /** Runs one of the apps (`ours.js`, `floor.js`, `peer.js`, or a service app) as a whole process, timed. */
  public runApp(name: string, app: AppName, configFile: string, env?: NodeJS.ProcessEnv): Timed {
    const c = this.appCommand(name, app, configFile, env);
    return timed(name, c.command, c.args, { env: c.env, cwd: c.cwd });
  }

  /** The command {@link runApp} runs, for starting several apps at once (bench/together.ts). */
  public appCommand(name: string, app: AppName, configFile: string, env?: NodeJS.ProcessEnv): TogetherCommand {
    this.ensureDist();
    return {
      name,
      command: process.execPath,
      args: [path.join(this.work, `${app}.js`), configFile],
      env: env ?? this.appEnv(),
      cwd: this.work,
    };
  }

  // ----------------------------------------------------------------------------------------------
  // Bare cargo builds (the limit)

  /** A named volume for the bare builds' registry, filled once with `cargo fetch`. */
  public ensureVolume(): string {
    const { docker } = this.docker;
    if (!this.volume) {
      this.volume = `cdk-rust-bench-registry-${process.pid}`;
      run(docker, ['volume', 'create', this.volume]);
    }
    if (!this.volumeFilled) {
      progress(`filling the registry volume ${this.volume} (cargo fetch in the builder image)`);
      const dir = copyCrate(GREETER, path.join(this.work, 'fetch', 'greeter'));
      this.fetchIntoVolume('bare-volume-fetch', dir);
      this.volumeFilled = true;
    }
    return this.volume;
  }

  /** `cargo fetch` of the crate at `dir` into the registry volume, timed as `name` (the volume must exist). */
  public fetchIntoVolume(name: string, dir: string): Timed {
    return timed(name, this.docker.docker, this.dockerRunArgs(dir, ['cargo', 'fetch', '--locked']));
  }

  private dockerRunArgs(dir: string, command: string[]): string[] {
    return [
      'run',
      '--rm',
      '--network',
      'host',
      '-v',
      `${this.volume}:/usr/local/cargo/registry`,
      '-v',
      `${dir}:/src`,
      '-w',
      '/src',
      this.docker.image,
      ...command,
    ];
  }

  /** The limit: the same cargo build in the same image (Cargo profile `profile`), with no cdk-rust around it. */
  public bareDockerBuild(name: string, dir: string, extra: string[] = [], profile = 'release'): Timed {
    this.ensureVolume();
    const cargo = ['cargo', 'build', ...(profile === 'release' ? ['--release'] : ['--profile', profile]), '--locked'];
    return timed(name, this.docker.docker, this.dockerRunArgs(dir, [...cargo, '--target', MUSL, ...extra]));
  }

  /** The host registry holds greeter's dependencies (for the local builds), fetched once untimed. */
  public ensureHostFetch(): void {
    if (this.hostFetched) return;
    progress('cargo fetch on the host (untimed)');
    const dir = copyCrate(GREETER, path.join(this.work, 'host-fetch', 'greeter'));
    run('cargo', ['fetch', '--locked', '--manifest-path', path.join(dir, 'Cargo.toml')]);
    this.hostFetched = true;
  }

  // ----------------------------------------------------------------------------------------------
  // Greeter copies and builds

  /** A new directory path of the work dir, `<n>-<label>` (numbered in the order of making). */
  public nextWorkDir(label: string): string {
    return path.join(this.work, `${String(++this.copySeq).padStart(2, '0')}-${label}`);
  }

  /** A fresh copy of greeter at a new path of the work dir (so: cold target caches). */
  public freshGreeter(label: string): string {
    return copyCrate(GREETER, path.join(this.nextWorkDir(label), 'greeter'));
  }

  /** cdk-rust's Docker build of a fresh copy of greeter (`Bundling.prepare` + `Bundling.build`), in this process. */
  public oursDockerCold(label: string): Measured & ColdDockerBuild {
    const dir = this.freshGreeter(label);
    const out = path.join(path.dirname(dir), 'asset');
    progress(`${label}: cdk-rust Docker build of a fresh greeter copy`);
    const { seconds, result } = timeIt(() => Bundling.build(Bundling.prepare({ manifestPath: path.join(dir, 'Cargo.toml') }), out));
    const logFile = saveLog(label, result.log);
    const build = { dir, bootstrap: result.bootstrap };
    this.coldDocker.push(build);
    return { ...build, seconds, work: cargoWork(result.log), logFile };
  }

  /** At least `n` clean Docker builds of greeter (made now when the cold-build scenario did not run). */
  public ensureColdDocker(n: number): ColdDockerBuild[] {
    while (this.coldDocker.length < n) this.oursDockerCold(`ours-docker-cold-extra-${this.coldDocker.length + 1}`);
    return this.coldDocker.slice(0, n);
  }

  /**
   * The one-function app on greeter, synthesized once (untimed). It reuses a greeter copy of scenario
   * 1 when there is one, whose target cache is warm, so that this first synth is short.
   */
  public ensureOursApp(): OursApp {
    if (this.oursApp) return this.oursApp;
    // A clean build made here is one more sample for scenarios 6 and 7, and leaves a warm target cache.
    const reused = this.coldDocker[0] ?? this.ensureColdDocker(1)[0];
    const greeterDir = reused.dir;
    const outdir = path.join(this.work, 'ours-app.out');
    const functions = [{ id: 'Greeter', manifestPath: path.join(greeterDir, 'Cargo.toml') }];
    const configFile = this.writeConfig({ outdir, functions });
    const configNoAlarm = this.writeConfig({ outdir, functions, errorRateAlarm: false });
    progress('first synth of the greeter app (untimed; its target cache is warm)');
    this.runApp('ours-app-first-synth', 'ours', configFile);
    this.oursApp = { greeterDir, configFile, configNoAlarm, outdir };
    return this.oursApp;
  }

  /** A greeter copy whose bare (docker run) target/ is warm. */
  public ensureBareGreeter(): string {
    if (this.bareGreeter) return this.bareGreeter;
    let dir = this.bareWarm[0];
    if (!dir) {
      dir = this.freshGreeter('bare-incremental');
      progress('first bare build of greeter for the incremental scenarios (untimed, cold)');
      this.bareDockerBuild('bare-first-build', dir);
    }
    this.bareGreeter = dir;
    return dir;
  }

  // ----------------------------------------------------------------------------------------------
  // Containers and images this run made (removed at cleanup)

  /** The prefix of the names of this run's containers: cleanup removes any still there. */
  public containerPrefix(): string {
    this.startedContainers = true;
    return `cdk-rust-bench-${process.pid}-`;
  }

  /** Removes `image` at cleanup (an image this run made, e.g. loaded or built). */
  public removeAtCleanup(image: string): void {
    if (!this.madeImages.includes(image)) this.madeImages.push(image);
  }

  // ----------------------------------------------------------------------------------------------
  // Generated workspaces

  /** A generated workspace of n functions with a complete Cargo.lock. */
  private ensureWorkspaceTemplate(n: number): string {
    const existing = this.wsTemplates.get(n);
    if (existing) return existing;
    this.ensureHostFetch();
    const dir = path.join(this.work, `ws${n}-template`);
    const names = writeWorkspace(dir, n);
    // Completes the lock with the workspace's packages, keeping every registry version of greeter's lock.
    run('cargo', ['metadata', '--format-version', '1', '--offline', '--manifest-path', path.join(dir, 'Cargo.toml')]);
    const lock = fs.readFileSync(path.join(dir, 'Cargo.lock'), 'utf-8');
    for (const name of [...names, 'shared']) {
      if (!lock.includes(`name = "${name}"`)) throw new BenchError(`${dir}/Cargo.lock lacks ${name}`);
    }
    this.wsTemplates.set(n, dir);
    return dir;
  }

  /** A fresh copy of the generated workspace of n functions. */
  public copyWorkspace(n: number, label: string): string {
    return copyCrate(this.ensureWorkspaceTemplate(n), path.join(this.nextWorkDir(label), 'ws'));
  }

  // ----------------------------------------------------------------------------------------------

  /** Removes the registry volume (the driver removes the work dir). */
  public cleanup(): void {
    if (this.volume && this.dev) {
      probe(this.dev.docker, ['volume', 'rm', '-f', this.volume]);
      this.volume = '';
    }
    if (this.dev && this.startedContainers) {
      const left = probe(this.dev.docker, ['ps', '-aq', '--filter', `name=^cdk-rust-bench-${process.pid}-`]);
      if (left) probe(this.dev.docker, ['rm', '-f', ...left.split(/\s+/)]);
      this.startedContainers = false;
    }
    if (this.dev && this.madeImages.length) {
      probe(this.dev.docker, ['image', 'rm', ...this.madeImages.splice(0)]);
    }
  }

  /** The registry volume's name, when one was made. */
  public get volumeName(): string | undefined {
    return this.volume || undefined;
  }
}
