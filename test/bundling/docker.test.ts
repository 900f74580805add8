import { DockerClient, buildFailureFix, csvJoin, dockerBuildArgs, dockerEnv, failedStepOutput } from '../../lib/bundling/docker';
import { NOT_A_FILE_MESSAGE } from '../../lib/bundling/dockerfile';
import { shellJoin } from '../../lib/bundling/dockerfile';
import { planOf } from '../support';

const KNOWN_HOST = '[127.0.0.1]:22222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBUEG8+F+xFfIyDYJWb43+PLqtA6kUu2BORCOGHhWhhx';

const plan = planOf;

describe("docker: two runs, the agent and the network for the fetch only, failures in cargo's words", () => {
  const classic: DockerClient = { command: '/usr/bin/docker', mode: 'classic' };
  const buildx: DockerClient = { command: 'docker', mode: 'buildx' };

  test("classic client: the fetch run has the build's network, the compile run none, and exports the bootstrap", () => {
    expect(dockerBuildArgs(classic, 'fetch', plan('hello'), '/ctx', 'id-1', { outputDir: '/out' })).toEqual([
      'build',
      '--progress',
      'plain',
      '--build-arg',
      'CDK_RUST_BUILD_ID=id-1',
      '--network',
      'host',
      '--target',
      'fetch',
      '--file',
      '/ctx/Dockerfile',
      '/ctx',
    ]);
    expect(dockerBuildArgs(classic, 'compile', plan('hello'), '/ctx', 'id-1', { outputDir: '/out' })).toEqual([
      'build',
      '--progress',
      'plain',
      '--build-arg',
      'CDK_RUST_BUILD_ID=id-1',
      '--network',
      'none',
      '--target',
      'export',
      '--output',
      'type=local,dest=/out',
      '--file',
      '/ctx/Dockerfile',
      '/ctx',
    ]);
    expect(dockerEnv(classic).DOCKER_BUILDKIT).toBe('1');
  });

  test('buildx: the SSH agent is forwarded from the given socket to the fetch run only, on the chosen network', () => {
    const p = plan('private-dep', { knownHosts: [KNOWN_HOST], network: 'default' });
    const options = { outputDir: '/out', sshSocket: '/run/agent.sock' };
    expect(dockerBuildArgs(buildx, 'fetch', p, '/ctx', 'id-2', options)).toEqual([
      'buildx',
      'build',
      '--progress',
      'plain',
      '--build-arg',
      'CDK_RUST_BUILD_ID=id-2',
      '--network',
      'default',
      '--target',
      'fetch',
      '--ssh',
      'default=/run/agent.sock',
      '--output',
      'type=cacheonly',
      '--file',
      '/ctx/Dockerfile',
      '/ctx',
    ]);
    const compile = dockerBuildArgs(buildx, 'compile', p, '/ctx', 'id-2', options);
    expect(compile).not.toContain('--ssh');
    expect(compile.join(' ')).toContain('--network none --target export --output type=local,dest=/out');
  });

  test('build secrets reach both runs as --secret id=ID,src=FILE: the file, never the value, is on the command line', () => {
    const p = plan('hello', { buildSecrets: { REGISTRY_TOKEN: 'env:HOST_TOKEN' }, env: { HOST_TOKEN: 'tok-value-1' } });
    const secretFiles = { REGISTRY_TOKEN: '/tmp/cdk-rust-secrets-x/REGISTRY_TOKEN' };
    for (const phase of ['fetch', 'compile'] as const) {
      const args = dockerBuildArgs(classic, phase, p, '/ctx', 'id', { outputDir: '/out', secretFiles });
      expect(args.join(' ')).toContain('--secret id=REGISTRY_TOKEN,src=/tmp/cdk-rust-secrets-x/REGISTRY_TOKEN');
      expect(args.join(' ')).not.toContain('tok-value-1');
    }
    expect(dockerBuildArgs(classic, 'fetch', plan('hello'), '/ctx', 'id', { outputDir: '/out' })).not.toContain('--secret');
  });

  test('an output directory with a comma or a quote stays one destination', () => {
    expect(csvJoin(['type=local', 'dest=/work/a,b'])).toBe('type=local,"dest=/work/a,b"');
    expect(csvJoin(['type=local', 'dest=/work/a"b'])).toBe('type=local,"dest=/work/a""b"');
    expect(dockerBuildArgs(classic, 'compile', plan('hello'), '/ctx', 'id', { outputDir: '/w/x,y' })).toContain('type=local,"dest=/w/x,y"');
  });

  test("failures quote the failed step's own output without BuildKit prefixes", () => {
    const log = [
      '#5 [build 3/4] RUN cargo fetch',
      '#5 DONE 0.4s',
      '#6 [build 4/4] RUN cargo build',
      '#6 0.512    Compiling hello v0.1.0 (/src)',
      '#6 0.913 error[E0425]: cannot find value `x` in this scope',
      '#6 0.914  --> src/main.rs:2:5',
      '#6 ERROR: process "/bin/sh -c cargo build" did not complete successfully: exit code: 101',
    ].join('\n');
    expect(failedStepOutput(log)).toBe(
      ['   Compiling hello v0.1.0 (/src)', 'error[E0425]: cannot find value `x` in this scope', ' --> src/main.rs:2:5'].join('\n'),
    );
  });

  test('lines ending in CR LF (ssh writes them) are kept', () => {
    const log =
      '#8 0.135 Host key verification failed.\r\n#8 0.2 fatal: Could not read from remote repository.\n#8 ERROR: exit code: 101\n';
    expect(failedStepOutput(log)).toBe('Host key verification failed.\nfatal: Could not read from remote repository.');
  });

  test('shell quoting leaves plain words alone', () => {
    expect(shellJoin(['cargo', 'build', '--features', 'a,b', "it's", 'x y'])).toBe(`cargo build --features a,b 'it'\\''s' 'x y'`);
  });

  test('a build that fails in openssl-sys ends with the two ways out: rustls, or OpenSSL vendored', () => {
    const log = [
      '#9 41.2 error: failed to run custom build command for `openssl-sys v0.9.104`',
      '#9 41.2   Could not find directory of OpenSSL installation, and this `-sys` crate cannot',
      '#9 41.2   proceed without this knowledge. If OpenSSL is installed and this crate had',
      '#9 ERROR: process "/bin/sh -c cargo build" did not complete successfully: exit code: 101',
    ].join('\n');
    const fix = buildFailureFix(log);
    expect(fix).toContain('use rustls');
    expect(fix).toContain('features = ["vendored"]');
    expect(buildFailureFix('#9 1.0 error[E0308]: mismatched types')).toBe(
      "fix the error above (it is cargo's own output), then synth again.",
    );
  });

  test('a build whose bootstrap a build script turned into a link says whose problem it is: a build script, not a compile error', () => {
    const log = `#12 9.1 ${NOT_A_FILE_MESSAGE}\n#12 ERROR: process "/bin/sh -c cargo build" did not complete successfully: exit code: 1`;
    expect(buildFailureFix(log)).toMatch(/not your code failing to compile: a build script .* replaced the build's tools or outputs/);
  });

  test("a compile error is not blamed on a build script, although BuildKit repeats the failed command, which quotes that check's message", () => {
    // The tail of a real classic-BuildKit log (Docker 20.10) of a crate that does not compile.
    const command = `/bin/sh -c sh /cdk-rust/freshen.sh /cdk-rust/target /src  && cargo build --offline  && if [ -L /out/bootstrap ] || [ ! -f /out/bootstrap ]; then echo ${shellJoin([NOT_A_FILE_MESSAGE])} >&2; exit 1; fi`;
    const log = [
      "#14 20.1 error: couldn't read `src/../../shared/greeting.txt`: No such file or directory (os error 2)",
      '#14 20.2 error: could not compile `outside-include` (bin "outside-include") due to 1 previous error',
      `#14 ERROR: executor failed running [${command}]: exit code: 101`,
      '------',
      ` > [compile 4/4] RUN ${command.replace('/bin/sh -c ', '')}:`,
      '------',
      `executor failed running [${command}]: exit code: 101`,
    ].join('\n');
    expect(buildFailureFix(log)).toBe("fix the error above (it is cargo's own output), then synth again.");
  });
});
