/**
 * What every scenario receives (one {@link Context} per run of the harness, built by bench/run.ts),
 * instead of global state: the options, the directories, the environment, the builds scenarios share
 * and the results sink.
 */
import { Table } from './support';
import { Workbench } from './workbench';

/** The harness's options (bench/run.ts reads them from the environment and the command line). */
export interface Options {
  /** Fewer runs; the slow scenarios only when named. */
  readonly quick: boolean;
  /** The scenarios asked for by id or name, as given; undefined: the default set. */
  readonly only?: readonly string[];
  /** Runs of each cold build of the cold-build scenario. */
  readonly coldRuns: number;
  /** Rounds of the no-change re-synth scenarios. */
  readonly noChangeRuns: number;
  /** Rounds of the one-line change scenario. */
  readonly oneLineRuns: number;
  /** The dependencies the dependency-change scenario adds, one per round. */
  readonly depChanges: readonly string[];
  /** Functions of the big generated workspace. */
  readonly workspaceFunctions: number;
  /** The scale scenario's workspace sizes, in run order. */
  readonly scaleN: readonly number[];
  /** Rounds of the scale scenario's one-line change, per N. */
  readonly scaleRuns: number;
  /** Rounds of the scale scenario's cold builds, per N. */
  readonly scaleColdRuns: number;
  /** Rounds of the CLI start-up scenario. */
  readonly cliStartupRuns: number;
  /** Keep the work directory and the registry volume (debugging). */
  readonly keep: boolean;
}

/** The development environment (scripts/dev-env.sh up): the Docker client and the builder image. */
export interface DevEnv {
  readonly docker: string;
  readonly image: string;
}

/** Where scenarios put what they measured besides their table. */
export class Results {
  /** The tables, in the order the scenarios ran. */
  public readonly tables: Table[] = [];
  /** Raw data per scenario id (written to the JSON next to its table). */
  public readonly raw: Record<string, unknown> = {};
  /** Samples a scenario publishes for a later one (the peer's table repeats those of 1 and 5). */
  public readonly published: Record<string, number[]> = {};
}

/** What a scenario runs with. */
export interface Context {
  /** This repository. */
  readonly repo: string;
  /** The temporary work directory of this run (removed at the end unless `options.keep`). */
  readonly work: string;
  readonly options: Options;
  /** The environment commands run with (process.env, with the development environment's variables). */
  readonly env: NodeJS.ProcessEnv;
  /** The development environment, when a selected scenario needs it (else undefined). */
  readonly dev?: DevEnv;
  /** Builds and fixtures that several scenarios share, made on first use. */
  readonly workbench: Workbench;
  readonly results: Results;
}

/** One scenario: one file under bench/scenarios/, one table. */
export interface Scenario {
  /** Its number: the table's id and its key in the results JSON. */
  readonly id: string;
  /** Its file name under bench/scenarios/, which `--only` also accepts. */
  readonly name: string;
  readonly title: string;
  /** It builds or runs Docker, so it needs scripts/dev-env.sh up. */
  readonly needsDevEnv: boolean;
  /** Left out by BENCH_QUICK=1 unless named. */
  readonly slow?: boolean;
  run(ctx: Context): Table;
}
