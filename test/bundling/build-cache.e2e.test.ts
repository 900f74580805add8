/**
 * The build cache end to end, through real builds with both Docker clients: a second Docker daemon with
 * a data root of its own stands for a fresh CI runner, and a copy of a crate at a new path stands for a
 * daemon whose target cache is empty (target caches are per project path).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Bundling, BundlingProps } from '../../lib/bundling/bundling';
import { FreshDaemon, startFreshDaemon } from '../fresh-daemon';
import { TEST_CLIENTS, captureStderr, clientEnv, copyFixture, devEnv, listFiles, runBinary, tempDir, useEnvironment } from '../support';

const GREETING = 'hello cdk-rust, from a private git dependency\n';

function props(crate: string, cacheDirectory: string): BundlingProps {
  const env = devEnv();
  return { manifestPath: path.join(crate, 'Cargo.toml'), builderImage: env.builderImage, knownHosts: env.knownHosts, cacheDirectory };
}

function build(crate: string, cacheDirectory: string): { log: string; stderr: string; bootstrap: string } {
  const { result, stderr } = captureStderr(() =>
    Bundling.build(Bundling.prepare(props(crate, cacheDirectory)), path.join(tempDir('asset'), 'asset')),
  );
  return { log: result.log, stderr, bootstrap: result.bootstrap };
}

function compiled(log: string): string[] {
  return [...log.matchAll(/Compiling (\S+) v/g)].map((m) => m[1]);
}

function editGreeting(crate: string, mark: string): void {
  const main = path.join(crate, 'src', 'main.rs');
  fs.writeFileSync(main, fs.readFileSync(main, 'utf-8').replace('println!("{}"', `println!("{}${mark}"`));
}

/** Every file of the cache directory and its size and time, to show that nothing was written. */
function snapshotOf(dir: string): string[] {
  return listFiles(dir).map((f) => `${path.relative(dir, f)} ${fs.statSync(f).size} ${fs.statSync(f).mtimeMs}`);
}

/** Cache directories this file made (hundreds of MB each), removed after its tests. */
const cacheDirs: string[] = [];
afterAll(() => cacheDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A copy of a primed cache directory (cheaper than a cold build per test). */
function copyOf(cacheDir: string): string {
  const copy = tempDir('ci-cache');
  cacheDirs.push(copy);
  fs.cpSync(cacheDir, copy, { recursive: true, preserveTimestamps: true });
  return copy;
}

/**
 * A cache directory holding one cold build of private-dep, made once for every test below (with the default,
 * classic client: the cache's contents do not depend on the client, and its key does not name it).
 */
let primed = '';
beforeAll(() => {
  primed = tempDir('ci-cache-primed');
  cacheDirs.push(primed);
  const cold = build(copyFixture('private-dep'), primed);
  expect(cold.stderr).toMatch(/\[cdk-rust\] build cache: nothing stored for private-dep yet/);
  expect(cold.stderr).toMatch(/\[cdk-rust\] build cache: saved [0-9a-f]{16}-[0-9a-f]{16} \(/);
});

describe.each(TEST_CLIENTS)('build cache with the %s client', (client) => {
  useEnvironment(() => clientEnv(client));

  describe('on a fresh runner (a second Docker daemon that starts empty)', () => {
    let daemon: FreshDaemon | undefined;
    afterAll(() => daemon?.stop());

    test('a one-line change recompiles only the changed crate, from the restored cache, and the binary carries it', () => {
      const env = devEnv();
      const crate = copyFixture('private-dep');
      const cacheDir = copyOf(primed);
      // A new checkout (another path, new file times) of the sources the cache was saved from: nothing to compile.
      const first = build(crate, cacheDir);
      // (and the registry and git caches too, when this daemon has not seen them restored yet)
      expect(first.stderr).toMatch(/build cache: restored the target cache (and the registry and git caches )?of private-dep/);
      expect(compiled(first.log)).toEqual([]);
      expect(runBinary(first.bootstrap)).toBe(GREETING);

      editGreeting(crate, '!');
      daemon = startFreshDaemon();
      daemon.loadImage(env.builderImage);
      const mainDaemon = process.env.DOCKER_HOST;
      process.env.DOCKER_HOST = daemon.host;
      try {
        const second = build(crate, cacheDir);
        expect(second.stderr).toMatch(
          /build cache: restored the target cache and the registry and git caches of private-dep from [0-9a-f-]{33} \(/,
        );
        expect(compiled(second.log)).toEqual(['private-dep']);
        expect(runBinary(second.bootstrap)).toBe(GREETING.replace('\n', '!\n'));
        // The saved entry now carries the edit: a third runner compiles nothing.
        expect(second.stderr).toMatch(/build cache: saved /);
      } finally {
        if (mainDaemon === undefined) delete process.env.DOCKER_HOST;
        else process.env.DOCKER_HOST = mainDaemon;
        daemon.stop();
        daemon = undefined;
      }
    });
  });

  describe('on a daemon whose target cache is empty', () => {
    test('no key, agent socket or secret of the build reaches the cache directory', () => {
      const env = devEnv();
      const cacheDir = primed;
      const keyFile = path.join(path.dirname(env.sshAuthSock), 'client_ed25519');
      const keyBody = fs
        .readFileSync(keyFile, 'utf-8')
        .split('\n')
        .filter((l) => l && !l.startsWith('-----'))
        .join('');
      const needles = [keyBody.slice(0, 40), keyBody.slice(-40), 'PRIVATE KEY-----', env.sshAuthSock, 'SSH_AUTH_SOCK='];
      const files = listFiles(cacheDir);
      expect(files.some((f) => f.endsWith('.tar'))).toBe(true);
      for (const file of files) {
        const bytes = fs.readFileSync(file);
        for (const needle of needles) expect([path.basename(file), bytes.includes(needle)]).toEqual([path.basename(file), false]);
      }
    });

    // The fallback is decided on the host, whatever the client: one cold build is enough.
    (client === 'classic' ? test : test.skip)(
      'a damaged archive is never used: the build runs cold, warns, and the binary is right',
      () => {
        const cacheDir = copyOf(primed);
        for (const object of listFiles(path.join(cacheDir, 'objects'))) {
          const bytes = fs.readFileSync(object);
          bytes[bytes.length >> 1] ^= 0xff;
          fs.writeFileSync(object, bytes);
        }
        const crate = copyFixture('private-dep');
        editGreeting(crate, '?');
        const second = build(crate, cacheDir);
        expect(second.stderr).toMatch(/build cache: the archives of \S+ do not match their digests; private-dep builds without the cache/);
        expect(compiled(second.log)).toEqual(expect.arrayContaining(['private-greeting', 'private-dep']));
        expect(runBinary(second.bootstrap)).toBe(GREETING.replace('\n', '?\n'));
        expect(second.stderr).toMatch(/build cache: saved /);
      },
    );

    test('read-only (pull-request builds): restores, and writes nothing', () => {
      const cacheDir = copyOf(primed);
      const before = snapshotOf(cacheDir);
      const saved = process.env.CDK_RUST_CACHE_READ_ONLY;
      process.env.CDK_RUST_CACHE_READ_ONLY = 'true';
      try {
        const crate = copyFixture('private-dep');
        editGreeting(crate, '#');
        const second = build(crate, cacheDir);
        expect(second.stderr).toMatch(/build cache: restored the target cache/);
        expect(compiled(second.log)).toEqual(['private-dep']);
        expect(second.stderr).not.toMatch(/build cache: saved/);
      } finally {
        if (saved === undefined) delete process.env.CDK_RUST_CACHE_READ_ONLY;
        else process.env.CDK_RUST_CACHE_READ_ONLY = saved;
      }
      expect(snapshotOf(cacheDir)).toEqual(before);
    });

    test('two synths at once on one cache directory both restore, build and save whole entries', async () => {
      const cacheDir = copyOf(primed);
      const crates = [copyFixture('private-dep'), copyFixture('private-dep')];
      crates.forEach((crate, i) => editGreeting(crate, ['1', '2'][i]));
      const synths = crates.map((crate) => synthInChild(crate, cacheDir));
      const results = await Promise.all(synths);
      results.forEach(({ code, stderr, outdir }, i) => {
        expect([code, stderr.slice(-2000)]).toEqual([0, expect.any(String)]);
        expect(stderr).toMatch(/build cache: restored the target cache/);
        const asset = fs.readdirSync(outdir).find((f) => /^asset\.[0-9a-f]{64}$/.test(f)) as string;
        expect(runBinary(path.join(outdir, asset, 'bootstrap'))).toBe(GREETING.replace('\n', `${i + 1}\n`));
      });
      const entries = fs.readdirSync(path.join(cacheDir, 'entries'));
      expect(entries).toHaveLength(1);
      expect(fs.readdirSync(path.join(cacheDir, 'tmp'))).toEqual([]);
    });
  });
});

/** Synthesizes a one-function app for `crate` in a child process, with the cache directory from the environment. */
function synthInChild(crate: string, cacheDir: string): Promise<{ code: number | null; stderr: string; outdir: string }> {
  const outdir = tempDir('synth');
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      path.join(__dirname, '..', 'fixtures', 'synth-one.ts'),
      path.join(crate, 'Cargo.toml'),
      outdir,
    ],
    {
      env: {
        ...process.env,
        TS_NODE_PROJECT: path.join(__dirname, '..', '..', 'tsconfig.json'),
        CDK_RUST_CACHE_DIR: cacheDir,
      },
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => resolve({ code, stderr, outdir }));
    child.on('error', reject);
  });
}
