import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readCargoWorkspace } from '../../lib/bundling/cargo';
import { cargoConfigFiles, localCompileEnv, localFetchEnv, localRecipe } from '../../lib/bundling/local';
import { makeBuildPlan } from '../../lib/bundling/plan';
import { copyFixture, planOf, tempDir } from '../support';

const KNOWN_HOST = '[127.0.0.1]:22222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBUEG8+F+xFfIyDYJWb43+PLqtA6kUu2BORCOGHhWhhx';

const plan = planOf;

const HOST_ENV: NodeJS.ProcessEnv = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/dev',
  LANG: 'C.UTF-8',
  RUSTUP_TOOLCHAIN: 'stable',
  SSH_AUTH_SOCK: '/tmp/agent.sock',
  SSH_AGENT_PID: '42',
  AWS_ACCESS_KEY_ID: 'AKIA...',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_SESSION_TOKEN: 'token',
  GITHUB_TOKEN: 'ghp_x',
  RUSTFLAGS: '-C target-cpu=native',
  CARGO_TARGET_DIR: '/elsewhere',
};

describe('local builds: what the compile step sees', () => {
  test('the compile gets no SSH agent, no credentials, no RUSTFLAGS: only the allowed host variables and buildEnvironment', () => {
    const env = localCompileEnv(plan('hello', { buildEnvironment: { FEATURE_LEVEL: '3' } }), HOST_ENV);
    expect(env).toEqual({ PATH: '/usr/bin:/bin', HOME: '/home/dev', LANG: 'C.UTF-8', RUSTUP_TOOLCHAIN: 'stable', FEATURE_LEVEL: '3' });
  });

  test('the fetch keeps your environment and gets the pinned hosts, quoted, with strict host key checking', () => {
    const env = localFetchEnv(plan('private-dep', { knownHosts: [KNOWN_HOST] }), '/tmp/my dir/known_hosts', HOST_ENV);
    expect(env.SSH_AUTH_SOCK).toBe('/tmp/agent.sock');
    expect(env.CARGO_NET_GIT_FETCH_WITH_CLI).toBe('true');
    expect(env.GIT_SSH_COMMAND).toBe(
      "ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o 'UserKnownHostsFile=/tmp/my dir/known_hosts' " +
        '-o GlobalKnownHostsFile=/dev/null',
    );
  });

  test('build secrets reach the fetch and the compile as environment variables, read when the build starts', () => {
    const p = plan('hello', { buildSecrets: { REGISTRY_TOKEN: 'env:HOST_TOKEN' }, env: { HOST_TOKEN: 'at-synth' } });
    const env = { ...HOST_ENV, HOST_TOKEN: 'tok-value\n' };
    expect(localFetchEnv(p, undefined, env).REGISTRY_TOKEN).toBe('tok-value');
    expect(localCompileEnv(p, env).REGISTRY_TOKEN).toBe('tok-value');
    // The compile still gets nothing else of the host's: the source variable is not passed on.
    expect(localCompileEnv(p, env).HOST_TOKEN).toBeUndefined();
  });

  test('an explicit agent socket reaches the fetch only', () => {
    const p = plan('private-dep', { knownHosts: [KNOWN_HOST], sshAgentSocket: '/run/other.sock' });
    expect(localFetchEnv(p, '/k', HOST_ENV).SSH_AUTH_SOCK).toBe('/run/other.sock');
    expect(localCompileEnv(p, HOST_ENV).SSH_AUTH_SOCK).toBeUndefined();
  });
});

describe('local builds: the recipe behind the asset hash', () => {
  let crate: string;
  let cargoHome: string;
  beforeEach(() => {
    // Nested in a private directory, whose .cargo/ the tests may write.
    crate = copyFixture('hello', path.join(tempDir('local'), 'crate'));
    cargoHome = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-cargo-home-'));
  });
  afterEach(() => {
    fs.rmSync(path.dirname(crate), { recursive: true, force: true });
    fs.rmSync(cargoHome, { recursive: true, force: true });
  });

  const recipe = () =>
    localRecipe(
      makeBuildPlan(readCargoWorkspace(path.join(crate, 'Cargo.toml')), { env: {}, target: 'x86_64-unknown-linux-gnu' }),
      'rustc 1.95.0\ncargo 1.95.0',
      { HOME: '/nonexistent', CARGO_HOME: cargoHome },
    );

  test('follows the Cargo configuration in $CARGO_HOME', () => {
    const before = recipe();
    fs.writeFileSync(path.join(cargoHome, 'config.toml'), '[build]\nrustflags = ["-C", "target-cpu=native"]\n');
    expect(recipe()).not.toBe(before);
  });

  test('follows the Cargo configuration of a directory above the workspace', () => {
    const before = recipe();
    fs.mkdirSync(path.join(crate, '..', '.cargo'));
    fs.writeFileSync(path.join(crate, '..', '.cargo', 'config.toml'), '[profile.release]\nopt-level = 1\n');
    expect(recipe()).not.toBe(before);
  });

  test('does not depend on where the configuration files are, only on what they say', () => {
    fs.writeFileSync(path.join(cargoHome, 'config.toml'), '[net]\nretry = 3\n');
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-cargo-home-'));
    fs.writeFileSync(path.join(other, 'config.toml'), '[net]\nretry = 3\n');
    const p = makeBuildPlan(readCargoWorkspace(path.join(crate, 'Cargo.toml')), { env: {}, target: 'x86_64-unknown-linux-gnu' });
    expect(localRecipe(p, 't', { HOME: '/nonexistent', CARGO_HOME: other })).toBe(
      localRecipe(p, 't', { HOME: '/nonexistent', CARGO_HOME: cargoHome }),
    );
    fs.rmSync(other, { recursive: true, force: true });
  });

  test("lists the configuration files in Cargo's order: nearest first, $CARGO_HOME last", () => {
    fs.mkdirSync(path.join(crate, '.cargo'));
    fs.writeFileSync(path.join(crate, '.cargo', 'config.toml'), '');
    fs.writeFileSync(path.join(cargoHome, 'config'), '');
    expect(cargoConfigFiles(crate, { CARGO_HOME: cargoHome })).toEqual([
      path.join(crate, '.cargo', 'config.toml'),
      path.join(cargoHome, 'config'),
    ]);
  });
});
