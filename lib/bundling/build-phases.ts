/**
 * The `docker build` runs one build makes (see renderDockerfile in dockerfile.ts), in order, and what each is called
 * while it runs.
 */
import { BuildPlan } from './plan';

/**
 * Which of a build's `docker build` runs (see renderDockerfile): check (locked plans), fetch (unless the check
 * passed), then compile.
 */
export type BuildPhase = 'check' | 'fetch' | 'compile';

/**
 * The runs a build of `plan` may make, in order: the fetch is skipped when the check passes; only the compile when
 * the dependencies are known to be fetched (`dependenciesFetched`, see dependency-key.ts).
 */
export function buildPhases(plan: BuildPlan, dependenciesFetched = false): BuildPhase[] {
  if (dependenciesFetched) return ['compile'];
  return plan.locked ? ['check', 'fetch', 'compile'] : ['fetch', 'compile'];
}

/** Each run's status line while a quiet build shows one. */
export const PHASE_STATUS: Record<BuildPhase, string> = {
  check: 'checking dependencies',
  fetch: 'fetching dependencies',
  compile: 'compiling',
};
