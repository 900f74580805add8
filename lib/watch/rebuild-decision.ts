/**
 * What `cdk-rust watch` does after a change to a function's sources, decided by the asset hash alone:
 * the same hash means the binary cannot change, so nothing is built.
 */

/** The hashes a watched function knows. */
export interface BuildState {
  /** The hash of the build being served, when there is one. */
  readonly serving?: string;
  /** The hash of the build under way, when there is one. */
  readonly building?: string;
  /** The hash of the last build that failed, when the last build failed. */
  readonly failed?: string;
}

/**
 * - `unchanged`: the served build is the sources' build already;
 * - `failed-before`: the sources are those whose build just failed (a save with no edit): wait for an edit;
 * - `busy`: a build is under way; look again when it ends;
 * - `build`: start a build.
 */
export type RebuildDecision = 'unchanged' | 'failed-before' | 'busy' | 'build';

/** What to do now that the sources hash to `current`. */
export function rebuildDecision(state: BuildState, current: string): RebuildDecision {
  if (state.building !== undefined) return 'busy';
  if (current === state.serving) return 'unchanged';
  if (current === state.failed) return 'failed-before';
  return 'build';
}
