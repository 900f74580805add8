/**
 * One function of a `cdk-rust watch` session, and its rebuild loop: a change to its sources prepares its build again;
 * a new asset hash builds (one build at a time for the session) while the previous build keeps serving; a finished
 * build replaces the served one, whose process stops once its requests are answered; a failed build leaves the
 * previous one serving; a new synth reloads its settings. Its HTTP front is function-url-server.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Bundling, PreparedBuild } from '../bundling/bundling';
import { AssemblyFunction, findAssemblyFunction } from '../invoke/assembly';
import { assemblySettings } from '../invoke/invoke-locally';
import { LocalFunction } from '../invoke/local-function';
import { LocalFunctionOptions } from '../invoke/local-function-options';
import { resolveRegion } from '../invoke/region';
import { progress, warn } from '../private/progress';
import { shortHash } from '../private/short-hash';
import { selfBuildCommand } from './build-command';
import { bundlingPropsOf, RunningBuild, startBuild } from './build-runner';
import { BuildRecord, readBuildRecord } from './build-record';
import { FunctionUrlServer } from './function-url-server';
import { rebuildDecision } from './rebuild-decision';
import { ServedBuild } from './served-build';
import { SourceWatcher, watchedDirectories } from './source-watcher';
import type { WatchSession, WatchSessionOptions } from './watch-session';

/** One function of a session: its HTTP front, its sources' watcher, its builds and the build it serves. */
export class WatchedFunction {
  public readonly name: string;
  private definition: AssemblyFunction;
  private record: BuildRecord;
  private readonly front: FunctionUrlServer;
  private readonly sources: SourceWatcher;
  private serving?: ServedBuild;
  private building?: { hash: string; run?: RunningBuild };
  private failed?: string;
  private dirty = false;

  constructor(
    private readonly session: WatchSession,
    private readonly options: WatchSessionOptions,
    private readonly selector: string,
    private readonly index: number,
  ) {
    this.definition = findAssemblyFunction(options.assemblyDir, selector);
    this.name = this.definition.constructPath ?? `${this.definition.stackName}/${this.definition.logicalId}`;
    this.record = readBuildRecord(options.assemblyDir, this.definition);
    this.warnUnresolved();
    this.sources = new SourceWatcher(() => this.check());
    this.front = new FunctionUrlServer({
      name: this.name,
      urlId: shortHash(`${this.definition.stackName}/${this.definition.logicalId}`, 32),
      serving: () => this.serving,
      building: () => this.building !== undefined,
      region: () => resolveRegion(this.definition.region),
      answered: async (served) => {
        if (served.retired && served.inflight === 0) await this.retire(served);
      },
    });
  }

  /** Listens on 127.0.0.1:`port`; returns the URL. */
  public listen(port: number): Promise<string> {
    return this.front.listen(port);
  }

  /**
   * Serves the assembly's own build when it is the sources' build; builds first otherwise. With a loop profile
   * (`dev`), the synthesized build serves while the loop profile's first build runs, so that the first edit
   * compiles incrementally.
   */
  public async serveFirstBuild(): Promise<void> {
    const synthesized = Bundling.prepare(bundlingPropsOf(this.record));
    const code = this.definition.codeDirectory;
    if (code && this.record.assetHash === synthesized.assetHash && fs.existsSync(path.join(code, 'bootstrap'))) {
      if (!(await this.swapTo(code, synthesized.assetHash, false))) return;
      progress(`${this.name}: serving the synthesized build (${synthesized.assetHash.slice(0, 12)})`);
      this.sources.watch(watchedDirectories(synthesized));
      const loop = this.options.profile === undefined ? undefined : this.prepare();
      if (loop && loop.assetHash !== synthesized.assetHash) {
        progress(`${this.name}: building the ${this.options.profile} profile for the edit loop (--release rebuilds what is deployed)`);
        this.sources.watch(watchedDirectories(loop));
        void this.build(loop.assetHash);
      }
      return;
    }
    progress(
      this.definition.image && !code
        ? `${this.name}: an image function (packaging: IMAGE); watch builds its binary and serves it on this machine, not from the image (cdk-rust invoke runs the image)`
        : `${this.name}: the sources changed since the last synth; building`,
    );
    const prepared = this.prepare();
    if (!prepared) return;
    this.sources.watch(watchedDirectories(prepared));
    await this.build(prepared.assetHash);
  }

  /** After a change of the sources: prepares the build again, and builds when its hash is new. */
  public check(): void {
    if (this.session.isClosed) return;
    const prepared = this.prepare();
    if (!prepared) return;
    this.sources.watch(watchedDirectories(prepared));
    const decision = rebuildDecision(
      { serving: this.serving?.hash, building: this.building?.hash, failed: this.failed },
      prepared.assetHash,
    );
    if (decision === 'busy') this.dirty = true;
    else if (decision === 'unchanged')
      progress(`${this.name}: no change to what the build reads (${prepared.assetHash.slice(0, 12)}); not rebuilding`);
    else if (decision === 'build') void this.build(prepared.assetHash);
  }

  /** After a new synth: takes the template's settings (restarting the process when they changed) and the build record. */
  public async reloadDefinition(): Promise<void> {
    if (this.session.isClosed) return;
    let definition: AssemblyFunction;
    let record: BuildRecord;
    try {
      definition = findAssemblyFunction(this.options.assemblyDir, this.selector);
      record = readBuildRecord(this.options.assemblyDir, definition);
    } catch (error) {
      warn(`${this.name}: cannot read the new synth (${(error as Error).message}); keeping the previous settings`);
      return;
    }
    const settingsChanged = JSON.stringify(assemblySettings(definition)) !== JSON.stringify(assemblySettings(this.definition));
    // The recorded hash follows every edit that was synthesized; only the build's settings matter here.
    const recordChanged = JSON.stringify({ ...record, assetHash: '' }) !== JSON.stringify({ ...this.record, assetHash: '' });
    this.definition = definition;
    this.record = record;
    if (settingsChanged) {
      this.warnUnresolved();
      const served = this.serving;
      if (served) {
        progress(`${this.name}: the template's settings changed; restarting the function`);
        await this.swapTo(served.codeDirectory, served.hash, served.owned);
      }
    }
    if (recordChanged) this.check();
  }

  public async close(): Promise<void> {
    this.sources.close();
    const building = this.building;
    building?.run?.cancel();
    await this.front.close();
    await building?.run?.outcome;
    const served = this.serving;
    this.serving = undefined;
    await served?.fn.close();
  }

  private prepare(): PreparedBuild | undefined {
    try {
      return Bundling.prepare(bundlingPropsOf(this.record, this.options.profile));
    } catch (error) {
      warn(`${this.name}: ${(error as Error).message}`);
      return undefined;
    }
  }

  private async build(hash: string): Promise<void> {
    this.building = { hash };
    const outputDir = path.join(this.session.workDirectory, `${this.index}-${hash.slice(0, 16)}`);
    const started = Date.now();
    const outcome = await this.session.serializeBuild(async () => {
      if (this.session.isClosed || !this.building) return undefined;
      const earlier = this.session.earlierBuild(hash, outputDir);
      if (earlier) {
        progress(
          `${this.name}: ${hash.slice(0, 12)} was built for another function of this session: ${earlier.ok ? 'reusing it' : 'it failed'}`,
        );
        return earlier;
      }
      progress(`${this.name}: building ${hash.slice(0, 12)}${this.serving ? ` (still serving ${this.serving.hash.slice(0, 12)})` : ''}`);
      const job = { record: this.record, profile: this.options.profile, outputDir, fetchedDependencies: this.session.fetchedDependencies };
      const run = startBuild(this.options.buildCommand ?? selfBuildCommand(), job);
      this.building.run = run;
      return run.outcome;
    });
    if (outcome) this.session.recordOutcome(outcome.ok ? outcome.assetHash : hash, outcome);
    this.building = undefined;
    if (this.session.isClosed || !outcome) return;
    if (outcome.ok) {
      this.failed = undefined;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      // Said once the new build answers requests: a request sent on reading it gets the new build.
      if (await this.swapTo(outputDir, outcome.assetHash, true))
        progress(`${this.name}: built ${outcome.assetHash.slice(0, 12)} in ${seconds} s; serving it`);
    } else {
      this.failed = hash;
      warn(`${this.name}: the build failed${this.serving ? `; still serving ${this.serving.hash.slice(0, 12)}` : ''}: ${outcome.message}`);
    }
    if (this.dirty) {
      this.dirty = false;
      this.check();
    }
  }

  /**
   * Serves the build in `codeDirectory`: starts its process, then retires the one served before. False when the
   * session closed meanwhile (nothing is served).
   */
  private async swapTo(codeDirectory: string, hash: string, owned: boolean): Promise<boolean> {
    const fn = new LocalFunction(localOptions(this.definition, codeDirectory, this.options));
    try {
      await fn.start();
    } catch (error) {
      // Served anyway: requests report the init error, as Lambda would.
      warn(`${this.name}: ${(error as Error).message}`);
    }
    if (this.session.isClosed) {
      await fn.close();
      return false;
    }
    const previous = this.serving;
    this.serving = { fn, hash, codeDirectory, owned, inflight: 0, retired: false };
    if (previous) {
      previous.retired = true;
      if (previous.inflight === 0) await this.retire(previous);
    }
    return true;
  }

  private async retire(served: ServedBuild): Promise<void> {
    await served.fn.close();
    if (served.owned && this.serving?.codeDirectory !== served.codeDirectory) {
      fs.rmSync(served.codeDirectory, { recursive: true, force: true });
    }
  }

  private warnUnresolved(): void {
    for (const variable of this.definition.unresolvedVariables) {
      if (this.options.environment?.[variable] === undefined) {
        warn(
          `${this.name}: environment variable ${variable} is left out: it only resolves when deployed (give it with --env ${variable}=...)`,
        );
      }
    }
  }
}

function localOptions(definition: AssemblyFunction, code: string, options: WatchSessionOptions): LocalFunctionOptions {
  const settings = assemblySettings(definition);
  return {
    ...settings,
    code,
    environment: { ...settings.environment, ...options.environment },
    passCredentials: options.passCredentials ?? false,
    concurrency: options.concurrency ?? settings.concurrency,
    rawLogs: options.rawLogs ?? false,
  };
}
