/**
 * Build groups: the prepared builds of an app that one `cargo build` can serve. Builds of the same workspace with
 * the same settings (target, profile, features, cargo arguments, environment, builder image, inputs, ...) differ
 * only in their bin, so cargo builds all their `--bin`s in one invocation, compiling and linking them in parallel,
 * and each build's asset gets its own bin (group-build.ts). Pure: plans in, groups out.
 */
import { BinRef } from './cargo-args';
import { BuildPlan } from './plan';
import { PreparedBuild } from './prepared-build';

/** Builds that one cargo invocation serves. */
export interface BuildGroup {
  /** The builds, in the order they were registered; at least two. */
  readonly members: readonly PreparedBuild[];
  /** The bins to build, each once (members may share one). */
  readonly bins: readonly BinRef[];
  /**
   * The build that runs: the first member's, exporting what any member asks for besides the binary (the CA
   * bundle, the time-zone data, the health probe).
   */
  readonly prepared: PreparedBuild;
}

/** What {@link groupBuilds} returns: the groups, and the builds that run alone (in registration order). */
export interface GroupedBuilds {
  readonly groups: BuildGroup[];
  readonly alone: PreparedBuild[];
}

/**
 * The plan's fields that belong to one artifact, not to the build: the bin, and what a container image takes
 * besides it (`forceDocker` too: a build that can be grouped runs in Docker anyway, and `architecture` follows the
 * target). Every other field (including any added later) keeps builds apart when it differs.
 */
const PER_ARTIFACT: readonly (keyof BuildPlan)[] = [
  'binaryName',
  'packageName',
  'architecture',
  'files',
  'caBundle',
  'zoneinfo',
  'healthProbe',
  'forceDocker',
];

/**
 * The key under which builds share one cargo invocation, or undefined for a build that always runs alone (one
 * with the host's toolchain, which builds in the project's own target directory). Features are a package's own:
 * builds that select features stay with builds of the same package.
 */
export function groupKeyOf(prepared: PreparedBuild): string | undefined {
  if (prepared.localToolchain) return undefined;
  const { plan } = prepared;
  const shared: Record<string, unknown> = { ...plan };
  for (const field of PER_ARTIFACT) delete shared[field];
  if (plan.features.length > 0 || plan.noDefaultFeatures) shared.packageName = plan.packageName;
  return JSON.stringify({ plan: sortedKeys(shared), image: prepared.image, imageIdentity: prepared.imageIdentity });
}

/**
 * Sorts `builds` into groups of two or more that one cargo invocation serves, and builds that run alone. Two
 * packages with a bin of the same name never share an invocation (their binaries would land on one path).
 */
export function groupBuilds(builds: readonly PreparedBuild[]): GroupedBuilds {
  const byKey = new Map<string, PreparedBuild[][]>();
  const alone: PreparedBuild[] = [];
  for (const build of builds) {
    const key = groupKeyOf(build);
    if (key === undefined) {
      alone.push(build);
      continue;
    }
    const candidates = byKey.get(key) ?? [];
    byKey.set(key, candidates);
    const fits = candidates.find((members) => !members.some((m) => clashes(m.plan, build.plan)));
    if (fits) fits.push(build);
    else candidates.push([build]);
  }
  const groups: BuildGroup[] = [];
  for (const candidates of byKey.values()) {
    for (const members of candidates) {
      if (members.length === 1) alone.push(members[0]);
      else groups.push(groupOf(members));
    }
  }
  // Registration order, so that progress lines and errors follow the app.
  alone.sort((a, b) => builds.indexOf(a) - builds.indexOf(b));
  return { groups, alone };
}

/** Bins of the same name from different packages. */
function clashes(a: BuildPlan, b: BuildPlan): boolean {
  return a.binaryName === b.binaryName && a.packageName !== b.packageName;
}

function groupOf(members: PreparedBuild[]): BuildGroup {
  const bins: BinRef[] = [];
  for (const { plan } of members) {
    if (!bins.some((b) => b.binaryName === plan.binaryName)) bins.push({ packageName: plan.packageName, binaryName: plan.binaryName });
  }
  const first = members[0];
  const asks = (field: 'caBundle' | 'zoneinfo' | 'healthProbe') => (members.some((m) => m.plan[field]) ? { [field]: true as const } : {});
  const plan: BuildPlan = { ...first.plan, ...asks('caBundle'), ...asks('zoneinfo'), ...asks('healthProbe') };
  return { members, bins, prepared: { ...first, plan } };
}

function sortedKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}
