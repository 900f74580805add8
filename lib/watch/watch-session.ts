/**
 * `cdk-rust watch`, as a class: serves functions of a synthesized app on local HTTP ports as function
 * URLs do, and rebuilds each one through the same hash and build as synth when its sources change.
 *
 * - A change to a file a build reads prepares the build again; the asset hash decides: the same hash
 *   builds nothing, a new one builds in a process of its own (one build at a time, for every function of
 *   the session) while the previous build keeps answering requests.
 * - A finished build replaces the served one: its process starts with the template's settings, and the
 *   previous process stops once its requests are answered. A failed build leaves the previous one serving.
 * - A new synth (the assembly's manifest.json changes) reloads each function's settings from the
 *   template, restarting its process when its environment, memory, timeout, ... changed.
 */
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { Bundling, PreparedBuild } from '../bundling/bundling';
import { CdkRustError } from '../errors';
import { AssemblyFunction, findAssemblyFunction } from '../invoke/assembly';
import { readLimited } from '../invoke/http-exchange';
import { assemblySettings } from '../invoke/invoke-locally';
import { LocalFunction } from '../invoke/local-function';
import { LocalFunctionOptions } from '../invoke/local-function-options';
import { MAX_PAYLOAD_BYTES } from '../invoke/payload';
import { resolveRegion } from '../invoke/region';
import { progress, warn } from '../private/progress';
import { readAll } from '../private/read-all';
import { shortHash } from '../private/short-hash';
import { BuildCommand, selfBuildCommand } from './build-command';
import { BuildOutcome, bundlingPropsOf, RunningBuild, startBuild } from './build-runner';
import { BuildRecord, readBuildRecord } from './build-record';
import { functionUrlEvent, json, urlResponse } from './function-url-event';
import { rebuildDecision } from './rebuild-decision';
import { SourceWatcher, watchedDirectories } from './source-watcher';
import { relayStream, respond } from './url-response-writer';
import { guardWatchRequests } from './watch-request-guard';

/** How often the assembly's manifest is checked for a new synth. */
const MANIFEST_POLL_MS = 500;

/** What {@link WatchSession.start} takes. */
export interface WatchSessionOptions {
  /** The cloud assembly directory (what `cdk synth` wrote). */
  readonly assemblyDir: string;
  /** The functions to serve: construct paths or logical ids, as `cdk-rust invoke` takes them. */
  readonly functions: readonly string[];
  /** The port of the first function; the next ones take the next ports. 0 picks free ports. @default 0 */
  readonly port?: number;
  /** Environment variables for every function, over the template's. @default - none */
  readonly environment?: Record<string, string>;
  /**
   * Whether this process's AWS credentials (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`) are
   * passed to the functions. @default false
   */
  readonly passCredentials?: boolean;
  /** What runs a build. @default - this CLI's `__watch-build` */
  readonly buildCommand?: BuildCommand;
}

/** A function being served. */
export interface WatchedFunctionInfo {
  /** Its construct path (or Stack/LogicalId). */
  readonly name: string;
  /** Where it answers, e.g. `http://127.0.0.1:9000/`. */
  readonly url: string;
}

/** The build a function serves. */
interface Served {
  readonly fn: LocalFunction;
  readonly hash: string;
  readonly codeDirectory: string;
  /** The directory is the session's (a watch build), not the assembly's: removed once unused. */
  readonly owned: boolean;
  inflight: number;
  retired: boolean;
}

/** Serves and rebuilds functions of a cloud assembly. Call {@link close} when done. */
export class WatchSession {
  /** The functions served, in the order given. */
  public readonly functions: WatchedFunctionInfo[] = [];
  /** The session's own directory: builds go below it; removed by {@link close}. */
  public readonly workDirectory: string;
  private readonly options: WatchSessionOptions;
  private readonly watched: WatchedFunction[] = [];
  private buildQueue: Promise<unknown> = Promise.resolve();
  /** How each hash built in this session went (a build's directory may have been removed since). */
  private readonly outcomes = new Map<string, BuildOutcome>();
  private manifestFile: string;
  private closed = false;

  /** A session that serves nothing until {@link start}. */
  constructor(options: WatchSessionOptions) {
    this.options = options;
    this.manifestFile = path.join(options.assemblyDir, 'manifest.json');
    this.workDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-watch-'));
  }

  /** Stops everything: servers, watchers, builds under way, function processes; removes the work directory. */
  public async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    fs.unwatchFile(this.manifestFile);
    await Promise.all(this.watched.map((w) => w.close()));
    fs.rmSync(this.workDirectory, { recursive: true, force: true });
  }

  /** Runs `build` after the builds queued before it: one build at a time, whatever the function. */
  public serializeBuild<T>(build: () => Promise<T>): Promise<T> {
    const result = this.buildQueue.then(build, build);
    this.buildQueue = result.catch(() => undefined);
    return result;
  }

  /**
   * Starts serving `options.functions` (building those whose synthesized build is not their sources' build).
   * Fails, having stopped what it started, when one is not a RustFunction of the assembly or a port is taken.
   * {@link close} may be called at any time, during the first builds too.
   */
  public async start(): Promise<void> {
    try {
      const firstPort = this.options.port ?? 0;
      for (const [index, selector] of this.options.functions.entries()) {
        if (this.closed) return;
        const watched = new WatchedFunction(this, this.options, selector, index);
        this.watched.push(watched);
        const url = await watched.listen(firstPort === 0 ? 0 : firstPort + index);
        this.functions.push({ name: watched.name, url });
      }
      for (const w of this.watched) {
        if (this.closed) return;
        await w.serveFirstBuild();
      }
    } catch (error) {
      await this.close();
      throw error;
    }
    if (this.closed) return;
    fs.watchFile(this.manifestFile, { interval: MANIFEST_POLL_MS }, (now, before) => {
      if (now.mtimeMs !== before.mtimeMs && now.size > 0) for (const w of this.watched) void w.reloadDefinition();
    });
  }

  /**
   * What another function of the session got building `hash` (the same binary: functions of one crate): its
   * build, copied into `outputDir`, or its failure; undefined when `hash` is to be built.
   */
  public earlierBuild(hash: string, outputDir: string): BuildOutcome | undefined {
    const earlier = this.outcomes.get(hash);
    if (earlier === undefined || !earlier.ok) return earlier;
    if (!fs.existsSync(earlier.bootstrap)) return undefined;
    fs.cpSync(path.dirname(earlier.bootstrap), outputDir, { recursive: true });
    return { ok: true, assetHash: hash, bootstrap: path.join(outputDir, path.basename(earlier.bootstrap)) };
  }

  /** Notes how building `hash` went. */
  public recordOutcome(hash: string, outcome: BuildOutcome): void {
    this.outcomes.set(hash, outcome);
  }

  /** True once {@link close} was called. */
  public get isClosed(): boolean {
    return this.closed;
  }
}

/** One function of a session: its HTTP server, its sources' watcher, its builds and the build it serves. */
class WatchedFunction {
  public readonly name: string;
  private definition: AssemblyFunction;
  private record: BuildRecord;
  private readonly server: http.Server;
  private readonly sources: SourceWatcher;
  private serving?: Served;
  private building?: { hash: string; run?: RunningBuild };
  private failed?: string;
  private dirty = false;
  private readonly urlId: string;

  constructor(
    private readonly session: WatchSession,
    private readonly options: WatchSessionOptions,
    private readonly selector: string,
    private readonly index: number,
  ) {
    this.definition = findAssemblyFunction(options.assemblyDir, selector);
    this.name = this.definition.constructPath ?? `${this.definition.stackName}/${this.definition.logicalId}`;
    this.record = readBuildRecord(options.assemblyDir, this.definition);
    this.urlId = shortHash(`${this.definition.stackName}/${this.definition.logicalId}`, 32);
    this.warnUnresolved();
    this.sources = new SourceWatcher(() => this.check());
    // A request without a Host header is refused by the guard, as one for another host is.
    this.server = http.createServer(
      { requireHostHeader: false },
      guardWatchRequests((req, res) => this.handle(req, res)),
    );
  }

  /** Listens on 127.0.0.1:`port`; returns the URL. */
  public listen(port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new CdkRustError(
            'CLI_USAGE',
            `cannot serve ${this.name} on 127.0.0.1:${port}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : error.message}.`,
            'pick other ports with --port N (the functions take N, N+1, ...), or --port 0 for free ones.',
          ),
        ),
      );
      this.server.listen(port, '127.0.0.1', () => {
        const url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
        progress(`${this.name}: ${url}`);
        resolve(url);
      });
    });
  }

  /** Serves the assembly's own build when it is the sources' build; builds first otherwise. */
  public async serveFirstBuild(): Promise<void> {
    const prepared = Bundling.prepare(bundlingPropsOf(this.record));
    this.sources.watch(watchedDirectories(prepared));
    const code = this.definition.codeDirectory;
    if (code && this.record.assetHash === prepared.assetHash && fs.existsSync(path.join(code, 'bootstrap'))) {
      progress(`${this.name}: serving the synthesized build (${prepared.assetHash.slice(0, 12)})`);
      await this.swapTo(code, prepared.assetHash, false);
    } else {
      progress(`${this.name}: the sources changed since the last synth; building`);
      await this.build(prepared.assetHash);
    }
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
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
    await building?.run?.outcome;
    const served = this.serving;
    this.serving = undefined;
    await served?.fn.close();
  }

  private prepare(): PreparedBuild | undefined {
    try {
      return Bundling.prepare(bundlingPropsOf(this.record));
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
      const run = startBuild(this.options.buildCommand ?? selfBuildCommand(), { record: this.record, outputDir });
      this.building.run = run;
      return run.outcome;
    });
    if (outcome) this.session.recordOutcome(outcome.ok ? outcome.assetHash : hash, outcome);
    this.building = undefined;
    if (this.session.isClosed || !outcome) return;
    if (outcome.ok) {
      this.failed = undefined;
      progress(`${this.name}: built ${outcome.assetHash.slice(0, 12)} in ${((Date.now() - started) / 1000).toFixed(1)} s; serving it`);
      await this.swapTo(outputDir, outcome.assetHash, true);
    } else {
      this.failed = hash;
      warn(`${this.name}: the build failed${this.serving ? `; still serving ${this.serving.hash.slice(0, 12)}` : ''}: ${outcome.message}`);
    }
    if (this.dirty) {
      this.dirty = false;
      this.check();
    }
  }

  /** Serves the build in `codeDirectory`: starts its process, then retires the one served before. */
  private async swapTo(codeDirectory: string, hash: string, owned: boolean): Promise<void> {
    const fn = new LocalFunction(localOptions(this.definition, codeDirectory, this.options));
    try {
      await fn.start();
    } catch (error) {
      // Served anyway: requests report the init error, as Lambda would.
      warn(`${this.name}: ${(error as Error).message}`);
    }
    if (this.session.isClosed) {
      await fn.close();
      return;
    }
    const previous = this.serving;
    this.serving = { fn, hash, codeDirectory, owned, inflight: 0, retired: false };
    if (previous) {
      previous.retired = true;
      if (previous.inflight === 0) await this.retire(previous);
    }
  }

  private async retire(served: Served): Promise<void> {
    await served.fn.close();
    if (served.owned && this.serving?.codeDirectory !== served.codeDirectory) {
      fs.rmSync(served.codeDirectory, { recursive: true, force: true });
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    readLimited(req, MAX_PAYLOAD_BYTES, (body) => {
      void this.answer(req, res, body).catch((error) => {
        if (!res.headersSent) respond(res, json(500, { message: `cdk-rust watch: ${(error as Error).message}` }));
        else res.destroy();
      });
    });
  }

  /**
   * Answers one request with the function's response, from the build served when the request came: relayed chunk
   * by chunk as it arrives when the function streams it (`RESPONSE_STREAM`), else mapped from the whole payload.
   */
  private async answer(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer | undefined): Promise<void> {
    if (body === undefined) return respond(res, json(413, { message: 'Request Entity Too Large' }));
    const served = this.serving;
    if (!served) {
      return respond(
        res,
        json(503, { message: `${this.name} has no build to serve yet${this.building ? ': the first build is under way' : ''}` }),
      );
    }
    served.inflight += 1;
    try {
      const event = functionUrlEvent(
        {
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          headers: req.headersDistinct,
          body,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          protocol: `HTTP/${req.httpVersion}`,
        },
        { requestId: randomUUID(), urlId: this.urlId, region: resolveRegion(this.definition.region), time: new Date() },
      );
      const build = { 'x-cdk-rust-build': served.hash.slice(0, 12) };
      const invocation = served.fn.invokeJsonStream(JSON.stringify(event));
      const head = await invocation.head;
      if (head?.streamed) {
        await relayStream(res, invocation, head, build);
        const result = await invocation.result;
        if (!result.ok)
          warn(`${this.name}: the streamed response failed after it started: ${result.error.errorType}: ${result.error.errorMessage}`);
        return;
      }
      const payload = await readAll(invocation.body);
      const result = await invocation.result;
      const response = urlResponse(result.ok ? { ...result, payloadText: payload.toString('utf-8') } : result);
      respond(res, { ...response, headers: { ...response.headers, ...build } });
    } catch (error) {
      if (error instanceof CdkRustError && error.code === 'INVALID_EVENT') return respond(res, json(413, { message: error.message }));
      throw error;
    } finally {
      served.inflight -= 1;
      if (served.retired && served.inflight === 0) await this.retire(served);
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
  };
}
