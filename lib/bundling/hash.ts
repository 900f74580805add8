/**
 * The build's inputs and the asset hash: known before building, so that an unchanged project is
 * never built again. The hash covers the contents and relative paths of every input file and every
 * part of the plan that can change the binary; it never covers absolute paths, times or `target/`.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { BuildPlan } from './plan';

/** Directory names that never hold build inputs. */
const SKIPPED_DIRS = new Set(['target', '.git', '.hg', '.svn', 'node_modules', 'cdk.out']);

/** One input file of a build. */
export interface InputFile {
  /** Absolute path on the host. */
  readonly absolute: string;
  /** Path relative to the plan's context root, POSIX style: where it lands in the build context. */
  readonly relative: string;
}

/** Lists the files the build reads, sorted by relative path. */
export function collectInputs(plan: BuildPlan): InputFile[] {
  const files = new Map<string, string>();
  const add = (absolute: string) => {
    const relative = path.relative(plan.contextRoot, absolute).split(path.sep).join('/');
    files.set(relative, absolute);
  };
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const absolute = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(absolute);
      } else if (entry.isFile() || (entry.isSymbolicLink() && isFile(absolute))) {
        add(absolute);
      }
    }
  };
  for (const dir of plan.inputDirs) walk(dir);
  for (const file of plan.inputFiles) if (isFile(file)) add(file);
  return [...files.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([relative, absolute]) => ({ relative, absolute }));
}

/** Hashes the contents of the inputs, keyed by their relative paths. */
export function hashInputs(inputs: readonly InputFile[]): string {
  const hash = crypto.createHash('sha256');
  for (const input of inputs) {
    const content = fs.readFileSync(input.absolute);
    hash.update(`${input.relative}\0${content.length}\0`);
    hash.update(content);
    hash.update('\0');
  }
  return hash.digest('hex');
}

/**
 * The asset hash of a build: the inputs plus everything in the plan and the recipe that changes the
 * binary. `recipe` is the text of what runs the build (the rendered Dockerfile with its cache ids
 * left out, or the local command line and toolchain version).
 */
export function assetHash(plan: BuildPlan, inputsHash: string, recipe: string): string {
  const outputRelevant = {
    inputs: inputsHash,
    workdir: plan.workdir,
    packageName: plan.packageName,
    binaryName: plan.binaryName,
    target: plan.target,
    profile: plan.profile,
    features: [...plan.features].sort(),
    noDefaultFeatures: plan.noDefaultFeatures,
    cargoArgs: plan.cargoArgs,
    buildEnvironment: Object.fromEntries(Object.entries(plan.buildEnvironment).sort(([a], [b]) => a.localeCompare(b))),
    locked: plan.locked,
    recipe,
  };
  return crypto.createHash('sha256').update(JSON.stringify(outputRelevant)).digest('hex');
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
