/**
 * Runs a build group (build-group.ts): one Docker build, one `cargo build` with every bin of the group, then the
 * export fanned out into one directory per member holding exactly what that member's own build would have
 * exported (`bootstrap`, and the CA bundle, time-zone data and health probe when it asks for them). A member's
 * output layout then takes it from there as from its own build (synth-build.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { progress } from '../private/progress';
import { BuildGroup } from './build-group';
import { createBuildLog } from './build-log';
import { checkBuildOutput } from './build-output';
import { CA_BUNDLE_FILE, GROUP_BINS, ZONEINFO_DIR_NAME } from './dockerfile';
import { HEALTH_PROBE_FILE } from './health-probe';
import { PreparedBuild } from './prepared-build';
import { buildInDocker } from './run-build';

/** A group's build, done: per member (in the group's order), the directory holding its export. */
export interface GroupExports {
  readonly exports: readonly string[];
  /** Everything the build printed. */
  readonly log: string;
}

/** What a group builds, for progress lines and errors: `greeter, orders and 8 more`. */
export function groupLabel(group: BuildGroup): string {
  const names = group.bins.map((b) => b.binaryName);
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 2).join(', ')} and ${names.length - 2} more`;
}

/**
 * Builds `group` into `workDir` (which must not exist; the caller removes it) and fans the export out. Throws the
 * build's error when it fails; nothing of the group is kept then.
 */
export function runGroupBuild(group: BuildGroup, workDir: string): GroupExports {
  const { plan } = group.prepared;
  const started = Date.now();
  const exportDir = path.join(workDir, 'export');
  fs.mkdirSync(exportDir, { recursive: true });
  const label = groupLabel(group);
  const logFile = createBuildLog(`${plan.binaryName}-and-${group.bins.length - 1}-more`);
  const described = `${group.bins.length} bins of ${plan.workspaceRoot} in one cargo build (${label}) for ${plan.target} (profile ${plan.profile})`;
  const log = buildInDocker(group.prepared, exportDir, logFile, { bins: group.bins, label, described });
  // Before anything here reads or copies the export: only regular files and directories.
  checkBuildOutput(exportDir, label);
  const exports = group.members.map((member, i) => fanOut(member, exportDir, path.join(workDir, `member-${i}`)));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  progress(`built ${group.bins.length} bins (${label}) in ${seconds} s (full output: ${logFile})`);
  return { exports, log };
}

/** Copies what `member`'s own build would have exported from the group's export into `dir`. */
function fanOut(member: PreparedBuild, exportDir: string, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  // Anything missing from the export is reported by takeExport, as for a build of its own.
  const copy = (from: string, to: string) => {
    if (fs.existsSync(path.join(exportDir, from))) fs.cpSync(path.join(exportDir, from), path.join(dir, to), { recursive: true });
  };
  copy(path.join(GROUP_BINS, member.plan.binaryName), 'bootstrap');
  if (member.plan.caBundle) copy(CA_BUNDLE_FILE, CA_BUNDLE_FILE);
  if (member.plan.zoneinfo) copy(ZONEINFO_DIR_NAME, ZONEINFO_DIR_NAME);
  if (member.plan.healthProbe) copy(HEALTH_PROBE_FILE, HEALTH_PROBE_FILE);
  return dir;
}
