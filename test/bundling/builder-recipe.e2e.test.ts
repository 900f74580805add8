/**
 * End to end, through real builds in the offline builder image of scripts/dev-env.sh, which is
 * provisioned by the same shared recipe as the default builder image: crates whose dependencies
 * compile C code (ring, OpenSSL built from source, AWS-LC) become static musl binaries for both targets.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Bundling } from '../../lib/bundling/bundling';
import { BUILDER_RECIPE } from '../../lib/bundling/builder-recipe';
import { readElfExecutable } from '../../lib/service/elf';
import { captureStderr, copyFixture, describeBinary, devEnv, runBinary, tempDir } from '../support';

const SHA256 = crypto.createHash('sha256').update('cdk-rust').digest('hex');

/** Builds the fixture crate c-dependencies for `architecture` in the dev environment's builder image. */
function build(architecture: lambda.Architecture, features: string[] = []): { bootstrap: string; log: string } {
  const crate = copyFixture('c-dependencies');
  const prepared = Bundling.prepare({
    manifestPath: path.join(crate, 'Cargo.toml'),
    builderImage: devEnv().builderImage,
    architecture,
    features,
  });
  return captureStderr(() => Bundling.build(prepared, path.join(tempDir('c-dependencies'), 'asset'))).result;
}

function expectStatic(bootstrap: string, architecture: 'x86_64' | 'arm64'): void {
  expect(readElfExecutable(fs.readFileSync(bootstrap))).toEqual({ architecture, interpreter: undefined });
  expect(describeBinary(bootstrap)).toMatch(/statically linked|static-pie linked/);
}

describe('builder recipe: the image CI tests is provisioned like the one users get', () => {
  test('the offline builder image carries, byte for byte, the recipe that the default image runs', () => {
    const result = spawnSync(
      devEnv().docker,
      ['run', '--rm', '--network', 'none', devEnv().builderImage, 'cat', '/usr/local/share/cdk-rust/builder-recipe.sh'],
      { encoding: 'utf-8' },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(BUILDER_RECIPE);
  });
});

// Two builds only (CI time): each C library is built for one target, ring (the smallest) for both.
describe('builder recipe: crates with C dependencies build for both musl targets', () => {
  test('ring and vendored OpenSSL (both compiled from C by build scripts) become a static x86_64 binary that runs', () => {
    const { bootstrap, log } = build(lambda.Architecture.X86_64, ['openssl']);
    expect(log).toMatch(/Compiling ring v0\.17/);
    expect(log).toMatch(/Compiling openssl-src v/);
    expectStatic(bootstrap, 'x86_64');
    const lines = runBinary(bootstrap).split('\n');
    expect(lines[0]).toBe(`ring sha256(cdk-rust) = ${SHA256}`);
    expect(lines[1]).toMatch(/^OpenSSL 3\.\d+\.\d+ /);
    expect(lines[2]).toBe(`openssl sha256(cdk-rust) = ${SHA256}`);
  });

  test('ring and AWS-LC (aws-lc-rs, as rustls and the AWS SDK use it) become a static arm64 binary that runs under qemu-user', () => {
    const { bootstrap, log } = build(lambda.Architecture.ARM_64, ['aws-lc']);
    expect(log).toMatch(/Compiling ring v0\.17/);
    expect(log).toMatch(/Compiling aws-lc-sys v/);
    expectStatic(bootstrap, 'arm64');
    expect(describeBinary(bootstrap)).toContain('ARM aarch64');
    // qemu-user runs a static binary directly: no binfmt registration needed.
    const run = spawnSync('qemu-aarch64-static', [bootstrap], { encoding: 'utf-8', env: {}, timeout: 30_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`ring sha256(cdk-rust) = ${SHA256}\naws-lc sha256(cdk-rust) = ${SHA256}\n`);
  });
});
