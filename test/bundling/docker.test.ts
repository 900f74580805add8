import * as fs from 'fs';
import * as path from 'path';
import {
  DockerClient,
  buildFailureFix,
  csvJoin,
  dockerBuildArgs,
  dockerEnv,
  failedStepOutput,
  runDockerBuild,
  runQuietBuild,
} from '../../lib/bundling/docker';
import { buildPhases } from '../../lib/bundling/build-phases';
import { NOT_A_FILE_MESSAGE } from '../../lib/bundling/dockerfile';
import { shellJoin } from '../../lib/bundling/dockerfile';
import { expectCdkRustError, planOf, tempDir } from '../support';

const KNOWN_HOST = '[127.0.0.1]:22222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBUEG8+F+xFfIyDYJWb43+PLqtA6kUu2BORCOGHhWhhx';

const plan = planOf;

/** Runs `fn` with BUILDX_BUILDER set to `value` (or unset), as a user's shell would have it. */
function withBuildxBuilder<T>(value: string | undefined, fn: () => T): T {
  const saved = process.env.BUILDX_BUILDER;
  if (value === undefined) delete process.env.BUILDX_BUILDER;
  else process.env.BUILDX_BUILDER = value;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.BUILDX_BUILDER;
    else process.env.BUILDX_BUILDER = saved;
  }
}

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

  test('buildx: bundling.builder names the builder of both runs (--builder), and wins over BUILDX_BUILDER', () => {
    withBuildxBuilder('from-env', () => {
      const p = plan('hello', { builder: 'ci-remote' });
      for (const phase of ['fetch', 'compile'] as const) {
        expect(dockerBuildArgs(buildx, phase, p, '/ctx', 'id-3', { outputDir: '/out' }).slice(0, 4)).toEqual([
          'buildx',
          'build',
          '--builder',
          'ci-remote',
        ]);
      }
    });
  });

  test("buildx: without bundling.builder, BUILDX_BUILDER is named; with neither, buildx's own choice (no --builder)", () => {
    withBuildxBuilder('from-env', () => {
      expect(dockerBuildArgs(buildx, 'fetch', plan('hello'), '/ctx', 'id-4').slice(0, 4)).toEqual([
        'buildx',
        'build',
        '--builder',
        'from-env',
      ]);
    });
    withBuildxBuilder(undefined, () => {
      expect(dockerBuildArgs(buildx, 'fetch', plan('hello'), '/ctx', 'id-4')).not.toContain('--builder');
    });
  });

  test('classic client: bundling.builder is refused (only buildx builds on a named builder); BUILDX_BUILDER is ignored', () => {
    expectCdkRustError(
      () => dockerBuildArgs(classic, 'fetch', plan('hello', { builder: 'ci-remote' }), '/ctx', 'id-5'),
      'BUILDKIT_UNAVAILABLE',
      'bundling.builder is "ci-remote"',
      'no buildx plugin',
      'Fix: install the docker-buildx plugin',
    );
    withBuildxBuilder('from-env', () => {
      expect(dockerBuildArgs(classic, 'fetch', plan('hello'), '/ctx', 'id-5')).not.toContain('--builder');
    });
  });

  test('a builder that does not allow --network host gets the fix: allow the entitlement on the builder, or another network', () => {
    const fix = buildFailureFix(
      'ERROR: failed to build: failed to solve: granting entitlement network.host is not allowed by build daemon configuration\n',
    );
    expect(fix).toContain('--allow-insecure-entitlement network.host');
    expect(fix).toContain('bundling.network');
  });

  test('a builder name buildx does not know gets the fix: list the builders, or create it', () => {
    expect(buildFailureFix('ERROR: no builder "ci-remote" found\n')).toContain('docker buildx ls');
  });

  test("the build cache's quiet builds run on the build's builder too", () => {
    const dir = tempDir('quiet-build');
    const command = path.join(dir, 'docker');
    fs.writeFileSync(command, `#!/bin/sh\nprintf '%s\\n' "$@" > ${dir}/args\n`, { mode: 0o755 });
    withBuildxBuilder(undefined, () => {
      expect(runQuietBuild({ command, mode: 'buildx' }, '/ctx', 'export', '/out', 'ci-remote').status).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'args'), 'utf-8').split('\n').slice(0, 4)).toEqual([
        'buildx',
        'build',
        '--builder',
        'ci-remote',
      ]);
      runQuietBuild({ command, mode: 'buildx' }, '/ctx', 'export', '/out');
      expect(fs.readFileSync(path.join(dir, 'args'), 'utf-8')).not.toContain('--builder');
    });
    fs.rmSync(dir, { recursive: true, force: true });
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

describe('docker: a build checks offline first, and fetches only when something is missing', () => {
  const classic: DockerClient = { command: '/usr/bin/docker', mode: 'classic' };
  const buildx: DockerClient = { command: 'docker', mode: 'buildx' };

  /** A fake client that records each run's `--target`; its check run passes or fails (printing cargo's offline error). */
  function phaseRecorder(checkPasses: boolean): { client: DockerClient; targets: () => string[] } {
    const dir = tempDir('phase-docker');
    const record = path.join(dir, 'targets');
    const command = path.join(dir, 'docker');
    const script = [
      '#!/bin/sh',
      'target=; prev=',
      'for a in "$@"; do [ "$prev" = --target ] && target=$a; prev=$a; done',
      `echo "$target" >> ${shellJoin([record])}`,
      checkPasses
        ? 'exit 0'
        : 'if [ "$target" = check ]; then echo "#7 0.4 error: attempting to make an HTTP request, but --offline was specified" >&2; exit 101; fi',
      '',
    ];
    fs.writeFileSync(command, script.join('\n'), { mode: 0o755 });
    const targets = () => (fs.existsSync(record) ? fs.readFileSync(record, 'utf-8').trim().split('\n') : []);
    return { client: { command, mode: 'classic' }, targets };
  }

  function build(client: DockerClient, p = plan('hello')): { logFile: string; stderr: string } {
    const dir = tempDir('phase-build');
    const logFile = path.join(dir, 'build.log');
    fs.writeFileSync(logFile, '');
    const outputDir = path.join(dir, 'out');
    fs.mkdirSync(outputDir);
    let stderr = '';
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    const savedVerbose = process.env.CDK_RUST_VERBOSE;
    process.env.CDK_RUST_VERBOSE = '1';
    try {
      runDockerBuild(client, { plan: p, image: 'builder:1', dockerfile: 'FROM scratch\n', inputs: [], outputDir, logFile });
    } finally {
      write.mockRestore();
      if (savedVerbose === undefined) delete process.env.CDK_RUST_VERBOSE;
      else process.env.CDK_RUST_VERBOSE = savedVerbose;
    }
    return { logFile, stderr };
  }

  test('the check run has no network, no agent and no secret, and builds the check stage only', () => {
    const p = plan('private-dep', { knownHosts: [KNOWN_HOST] });
    const options = { outputDir: '/out', sshSocket: '/agent.sock', secretFiles: { TOKEN: '/secrets/TOKEN' } };
    expect(dockerBuildArgs(classic, 'check', p, '/ctx', 'id-3', options)).toEqual([
      'build',
      '--progress',
      'plain',
      '--build-arg',
      'CDK_RUST_BUILD_ID=id-3',
      '--network',
      'none',
      '--target',
      'check',
      '--file',
      '/ctx/Dockerfile',
      '/ctx',
    ]);
    const withBuildx = withBuildxBuilder(undefined, () => dockerBuildArgs(buildx, 'check', p, '/ctx', 'id-3', options));
    expect(withBuildx.slice(-7)).toEqual(['--target', 'check', '--output', 'type=cacheonly', '--file', '/ctx/Dockerfile', '/ctx']);
    expect(withBuildx.join(' ')).not.toMatch(/--ssh|--secret|host/);
  });

  test('a locked plan runs check, fetch, compile; an unlocked plan fetches every time', () => {
    expect(buildPhases(plan('hello'))).toEqual(['check', 'fetch', 'compile']);
    expect(buildPhases({ ...plan('hello'), locked: false })).toEqual(['fetch', 'compile']);
  });

  test("a build whose dependencies are known to be fetched (the edit loop's dependency key) runs the compile only", () => {
    expect(buildPhases(plan('hello'), true)).toEqual(['compile']);
  });

  test('when the check passes, the fetch run is skipped: nothing waits for the writers lock or the network', () => {
    const recorder = phaseRecorder(true);
    build(recorder.client);
    expect(recorder.targets()).toEqual(['check', 'export']);
  });

  test('when the check fails, the fetch runs, and the expected failure goes to the build log only, even with --verbose', () => {
    const recorder = phaseRecorder(false);
    const { logFile, stderr } = build(recorder.client);
    expect(recorder.targets()).toEqual(['check', 'fetch', 'export']);
    expect(fs.readFileSync(logFile, 'utf-8')).toContain('but --offline was specified');
    expect(stderr).not.toContain('--offline was specified');
  });
});
