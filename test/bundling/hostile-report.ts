/**
 * What the hostile-build fixture's bootstrap reports when the build isolated it: its build script, run in the
 * compile step, could reach neither the shared caches nor the SSH agent nor the network, and its private git
 * dependency was fetched (through the agent, in the fetch step).
 */
export const ISOLATED_BUILD_REPORT: Readonly<Record<string, string>> = {
  registry: 'denied',
  'git-checkouts': 'denied',
  'git-db-config': 'denied',
  'agent-env': 'absent',
  'agent-socket': 'absent',
  network: 'denied',
  greeting: 'hello probe, from a private git dependency',
};
