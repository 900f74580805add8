/**
 * End to end, through real BuildKit builds in the Docker engine that scripts/dev-env.sh starts, with
 * the offline musl builder image, and a private crate served over SSH from 127.0.0.1.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CdkRustError } from '../../lib';
import { Bundling, BundlingProps } from '../../lib/bundling/bundling';
import {
  TEST_CLIENTS,
  captureStderr,
  clientEnv,
  copyFixture,
  describeBinary,
  devEnv,
  expectCdkRustError,
  hasInterpreter,
  listFiles,
  runBinary,
  tempDir,
  thrownBy,
  useEnvironment,
} from '../support';
import { tsNodeProcess } from '../ts-node-process';

/** Synthesizes an app with one function built from `props`, into `outdir`. */
function synthFunction(outdir: string, props: BundlingProps): { assetDir: string; stderr: string } {
  const { stderr } = captureStderr(() => {
    const app = new cdk.App({ outdir });
    const stack = new cdk.Stack(app, 'Stack');
    new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.PROVIDED_AL2023,
      handler: 'bootstrap',
      code: Bundling.bundle(props),
    });
    app.synth();
  });
  const assets = fs.readdirSync(outdir).filter((f) => /^asset\.[0-9a-f]{64}$/.test(f));
  expect(assets).toHaveLength(1);
  return { assetDir: path.join(outdir, assets[0]), stderr };
}

function expectStaticMusl(bootstrap: string): void {
  const description = describeBinary(bootstrap);
  expect(description).toMatch(/statically linked|static-pie linked/);
  expect(description).toContain('x86-64');
  expect(hasInterpreter(bootstrap)).toBe(false);
  expect(fs.statSync(bootstrap).mode & 0o777).toBe(0o755);
  // musl's static binaries carry no glibc version requirements.
  expect(fs.readFileSync(bootstrap).includes(Buffer.from('GLIBC_2.'))).toBe(false);
}

describe('switching back to earlier sources (A, B, A)', () => {
  test("gives the binary of A again, though BuildKit reuses A's context layer with its old file times", () => {
    const env = devEnv();
    const crate = copyFixture('hello');
    const main = path.join(crate, 'src', 'main.rs');
    const original = fs.readFileSync(main, 'utf-8');
    const build = (name: string) => {
      const prepared = Bundling.prepare({ manifestPath: path.join(crate, 'Cargo.toml'), builderImage: env.builderImage });
      return captureStderr(() => Bundling.build(prepared, path.join(tempDir(name), 'asset'))).result;
    };
    expect(runBinary(build('a1').bootstrap)).toBe('hello from cdk-rust\n');
    fs.writeFileSync(main, original.replace('hello from cdk-rust', 'B from cdk-rust'));
    expect(runBinary(build('b').bootstrap)).toBe('B from cdk-rust\n');
    fs.writeFileSync(main, original);
    const again = build('a2');
    expect(again.log).toMatch(/Compiling hello/);
    expect(runBinary(again.bootstrap)).toBe('hello from cdk-rust\n');
  });
});

describe('reproducibility', () => {
  test('two clean builds of the same sources in different places give byte-identical bootstraps', () => {
    const env = devEnv();
    const outputs = ['a', 'b'].map((name) => {
      const crate = copyFixture('hello');
      const prepared = Bundling.prepare({ manifestPath: path.join(crate, 'Cargo.toml'), builderImage: env.builderImage });
      // Different workspace roots get different target caches: both builds start clean.
      const { result } = captureStderr(() => Bundling.build(prepared, path.join(tempDir(name), 'asset')));
      expect(result.log).toMatch(/Compiling hello/);
      return fs.readFileSync(result.bootstrap);
    });
    expect(outputs[0].equals(outputs[1])).toBe(true);
  });
});

describe('the static-glibc target override', () => {
  test('builds a static-pie glibc binary in Docker that runs', () => {
    const env = devEnv();
    const crate = copyFixture('hello');
    const prepared = Bundling.prepare({
      manifestPath: path.join(crate, 'Cargo.toml'),
      builderImage: env.builderImage,
      target: 'x86_64-unknown-linux-gnu',
      forceDockerBundling: true,
    });
    expect(prepared.localToolchain).toBeUndefined();
    const { result } = captureStderr(() => Bundling.build(prepared, path.join(tempDir('gnu'), 'asset')));
    expect(describeBinary(result.bootstrap)).toMatch(/static-pie linked|statically linked/);
    expect(hasInterpreter(result.bootstrap)).toBe(false);
    expect(runBinary(result.bootstrap)).toBe('hello from cdk-rust\n');
  });

  test('builds locally with the same cargo command when the host toolchain has the target', () => {
    const crate = copyFixture('hello');
    const prepared = Bundling.prepare({ manifestPath: path.join(crate, 'Cargo.toml'), target: 'x86_64-unknown-linux-gnu' });
    expect(prepared.localToolchain).toMatch(/^rustc /);
    const { result, stderr } = captureStderr(() => Bundling.build(prepared, path.join(tempDir('local'), 'asset')));
    expect(stderr).toContain('with the host toolchain');
    expect(describeBinary(result.bootstrap)).toMatch(/static-pie linked|statically linked/);
    expect(runBinary(result.bootstrap)).toBe('hello from cdk-rust\n');
  });
});

// What a build does through either client: the machine's Docker 28 client with the buildx plugin, and
// Debian's 20.10 client with BuildKit built in (scripts/dev-env.sh provides both).
describe.each(TEST_CLIENTS)('through the %s client', (client) => {
  useEnvironment(() => clientEnv(client));

  describe('a plain crate', () => {
    test('becomes a statically linked musl bootstrap that runs; an unchanged re-synth builds nothing', () => {
      const env = devEnv();
      const crate = copyFixture('hello');
      const outdir = tempDir('out');
      const props = { manifestPath: path.join(crate, 'Cargo.toml'), builderImage: env.builderImage };

      const first = synthFunction(outdir, props);
      expect(first.stderr).toContain(
        `[cdk-rust] building hello/hello for x86_64-unknown-linux-musl (profile release) in Docker (${client})`,
      );
      expect(fs.readdirSync(first.assetDir)).toEqual(['bootstrap']);
      const bootstrap = path.join(first.assetDir, 'bootstrap');
      expectStaticMusl(bootstrap);
      expect(runBinary(bootstrap)).toBe('hello from cdk-rust\n');

      const before = fs.statSync(bootstrap).mtimeMs;
      const second = synthFunction(outdir, props);
      expect(second.assetDir).toBe(first.assetDir);
      expect(second.stderr).not.toContain('[cdk-rust] building');
      expect(fs.statSync(bootstrap).mtimeMs).toBe(before);
    });
  });

  describe('a crate with a private git dependency over SSH', () => {
    const props = (crate: string): BundlingProps => ({
      manifestPath: path.join(crate, 'Cargo.toml'),
      builderImage: devEnv().builderImage,
      knownHosts: devEnv().knownHosts,
    });

    test('builds through the forwarded agent, and no key material reaches the asset or the log', () => {
      const crate = copyFixture('private-dep');
      const outdir = tempDir('out');
      const prepared = Bundling.prepare(props(crate));
      expect(prepared.plan.ssh.forward).toBe(true);

      const { result, stderr } = captureStderr(() => Bundling.build(prepared, path.join(outdir, 'asset')));
      expect(stderr).toContain('SSH agent forwarded');
      expectStaticMusl(result.bootstrap);
      expect(runBinary(result.bootstrap)).toBe('hello cdk-rust, from a private git dependency\n');

      // The private key (its base64 body) and the agent socket path appear nowhere in the output or the log.
      const keyFile = path.join(path.dirname(process.env.CDK_RUST_DEV_ENV as string), 'client_ed25519');
      const keyBody = fs
        .readFileSync(keyFile, 'utf-8')
        .split('\n')
        .filter((l) => l && !l.startsWith('-----'))
        .join('');
      const needles = [keyBody.slice(0, 40), keyBody.slice(-40), devEnv().sshAuthSock];
      for (const file of listFiles(outdir)) {
        const content = fs.readFileSync(file);
        for (const needle of needles) expect(content.includes(Buffer.from(needle))).toBe(false);
      }
      for (const needle of needles) expect(result.log).not.toContain(needle);
    });

    // Decided before any Docker client runs: once is enough.
    (client === 'classic' ? test : test.skip)('fails before Docker runs when no SSH agent is available', () => {
      const crate = copyFixture('private-dep');
      const outdir = tempDir('out');
      const crateProps = props(crate);
      const saved = process.env.SSH_AUTH_SOCK;
      try {
        delete process.env.SSH_AUTH_SOCK;
        const prepared = Bundling.prepare(crateProps);
        const { stderr } = captureStderr(() => {
          expectCdkRustError(
            () => Bundling.build(prepared, path.join(outdir, 'asset')),
            'SSH_AGENT_MISSING',
            'SSH_AUTH_SOCK is not set',
            'ssh-add',
          );
        });
        expect(stderr).not.toContain('[cdk-rust] building');

        process.env.SSH_AUTH_SOCK = path.join(outdir, 'dead.sock');
        expect(() => Bundling.build(Bundling.prepare(crateProps), path.join(outdir, 'asset'))).toThrow(/dead \(no agent answers there\)/);
        expect(fs.existsSync(path.join(outdir, 'asset'))).toBe(false);
      } finally {
        process.env.SSH_AUTH_SOCK = saved;
      }
    });

    test('a wrong pinned host key fails the fetch with a clear message, and leaves nothing behind', () => {
      // The same repository under another host name, so that no earlier test's git cache serves it and
      // the fetch must reach the server (cargo does not contact it for a locked commit it already has).
      const crate = copyFixture('private-dep');
      for (const file of ['Cargo.toml', 'Cargo.lock']) {
        const p = path.join(crate, file);
        fs.writeFileSync(p, fs.readFileSync(p, 'utf-8').replace('git@127.0.0.1:22222', 'git@localhost:22222'));
      }
      const outdir = tempDir('out');
      const wrongKey = '[localhost]:22222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
      const prepared = Bundling.prepare({ ...props(crate), knownHosts: [wrongKey] });
      const error = captureStderr(() => thrownBy(() => Bundling.build(prepared, path.join(outdir, 'asset')))).result as CdkRustError;
      expect(error?.code).toBe('BUILD_FAILED');
      expect(error?.message).toContain('Host key verification failed');
      expect(error?.fix).toContain('knownHosts');
      expect(fs.existsSync(path.join(outdir, 'asset'))).toBe(false);
    });

    // Cargo's freshness is the same whichever client runs it (build-cache.e2e makes one-line edits through both).
    (client === 'classic' ? test : test.skip)('a one-line source edit recompiles only the edited crate', () => {
      const crate = copyFixture('private-dep');
      const outdir = tempDir('out');
      const first = captureStderr(() => Bundling.build(Bundling.prepare(props(crate)), path.join(outdir, 'first'))).result;
      expect(first.log).toMatch(/Compiling private-greeting/);

      const main = path.join(crate, 'src', 'main.rs');
      fs.writeFileSync(main, fs.readFileSync(main, 'utf-8').replace('println!("{}", ', 'println!("{}!", '));
      const second = captureStderr(() => Bundling.build(Bundling.prepare(props(crate)), path.join(outdir, 'second'))).result;
      const compiled = [...second.log.matchAll(/Compiling (\S+) v/g)].map((m) => m[1]);
      expect(compiled).toEqual(['private-dep']);
      expect(runBinary(second.bootstrap)).toBe('hello cdk-rust, from a private git dependency!\n');
    });
  });

  describe('an interrupted build', () => {
    test('leaves no asset behind, and the next synth builds a correct one', async () => {
      devEnv();
      const crate = copyFixture('hello');
      const outdir = tempDir('interrupted');
      // Verbose: the test interrupts once cargo's output shows the compile under way.
      const synthOne = path.join(__dirname, '..', 'fixtures', 'synth-one.ts');
      const proc = tsNodeProcess(synthOne, [path.join(crate, 'Cargo.toml'), outdir], { CDK_RUST_VERBOSE: '1' });
      const child = spawn(proc.command, proc.args, proc.options);
      let stderr = '';
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          // Interrupt once the compile step is under way.
          if (/Compiling /.test(stderr) && child.exitCode === null && !child.killed) child.kill('SIGINT');
        });
        child.on('exit', () => resolve());
        child.on('error', reject);
      });
      expect(stderr).toContain('[cdk-rust] building hello/hello');
      expect(fs.readdirSync(outdir).filter((f) => /^asset\.[0-9a-f]{64}$/.test(f))).toEqual([]);

      const again = synthFunction(outdir, { manifestPath: path.join(crate, 'Cargo.toml'), builderImage: devEnv().builderImage });
      expect(runBinary(path.join(again.assetDir, 'bootstrap'))).toBe('hello from cdk-rust\n');
      expect(fs.readdirSync(again.assetDir)).toEqual(['bootstrap']);
    });
  });

  describe('a compile error', () => {
    test("shows cargo's own output in full and leaves no partial asset", () => {
      const env = devEnv();
      const crate = copyFixture('hello');
      fs.writeFileSync(path.join(crate, 'src', 'main.rs'), 'fn main() {\n    let x: u32 = "not a number";\n}\n');
      const outdir = tempDir('out');
      const error = thrownBy(() =>
        synthFunction(outdir, { manifestPath: path.join(crate, 'Cargo.toml'), builderImage: env.builderImage }),
      ) as Error;
      expect(error?.message).toContain('error[E0308]: mismatched types');
      expect(error?.message).toContain('src/main.rs:2');
      expect(error?.message).toContain('expected `u32`, found `&str`');
      expect(fs.readdirSync(outdir).filter((f) => f.startsWith('asset.'))).toEqual([]);
    });
  });
});
