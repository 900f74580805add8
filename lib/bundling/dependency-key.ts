/**
 * The dependency key of a prepared build: what decides which crates and git checkouts its fetch step downloads.
 *
 * The edit loop (`cdk-rust watch`, `run --watch`) rebuilds after each save, and almost every save leaves the
 * dependencies as they were. When a build's key equals the key of the last build that succeeded on the same
 * machine in the same session, its dependencies are in the shared caches already: the check and fetch runs are
 * skipped and only the compile runs (offline, with no network and no agent, as always). Should the caches have lost
 * them meanwhile (`docker builder prune`), cargo's offline error makes the build run again in full.
 *
 * The key covers the lock file and every manifest and Cargo configuration file of the build's inputs, the toolchain
 * file, the fetch command, the network, whether the agent is forwarded, and the builder image. A build without a
 * lock file has no key: its fetch resolves versions anew each time.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { cargoFetchArgs } from './cargo-args';
import type { PreparedBuild } from './prepared-build';

/** The inputs cargo's fetch reads: manifests, the lock file, Cargo configuration and the toolchain file. */
const FETCH_INPUT = /^(?:Cargo\.toml|Cargo\.lock|config|config\.toml|rust-toolchain|rust-toolchain\.toml)$/;

/** The dependency key of `prepared`, or undefined when it has none (no lock file, or a host-toolchain build). */
export function dependencyKey(prepared: Pick<PreparedBuild, 'plan' | 'inputs' | 'imageIdentity' | 'localToolchain'>): string | undefined {
  const { plan } = prepared;
  if (!plan.locked || prepared.localToolchain !== undefined) return undefined;
  const hash = crypto.createHash('sha256');
  const settings = { fetch: cargoFetchArgs(plan), network: plan.network, ssh: plan.ssh.forward, image: prepared.imageIdentity };
  hash.update(JSON.stringify(settings));
  const files = prepared.inputs.filter((input) => FETCH_INPUT.test(path.posix.basename(input.relative)));
  for (const input of [...files].sort((a, b) => a.relative.localeCompare(b.relative))) {
    hash.update(`\0${input.relative}\0`);
    hash.update(fs.readFileSync(input.absolute));
  }
  return hash.digest('hex');
}

/**
 * Whether a failed compile run's output says cargo, offline, lacked a dependency (the caches lost it): cargo's own
 * wordings for a crate it would download, a git checkout it would fetch, and a package it cannot resolve offline.
 * (The `--offline` of the echoed command line does not count.)
 */
export function missingOfflineDependency(output: string): boolean {
  return /but --offline was specified|you are in the offline mode|using offline mode \(--offline\)/.test(output);
}
