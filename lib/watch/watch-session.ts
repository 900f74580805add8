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
 *
 * This file holds the session (its functions, its one-at-a-time build queue, the builds shared between functions of
 * one crate, the watch on the manifest); each function's rebuild loop is in watched-function.ts, its HTTP front in
 * function-url-server.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BuildCommand } from './build-command';
import { BuildOutcome } from './build-runner';
import { WatchedFunction } from './watched-function';

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
  /**
   * The Cargo profile rebuilds use instead of the recorded (deployed) one, e.g. `dev` (see lib/cli/loop-profile.ts).
   * @default - the recorded profile: exactly the deployed build
   */
  readonly profile?: string;
  /**
   * How many requests each function's process runs at once, over the template's (see LocalFunctionOptions'
   * `concurrency`). @default - the template's: its Managed Instances concurrency, else 1
   */
  readonly concurrency?: number;
  /**
   * Print the functions' logs exactly as they wrote them, rather than with JSON log lines made readable (see
   * LocalFunctionOptions' `rawLogs`). @default false
   */
  readonly rawLogs?: boolean;
}

/** A function being served. */
export interface WatchedFunctionInfo {
  /** Its construct path (or Stack/LogicalId). */
  readonly name: string;
  /** Where it answers, e.g. `http://127.0.0.1:9000/`. */
  readonly url: string;
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
  private readonly fetched = new Set<string>();
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
    if (outcome.ok && outcome.dependencyKey !== undefined) this.fetched.add(outcome.dependencyKey);
  }

  /**
   * The dependency keys of the session's successful builds (dependency-key.ts): a build whose key is one of them
   * skips its check and fetch runs.
   */
  public get fetchedDependencies(): string[] {
    return [...this.fetched];
  }

  /** True once {@link close} was called. */
  public get isClosed(): boolean {
    return this.closed;
  }
}
