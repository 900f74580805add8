/**
 * Runs a prepared build once: our own `docker build` with BuildKit (which CDK's `docker run` bundling cannot do: no
 * `--ssh`, no `--output`), with the build cache restored and saved around it, or the host's cargo. What the build
 * exported is checked and moved into place (build-export.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { progress } from '../private/progress';
import { BuildCacheDirectory, cacheKeyOf } from './build-cache';
import { createBuildLog } from './build-log';
import { restoreBuildCache, saveBuildCache } from './build-cache-steps';
import { TakenExport, takeExport } from './build-export';
import { checkBuildOutput } from './build-output';
import { detectDocker, runDockerBuild } from './docker';
import { cacheIdsFor, renderDockerfile } from './dockerfile';
import { runLocalBuild } from './local';
import { BinRef } from './cargo-args';
import { PreparedBuild } from './prepared-build';
import { checkSshAgent } from './ssh-agent';

/** How a build runs. */
export interface RunBuildOptions {
  /**
   * The build's dependencies are in the shared caches already (the edit loop's last build had the same
   * dependency key, see dependency-key.ts): the check and fetch runs are skipped. @default false
   */
  readonly dependenciesFetched?: boolean;
}

/** What a finished build reports: where its files are, and what it printed. */
export interface BuildOutput extends TakenExport {
  /** Everything the build printed (also kept in its log file, and streamed to stderr when verbose). */
  readonly log: string;
}

/**
 * Builds into `outputDir`, which ends up holding just `bootstrap` (mode 0755), plus the CA bundle, time-zone data
 * and health probe when the plan asks for them, and returns the build's output. On failure nothing is left behind:
 * `outputDir` is removed and the error is thrown.
 */
export function runBuild(prepared: PreparedBuild, outputDir: string, options: RunBuildOptions = {}): BuildOutput {
  const { plan } = prepared;
  const started = Date.now();
  const exportDir = path.join(outputDir, '.cdk-rust-export');
  try {
    // An interrupted earlier build may have left files here.
    fs.rmSync(outputDir, { recursive: true, force: true });
    fs.mkdirSync(exportDir, { recursive: true });
    // Kept after the build, so that the one line saying it is done can say where the whole output is.
    const logFile = createBuildLog(plan.binaryName);
    const log = prepared.localToolchain
      ? buildOnHost(prepared, exportDir, logFile)
      : buildInDocker(prepared, exportDir, logFile, undefined, options);
    // Before anything here reads, moves or chmods the export: only regular files and directories.
    checkBuildOutput(exportDir, plan.binaryName);
    const taken = takeExport(plan, prepared.image, exportDir, outputDir);
    fs.rmSync(exportDir, { recursive: true, force: true });
    const size = fs.statSync(taken.bootstrap).size;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    progress(`built ${plan.binaryName}: ${(size / 1024 / 1024).toFixed(2)} MiB in ${seconds} s (full output: ${logFile})`);
    return { log, ...taken };
  } catch (error) {
    fs.rmSync(outputDir, { recursive: true, force: true });
    throw error;
  }
}

/** What is built, for the progress line. */
function described(prepared: PreparedBuild): string {
  const { plan } = prepared;
  return `${plan.packageName}/${plan.binaryName} for ${plan.target} (profile ${plan.profile})`;
}

/** The build with the host's cargo into `exportDir`; returns its log. */
function buildOnHost(prepared: PreparedBuild, exportDir: string, logFile: string): string {
  const { plan } = prepared;
  const socket = plan.ssh.forward ? checkSshAgent(plan) : undefined;
  progress(`building ${described(prepared)} with the host toolchain` + (socket ? ', SSH agent for the fetch only' : ''));
  return runLocalBuild(plan, prepared.targetDirectory, exportDir, logFile);
}

/** What a group build (group-build.ts) builds instead of the plan's one bin, and how it is named in progress lines. */
export interface BuiltBins {
  readonly bins: readonly BinRef[];
  readonly label: string;
  /** What is built, for the progress line. */
  readonly described: string;
}

/**
 * The BuildKit build into `exportDir`, between a restore and a save of the build cache when there is one; returns
 * its log. With `group`, every bin of the group in one cargo invocation (see renderDockerfile).
 */
export function buildInDocker(
  prepared: PreparedBuild,
  exportDir: string,
  logFile: string,
  group?: BuiltBins,
  options: RunBuildOptions = {},
): string {
  const { plan, image } = prepared;
  const client = detectDocker();
  const socket = plan.ssh.forward ? checkSshAgent(plan) : undefined;
  const what = group?.described ?? described(prepared);
  const fetched = options.dependenciesFetched ? ', dependencies unchanged: compile only' : '';
  progress(`building ${what} in Docker (${client.mode}) with ${image}` + (socket ? ', SSH agent forwarded' : '') + fetched);
  const cacheIds = cacheIdsFor(plan, prepared.imageIdentity);
  const dockerfile = renderDockerfile(plan, image, cacheIds, group?.bins);
  const cache = plan.cache ? new BuildCacheDirectory(plan.cache) : undefined;
  // The key reads Cargo.lock: only for builds that use the cache.
  const cached = cache && { client, plan, image, cacheIds, key: cacheKeyOf(plan, prepared.imageIdentity) };
  const restored = cache && cached ? restoreBuildCache(cached, cache) : undefined;
  const request = {
    plan,
    image,
    dockerfile,
    inputs: prepared.inputs,
    outputDir: exportDir,
    logFile,
    label: group?.label,
    dependenciesFetched: options.dependenciesFetched,
  };
  const { log } = runDockerBuild(client, request, socket);
  if (cache && cached && restored) saveBuildCache(cached, cache, restored, log);
  return log;
}
