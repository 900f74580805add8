/**
 * The builds of an app, run once the app is complete: one cargo build per group of builds that share a workspace
 * and settings (build-group.ts), instead of one build per construct as each is created.
 *
 * Why it can wait: a construct's asset hash is known before anything is built (prepared-build.ts), so a construct
 * only registers its build here and gives CDK placeholders (lazy tokens) for its asset's location. When the app is
 * synthesized, an aspect of the app's Stage runs first (priority MUTATING), sees every registered build, leaves out
 * those whose asset is staged already (nothing is built for an unchanged app), builds each group in one Docker
 * build, and only then creates the constructs' assets. CDK stages each asset as before (`asset.<hash>`, moved into
 * place only when complete), taking the group's binary, or building alone (a build no group serves).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AspectPriority, Aspects, BundlingOptions, BundlingOutput, IAspect, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { CdkRustError } from '../errors';
import { groupBuilds } from './build-group';
import { groupLabel, runGroupBuild } from './group-build';
import { WriteOutput } from './output-layout';
import { PreparedBuild } from './prepared-build';
import { stagedAssetDir } from './staged-asset';
import { synthTimeBundling } from './synth-build';

/** A construct's build, waiting for the app to be complete. */
export interface PendingBuild {
  /** Where the asset is created (its Stage decides where it is staged). */
  readonly scope: IConstruct;
  readonly prepared: PreparedBuild;
  /** The construct that errors name. */
  readonly where: string | undefined;
  /** The asset's custom hash: the build's, or one that covers more (an image's settings). */
  readonly assetHash: string;
  /** The construct's output layout. */
  readonly write: WriteOutput;
  /** CDK's output type for the bundled asset. @default - CDK's (auto-discover) */
  readonly outputType?: BundlingOutput;
  /** Creates the construct's asset with `bundling` (CDK stages it, calling tryBundle only when it is new). */
  readonly stage: (bundling: BundlingOptions) => void;
}

const APP_BUILDS = Symbol.for('cdk-rust.app-builds');

/** The registered builds of one Stage (an App, or a Stage inside it, which is synthesized on its own). */
export class AppBuilds implements IAspect {
  /** The builds of the Stage `scope` is in; the first call adds the aspect that runs them. */
  public static of(scope: IConstruct): AppBuilds {
    const stage = Stage.of(scope);
    if (!stage) throw new Error(`cdk-rust: ${scope.node.path} is not inside an App or Stage`);
    const holder = stage as unknown as { [APP_BUILDS]?: AppBuilds };
    let builds = holder[APP_BUILDS];
    if (!builds) {
      builds = new AppBuilds(stage);
      Object.defineProperty(stage, APP_BUILDS, { value: builds });
      Aspects.of(stage).add(builds, { priority: AspectPriority.MUTATING });
    }
    return builds;
  }

  private pending: PendingBuild[] = [];

  private constructor(private readonly stage: Stage) {}

  /** Registers a build, run when the Stage is synthesized. */
  public add(build: PendingBuild): void {
    this.pending.push(build);
  }

  /** Runs the registered builds when the aspect visits the Stage itself (before any of its constructs). */
  public visit(node: IConstruct): void {
    if (node === this.stage) this.runAll();
  }

  private runAll(): void {
    const builds = this.pending;
    this.pending = [];
    const prebuilt = new Map<PendingBuild, string>();
    const bundlingOf = (build: PendingBuild) =>
      synthTimeBundling(build.prepared, build.where, build.write, build.outputType, () => prebuilt.get(build));
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-group-'));
    try {
      const needed = builds.filter((build) => !isStaged(build, bundlingOf(build)));
      const { groups } = groupBuilds(needed.map((build) => build.prepared));
      groups.forEach((group, i) => {
        const members = group.members.map((prepared) => needed.find((build) => build.prepared === prepared)!);
        let built;
        try {
          built = runGroupBuild(group, path.join(work, `group-${i}`));
        } catch (error) {
          throw inGroup(error, members, groupLabel(group));
        }
        members.forEach((member, j) => prebuilt.set(member, built.exports[j]));
      });
      for (const build of builds) build.stage(bundlingOf(build));
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
}

/** The asset of `build` is staged already (CDK will not bundle it). */
function isStaged(build: PendingBuild, bundling: BundlingOptions): boolean {
  const dir = stagedAssetDir(build.scope, build.assetHash, bundling);
  return dir !== undefined && fs.existsSync(dir);
}

/** A group's error, naming every construct it builds for. */
function inGroup(error: unknown, members: readonly PendingBuild[], label: string): unknown {
  const where = members.map((m) => m.where).filter((w): w is string => w !== undefined);
  if (where.length === 0) return error;
  return CdkRustError.inConstruct(error, `${where.join(', ')} (built together: ${label})`);
}
