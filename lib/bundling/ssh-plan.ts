/**
 * The SSH side of a build: which git sources are fetched over SSH, whether the agent is forwarded to the fetch
 * step, and the pinned host keys, every fetched host having one.
 */
import * as path from 'path';
import { CdkRustError } from '../errors';
import { CargoWorkspace, SshGitSource } from './cargo';
import { hasKnownHost, knownHostsName, validateKnownHostsLines } from './known-hosts';
import { RustBundlingOptions } from './rust-bundling-options';

/** What the SSH side of a build needs. */
export interface SshPlan {
  /** Forward the agent into the fetch step. */
  readonly forward: boolean;
  /** The git sources fetched over SSH. */
  readonly sources: SshGitSource[];
  /** The pinned known_hosts lines. */
  readonly knownHosts: string[];
  /** The agent socket to forward, when set explicitly. */
  readonly agentSocket?: string;
}

/** The SSH options of a build, as the bundling props give them. */
export type SshProps = Pick<RustBundlingOptions, 'knownHosts' | 'forwardSshAgent' | 'sshAgentSocket'>;

/** The SSH plan of a build of `workspace`: refuses scp-like URLs and fetched hosts without a pinned key. */
export function planSsh(workspace: CargoWorkspace, props: SshProps): SshPlan {
  const sources = workspace.sshGitSources;
  const knownHosts = [...(props.knownHosts ?? [])];
  const problems = validateKnownHostsLines(knownHosts);
  if (problems.length > 0) {
    throw new CdkRustError(
      'INVALID_PROP',
      `bundling.${problems.join('; ')}.`,
      "copy the lines from your git host's documentation or from ~/.ssh/known_hosts.",
    );
  }
  for (const source of sources) {
    if (!source.url.startsWith('ssh://')) {
      throw new CdkRustError(
        'INVALID_PROP',
        `${source.foundIn}: git URL "${source.url}" uses the scp-like form, which Cargo does not support.`,
        `write it as ssh://${source.url.replace(':', '/')}.`,
      );
    }
  }
  const forward = props.forwardSshAgent ?? sources.length > 0;
  if (forward) {
    const missing = sources.filter((s) => !hasKnownHost(knownHosts, s.host, s.port));
    if (missing.length > 0) {
      const names = [...new Set(missing.map((s) => knownHostsName(s.host, s.port)))];
      throw new CdkRustError(
        'KNOWN_HOSTS_MISSING',
        `bundling.knownHosts has no entry for ${names.join(', ')}, which ${path.basename(missing[0].foundIn)} fetches over SSH ` +
          `(${missing[0].url}). cdk-rust never trusts a host key it has not been given.`,
        `add the host's pinned key line, e.g. knownHosts: ['${names[0]} ssh-ed25519 AAAA...'] ` +
          "(from your git host's documentation, or from a known_hosts file you have verified).",
      );
    }
  }
  return { forward, sources, knownHosts, agentSocket: props.sshAgentSocket };
}
