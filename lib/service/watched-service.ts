/**
 * `cdk-rust run --watch`, as a class: one service of a synthesized app, run as `cdk-rust run` runs it, behind one
 * address for the whole session (service-front.ts), and rebuilt through the same hash and build as synth when its
 * sources change.
 *
 * - It first serves the synthesized image when that is still the sources' image, and builds first otherwise.
 * - A change to a file the image's build reads (the same directories as a function's, source-watcher.ts) prepares the
 *   image again with the loop's profile; the image hash decides (rebuild-decision.ts): the same hash builds nothing,
 *   a new one builds in a process of its own (image-build-child.ts) while the old container keeps serving.
 * - A built image is loaded and started beside the old container; once it answers the health-check path, new
 *   connections go to it and the old container is stopped as ECS stops a task (SIGTERM, then SIGKILL after the
 *   task's stop timeout). A failed build, or a container that never becomes healthy (stopped, with its last log
 *   lines), leaves the old one serving.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { progress, warn } from '../private/progress';
import { BuildCommand } from '../watch/build-command';
import { RunningBuild, startBuild } from '../watch/build-runner';
import { rebuildDecision } from '../watch/rebuild-decision';
import { SourceWatcher, watchedDirectories } from '../watch/source-watcher';
import { AssemblyService } from './assembly-service';
import { ImageBuildJob, ImageBuildOutcome } from './image-build-child';
import { selfImageBuildCommand } from './image-build-command';
import { PreparedImage, prepareRecordedImage } from './recorded-image-build';
import { RunServiceOptions, RunningService, runServiceLocally } from './run-service';
import { ServiceFront } from './service-front';
import { ServiceImageRecord } from './service-image-record';

/** What the names of the containers of `run --watch` start with: `docker ps` tells them from plain runs'. */
export const CONTAINER_NAME_PREFIX = 'cdk-rust-watch';

/** What a {@link WatchedService} takes. */
export interface ServiceWatchOptions {
  /** The service, as the cloud assembly describes it. */
  readonly service: AssemblyService;
  /** How its image was built (service-image-record.ts). */
  readonly record: ServiceImageRecord;
  /** The Cargo profile the loop builds; undefined for the recorded (deployed) one. */
  readonly profile?: string;
  /** How each container runs: its environment, credentials, health-check timeout, Docker client, log. */
  readonly run?: Omit<RunServiceOptions, 'imageTarball' | 'ephemeralPort' | 'containerNamePrefix' | 'signal'>;
  /** What runs an image build. @default - this CLI's `__watch-image-build` */
  readonly buildCommand?: BuildCommand;
}

/** A container serving, and the image hash it runs. */
interface ServedContainer {
  readonly running: RunningService;
  readonly hash: string;
  /** Its image was loaded from a build of this session (removed from Docker once replaced). */
  readonly owned: boolean;
}

/** A service served and rebuilt until {@link close}. */
export class WatchedService {
  /** The service's construct path. */
  public readonly name: string;
  /** Resolves with the URL the first time a container serves (never, when the session closes first). */
  public readonly firstServed: Promise<string>;
  private announce: (url: string) => void = () => undefined;
  private readonly front: ServiceFront;
  private readonly sources: SourceWatcher;
  private readonly workDirectory: string;
  private url = '';
  private serving?: ServedContainer;
  private building?: { readonly hash: string; readonly abort: AbortController; run?: RunningBuild<ImageBuildOutcome> };
  private task: Promise<void> = Promise.resolve();
  private failed?: string;
  private dirty = false;
  private closed = false;

  constructor(private readonly options: ServiceWatchOptions) {
    this.name = options.service.name;
    this.firstServed = new Promise((resolve) => (this.announce = resolve));
    this.front = new ServiceFront(this.name);
    this.sources = new SourceWatcher(() => this.check());
    this.workDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-run-watch-'));
  }

  /**
   * Listens on 127.0.0.1:`port` (the service's port unless given; 0 picks one) and returns the URL; then serves the
   * synthesized image when it is the sources' image, or builds first. Fails, having stopped what it started, when
   * the port is taken or the image cannot be prepared.
   */
  public async start(port = this.options.service.port): Promise<string> {
    try {
      this.url = `http://127.0.0.1:${await this.front.listen(port)}`;
      const synthesized = prepareRecordedImage(this.options.record);
      this.sources.watch(watchedDirectories(synthesized.prepared));
      if (synthesized.imageHash === this.options.record.imageHash) {
        progress(`${this.name}: starting the synthesized image (${short(synthesized.imageHash)}), the sources' build`);
        this.task = this.serveSynthesized(synthesized.imageHash);
      } else {
        progress(`${this.name}: the sources changed since the last synth; building`);
        const loop = this.options.profile === undefined ? synthesized : prepareRecordedImage(this.options.record, this.options.profile);
        this.task = this.build(loop.imageHash);
      }
    } catch (error) {
      await this.close();
      throw error;
    }
    return this.url;
  }

  /** After a change of the sources: prepares the image again, and builds it when its hash is new. */
  public check(): void {
    if (this.closed) return;
    let image: PreparedImage;
    try {
      image = prepareRecordedImage(this.options.record, this.options.profile);
    } catch (error) {
      warn(`${this.name}: ${(error as Error).message}`);
      return;
    }
    this.sources.watch(watchedDirectories(image.prepared));
    const state = { serving: this.serving?.hash, building: this.building?.hash, failed: this.failed };
    const decision = rebuildDecision(state, image.imageHash);
    if (decision === 'busy') this.dirty = true;
    else if (decision === 'unchanged')
      progress(`${this.name}: no change to what the image's build reads (${short(image.imageHash)}); not rebuilding`);
    else if (decision === 'build') this.task = this.build(image.imageHash);
  }

  /** Stops everything: the watcher, a build under way, every container, the relay; removes the image tarballs. */
  public async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sources.close();
    this.building?.run?.cancel();
    this.building?.abort.abort();
    await this.task;
    await this.front.close();
    const served = this.serving;
    this.serving = undefined;
    if (served) await this.retire(served);
    fs.rmSync(this.workDirectory, { recursive: true, force: true });
  }

  /** Runs the assembly's own image. */
  private async serveSynthesized(hash: string): Promise<void> {
    this.building = { hash, abort: new AbortController() };
    try {
      if (!(await this.startContainer(hash, undefined, 'the synthesized image'))) this.failed = hash;
      // With a loop profile, its first build starts now, so that the first edit compiles incrementally.
      else if (this.options.profile !== undefined) this.dirty = true;
    } finally {
      this.finished();
    }
  }

  /** Builds the image whose hash is `hash` in a child process, then runs it in place of the serving container. */
  private async build(hash: string): Promise<void> {
    this.building = { hash, abort: new AbortController() };
    const outputDir = path.join(this.workDirectory, hash.slice(0, 16));
    const started = Date.now();
    try {
      progress(`${this.name}: building ${short(hash)}${this.serving ? ` (still serving ${short(this.serving.hash)})` : ''}`);
      const { record, profile } = this.options;
      const run = startBuild<ImageBuildOutcome, ImageBuildJob>(this.options.buildCommand ?? selfImageBuildCommand(), {
        record,
        profile,
        outputDir,
      });
      this.building.run = run;
      const outcome = await run.outcome;
      if (this.closed) return;
      if (!outcome.ok) {
        this.failed = hash;
        warn(`${this.name}: the build failed${this.stillServing()}: ${outcome.message}`);
      } else {
        const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
        const served = await this.startContainer(
          outcome.imageHash,
          outcome.tarball,
          () => `built ${short(outcome.imageHash)} in ${seconds()} s`,
        );
        if (!served) {
          this.failed = hash;
          if (outcome.repoTag !== this.serving?.running.image) await this.removeImage(outcome.repoTag);
        }
      }
    } finally {
      // Docker holds the image once loaded: its tarball is not needed any more.
      fs.rmSync(outputDir, { recursive: true, force: true });
      this.finished();
    }
  }

  /**
   * Starts a container of the image (the assembly's, or `tarball`'s) and waits until it is healthy, then moves new
   * connections to it (saying so, with `what` it runs) and retires the serving one. False when it never became
   * healthy (it is stopped, and the serving one keeps serving).
   */
  private async startContainer(hash: string, tarball: string | undefined, what: string | (() => string)): Promise<boolean> {
    let running: RunningService;
    try {
      const signal = this.building?.abort.signal;
      running = await runServiceLocally(this.options.service, {
        ...this.options.run,
        imageTarball: tarball,
        ephemeralPort: true,
        containerNamePrefix: CONTAINER_NAME_PREFIX,
        signal,
      });
    } catch (error) {
      if (!this.closed) warn(`${this.name}: ${short(hash)} did not become healthy${this.stillServing()}: ${(error as Error).message}`);
      return false;
    }
    if (this.closed) {
      await running.stop();
      return false;
    }
    const previous = this.serving;
    this.serving = { running, hash, owned: tarball !== undefined };
    this.front.switchTo(Number(new URL(running.url).port));
    progress(`${this.name}: ${typeof what === 'string' ? what : what()}; healthy; serving it`);
    void running.exited.then((code) => this.exitedByItself(running, code));
    this.announce(this.url);
    if (previous) await this.retire(previous);
    return true;
  }

  /** Stops a replaced container as ECS stops a task, and removes its image when this session loaded it. */
  private async retire(served: ServedContainer): Promise<void> {
    await served.running.stop();
    if (served.owned && served.running.image !== this.serving?.running.image) await this.removeImage(served.running.image);
  }

  /** Removes an image this session loaded from Docker (best effort: a failure leaves it, and changes nothing else). */
  private async removeImage(image: string): Promise<void> {
    const docker = this.options.run?.docker ?? process.env.CDK_DOCKER ?? 'docker';
    await new Promise<void>((resolve) => execFile(docker, ['rmi', image], () => resolve()));
  }

  /** The serving container exited by itself (a crash): nothing serves until a change builds and starts it again. */
  private exitedByItself(running: RunningService, code: number): void {
    if (this.closed || this.serving?.running !== running) return;
    this.serving = undefined;
    this.front.switchTo(undefined);
    warn(`${this.name}: its container exited (code ${code}); the next change to its sources builds and starts it again`);
  }

  /** The end of a build or start: a change seen meanwhile is looked at now. */
  private finished(): void {
    this.building = undefined;
    if (this.dirty && !this.closed) {
      this.dirty = false;
      this.check();
    }
  }

  private stillServing(): string {
    return this.serving ? `; still serving ${short(this.serving.hash)}` : '';
  }
}

/** The first 12 hex digits of a hash, as progress lines show it. */
function short(hash: string): string {
  return hash.slice(0, 12);
}
