import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CargoWorkspace, parseSshUrl, readCargoWorkspace } from '../../lib/bundling/cargo';
import { makeBuildPlan } from '../../lib/bundling/plan';
import { expectCdkRustError, fixture } from '../support';

const KNOWN_HOST = '[127.0.0.1]:22222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBUEG8+F+xFfIyDYJWb43+PLqtA6kUu2BORCOGHhWhhx';

describe('ssh-plan: private git dependencies need pinned host keys', () => {
  test('SSH forwarding turns on by itself when the lock file fetches over ssh://', () => {
    const plan = makeBuildPlan(readCargoWorkspace(fixture('private-dep')), { knownHosts: [KNOWN_HOST] });
    expect(plan.ssh.forward).toBe(true);
    expect(plan.ssh.sources.map((s) => [s.host, s.port])).toEqual([['127.0.0.1', 22222]]);
  });

  test('a crate without git dependencies does not forward the agent', () => {
    expect(makeBuildPlan(readCargoWorkspace(fixture('hello')), {}).ssh.forward).toBe(false);
  });

  test('no known_hosts entry for the ssh host is an error naming the host and the prop', () => {
    expectCdkRustError(
      () => makeBuildPlan(readCargoWorkspace(fixture('private-dep')), {}),
      'KNOWN_HOSTS_MISSING',
      'bundling.knownHosts',
      '[127.0.0.1]:22222',
      'Cargo.lock',
    );
  });

  test('a known_hosts line for another port does not count', () => {
    expectCdkRustError(
      () => makeBuildPlan(readCargoWorkspace(fixture('private-dep')), { knownHosts: [KNOWN_HOST.replace(':22222', ':2222')] }),
      'KNOWN_HOSTS_MISSING',
      '[127.0.0.1]:22222',
    );
  });

  test('a malformed known_hosts line is rejected', () => {
    expectCdkRustError(
      () => makeBuildPlan(readCargoWorkspace(fixture('hello')), { knownHosts: ['github.com'] }),
      'INVALID_PROP',
      'knownHosts[0]',
    );
  });

  test('scp-like git URLs are rejected with the ssh:// spelling (by cargo when reading the project, and by the plan)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-scp-'));
    fs.cpSync(path.dirname(fixture('hello')), dir, { recursive: true });
    fs.appendFileSync(path.join(dir, 'Cargo.toml'), '\n[dependencies]\nlib = { git = "git@github.com:org/lib.git" }\n');
    expectCdkRustError(() => readCargoWorkspace(path.join(dir, 'Cargo.toml')), 'CARGO_METADATA_FAILED', 'ssh://git@github.com/org/lib.git');
    // The plan is made from plain data: a workspace value naming such a source is refused too.
    const ws: CargoWorkspace = {
      ...readCargoWorkspace(fixture('hello')),
      sshGitSources: [parseSshUrl('git@github.com:org/lib.git', 'Cargo.toml')!],
    };
    expectCdkRustError(() => makeBuildPlan(ws, {}), 'INVALID_PROP', 'scp-like', 'ssh://git@github.com/org/lib.git');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
