import * as fs from 'fs';
import * as path from 'path';
import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { RustFunction } from '../lib';

/** Props of {@link PrivateDependencyStack}. */
export interface PrivateDependencyStackProps extends StackProps {
  /** Pinned known_hosts lines of the git server. */
  readonly knownHosts: string[];
}

/**
 * A crate with a private git dependency fetched over SSH. The build forwards the developer's SSH agent
 * into the fetch step only; no key is copied anywhere. The git host's key must be pinned: for GitHub,
 * paste the lines GitHub publishes, e.g.
 * 'github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl'.
 */
export class PrivateDependencyStack extends Stack {
  constructor(scope: Construct, id: string, props: PrivateDependencyStackProps) {
    super(scope, id, props);
    new RustFunction(this, 'PrivateGreeter', {
      manifestPath: path.join(__dirname, 'private-greeter', 'Cargo.toml'),
      bundling: { knownHosts: props.knownHosts },
    });
  }
}

/**
 * The pinned key of this example's git server: the one scripts/dev-env.sh runs on 127.0.0.1:22222,
 * whose host key is made on each machine, so the script writes its line to a file.
 */
export function exampleKnownHosts(): string[] {
  const file = process.env.CDK_RUST_TEST_KNOWN_HOSTS ?? path.join(__dirname, '..', '.dev-env', 'known_hosts');
  if (!fs.existsSync(file)) {
    throw new Error(`The private-dependency example needs its git server: run scripts/dev-env.sh up (no ${file}).`);
  }
  return fs
    .readFileSync(file, 'utf-8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}
