/**
 * Builds for `cdk-rust watch`, each in a process of its own: `Bundling.build` is synchronous (CDK
 * bundling is), and run in the watch process it would stop every request until the compile ends. The
 * child is the `cdk-rust` command line itself (`cdk-rust __watch-build`): it reads a {@link BuildJob}
 * on stdin, prepares and builds it with the same code synth uses, streams the compiler's output to
 * stderr, and prints a {@link BuildOutcome} as the last line of its stdout.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import { Bundling, BundlingProps } from '../bundling/bundling';
import { dependencyKey } from '../bundling/dependency-key';
import { CdkRustError } from '../errors';
import { toLambdaArchitecture } from '../private/architecture';
import { readAll } from '../private/read-all';
import { BuildCommand } from './build-command';
import { BuildRecord, recordedBundlingOptions } from './build-record';

/** One build: the function's build record, the profile to build, and the directory to build into. */
export interface BuildJob {
  readonly record: BuildRecord;
  /** The Cargo profile to build instead of the recorded one (watch's `dev`); the recorded one when absent. */
  readonly profile?: string;
  readonly outputDir: string;
  /**
   * The dependency keys of the session's successful builds (dependency-key.ts): when this build's is one of them,
   * its check and fetch runs are skipped.
   */
  readonly fetchedDependencies?: readonly string[];
}

/** What a build child reports. */
export type BuildOutcome =
  | { readonly ok: true; readonly assetHash: string; readonly bootstrap: string; readonly dependencyKey?: string }
  | { readonly ok: false; readonly message: string };

/** A build under way. */
export interface RunningBuild<Outcome extends { readonly ok: boolean } = BuildOutcome> {
  readonly outcome: Promise<Outcome | { readonly ok: false; readonly message: string }>;
  /** Stops the build (the child and what it started) and removes what it wrote. */
  cancel(): void;
}

/**
 * The props `Bundling.prepare` takes for a build record (build environment values from this process's environment),
 * with `profile` instead of the recorded profile when given.
 */
export function bundlingPropsOf(record: BuildRecord, profile?: string): BundlingProps {
  return {
    ...recordedBundlingOptions(record),
    ...(profile !== undefined ? { profile } : {}),
    manifestPath: record.manifestPath,
    binaryName: record.binaryName,
    files: record.files,
    architecture: toLambdaArchitecture(record.architecture),
  };
}

/**
 * Starts `job` in a child process run by `command`: the job goes to its stdin as JSON, its stderr is this process's,
 * and the last line of its stdout is the outcome. Any job with an `outputDir` (removed when the build is cancelled).
 */
export function startBuild<Outcome extends { readonly ok: boolean } = BuildOutcome, Job extends { readonly outputDir: string } = BuildJob>(
  command: BuildCommand,
  job: Job,
): RunningBuild<Outcome> {
  // A process group of its own, so that cancelling reaches what the child runs (docker, cargo, ...).
  const child = spawn(command.command, [...command.args], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf-8')));
  child.stdin?.end(JSON.stringify(job));
  let cancelled = false;
  const outcome = new Promise<Outcome | { readonly ok: false; readonly message: string }>((resolve) => {
    child.once('error', (error) => resolve({ ok: false, message: `cannot start the build: ${error.message}` }));
    child.once('close', (code, signal) => {
      if (cancelled) fs.rmSync(job.outputDir, { recursive: true, force: true });
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        const parsed = JSON.parse(last) as Outcome;
        if (typeof parsed.ok === 'boolean') return resolve(parsed);
      } catch {
        // reported below
      }
      resolve({ ok: false, message: cancelled ? 'cancelled' : `the build process ended (${signal ?? `exit ${code}`}) without a result` });
    });
  });
  return {
    outcome,
    cancel: () => {
      cancelled = true;
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    },
  };
}

/** The outcome of running `build` on `job`: its own, or a thrown error's message (a CdkRustError's own, else its stack). */
export function buildOutcome<Job, Outcome extends { readonly ok: boolean }>(
  build: (job: Job) => Outcome,
  job: Job,
): Outcome | { readonly ok: false; readonly message: string } {
  try {
    return build(job);
  } catch (error) {
    return { ok: false, message: error instanceof CdkRustError ? error.message : String((error as Error).stack ?? error) };
  }
}

/**
 * A build child's side: reads a job from stdin, runs `build` on it, prints the {@link buildOutcome} as the last line
 * of stdout; returns the exit code.
 */
export async function serveBuildChild<Job, Outcome extends { readonly ok: boolean }>(build: (job: Job) => Outcome): Promise<number> {
  const job = JSON.parse((await readAll(process.stdin)).toString('utf-8')) as Job;
  const outcome = buildOutcome(build, job);
  process.stdout.write(`\n${JSON.stringify(outcome)}\n`);
  return outcome.ok ? 0 : 1;
}

/** The function build child: prepares and builds a {@link BuildJob} with the code synth uses. */
export function runBuildChild(): Promise<number> {
  return serveBuildChild((job: BuildJob): BuildOutcome => {
    const prepared = Bundling.prepare(bundlingPropsOf(job.record, job.profile));
    const key = dependencyKey(prepared);
    const dependenciesFetched = key !== undefined && (job.fetchedDependencies ?? []).includes(key);
    const output = Bundling.buildLambdaAsset(prepared, job.outputDir, { dependenciesFetched });
    return { ok: true, assetHash: prepared.assetHash, bootstrap: output.bootstrap, dependencyKey: key };
  });
}
