/**
 * The security promises of builds, end to end: a fixture crate whose build script acts as a
 * compromised dependency would (test/fixtures/hostile-build) is built for real, and reports what it
 * could reach. Docker builds: nothing. Local builds: not the SSH agent. Another (test/fixtures/hostile-export)
 * tries to make the build export links to this machine's files: none leaves the build.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Bundling, BundlingProps } from '../../lib/bundling/bundling';
import { CdkRustError } from '../../lib/errors';
import { imageArchiveBytes } from '../../lib/service/image-archive';
import { captureStderr, copyFixture, devEnv, listFiles, runBinary, tempDir, thrownBy } from '../support';
import { ISOLATED_BUILD_REPORT } from './hostile-report';

/** The git server's address: reachable from the host network, so a build script on it could reach it too. */
const PROBE_ADDR = '127.0.0.1:22222';

/** Builds the hostile fixture and returns what its build script reported, as name → verdict. */
function buildHostile(props: Partial<BundlingProps>, outdir: string): Record<string, string> {
  const crate = copyFixture('hostile-build');
  const prepared = Bundling.prepare({
    manifestPath: path.join(crate, 'Cargo.toml'),
    builderImage: devEnv().builderImage,
    knownHosts: devEnv().knownHosts,
    ...props,
    buildEnvironment: { PROBE_ADDR, ...props.buildEnvironment },
  });
  const { result } = captureStderr(() => Bundling.build(prepared, outdir));
  const report = Object.fromEntries(
    runBinary(result.bootstrap)
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );
  fs.rmSync(crate, { recursive: true, force: true });
  return report;
}

describe('Docker builds: a hostile build script reaches nothing it could abuse', () => {
  test('not the registry or git caches (so it cannot plant a git sshCommand for a later fetch), not the agent, not the network', () => {
    // The output path has commas: BuildKit reads --output as CSV.
    const outdir = path.join(tempDir('out,with,commas'), 'asset');
    const report = buildHostile({ forceDockerBundling: true }, outdir);
    expect(report).toEqual(ISOLATED_BUILD_REPORT);
    expect(fs.readdirSync(outdir)).toEqual(['bootstrap']);
  });
});

describe('local builds: the compile step does not get the SSH agent', () => {
  test('a build script on the host finds no agent, while the fetch before it used one for the private dependency', () => {
    const cargoHome = tempDir('cargo-home');
    const report = buildHostile(
      { target: 'x86_64-unknown-linux-gnu', buildEnvironment: { CARGO_HOME: cargoHome } },
      path.join(tempDir('out'), 'asset'),
    );
    expect(report['agent-env']).toBe('absent');
    expect(report['agent-socket']).toBe('absent');
    expect(report.greeting).toBe('hello probe, from a private git dependency');
    fs.rmSync(cargoHome, { recursive: true, force: true });
  });
});

describe("the asset hash follows the builder image's contents, not its name", () => {
  test('re-tagging the builder image to other contents changes the hash', () => {
    const env = devEnv();
    const tag = `cdk-rust-retag-probe:${process.pid}`;
    const retag = (label: string) => {
      const built = spawnSync(env.docker, ['build', '-q', '-t', tag, '-'], {
        input: `FROM ${env.builderImage}\nLABEL cdk-rust-probe=${label}\n`,
        encoding: 'utf-8',
        env: { ...process.env, DOCKER_BUILDKIT: '1' },
      });
      expect(built.status).toBe(0);
    };
    const hash = () =>
      Bundling.prepare({ manifestPath: path.join(__dirname, '../fixtures/hello/Cargo.toml'), builderImage: tag, forceDockerBundling: true })
        .assetHash;
    try {
      retag('one');
      const first = hash();
      expect(hash()).toBe(first);
      retag('two');
      expect(hash()).not.toBe(first);
    } finally {
      spawnSync(env.docker, ['rmi', '-f', tag]);
    }
  });
});

describe('Docker builds: a build script cannot make the build export a link to this machine (test/fixtures/hostile-export)', () => {
  // One copy for both attacks: the second build reuses the first one's target cache (the standard library).
  let crate: string;
  let secret: { dir: string; file: string; bytes: Buffer };
  beforeAll(() => {
    crate = copyFixture('hostile-export');
    const dir = tempDir('host-secret');
    const bytes = Buffer.from(`aws_secret_access_key = host-secret-${process.pid}-${Date.now()}\n`);
    fs.writeFileSync(path.join(dir, 'credentials'), bytes, { mode: 0o600 });
    secret = { dir, file: path.join(dir, 'credentials'), bytes };
  });
  afterAll(() => {
    fs.rmSync(crate, { recursive: true, force: true });
    fs.rmSync(secret.dir, { recursive: true, force: true });
  });
  const prepare = (attack: string, props: Partial<BundlingProps> = {}) =>
    Bundling.prepare({
      manifestPath: path.join(crate, 'Cargo.toml'),
      builderImage: devEnv().builderImage,
      forceDockerBundling: true,
      ...props,
      buildEnvironment: { HOSTILE_EXPORT: attack },
    });

  test("timeZones: the builder's zoneinfo linked to a host folder by a build script ships none of it; the image holds the builder's time zones", () => {
    const prepared = prepare(`zoneinfo:${secret.dir}`, { containerImage: { zoneinfo: true } });
    const outdir = path.join(tempDir('hostile-tz'), 'asset');
    const built = captureStderr(() => Bundling.build(prepared, outdir)).result;
    // The attack ran: the build script replaced /usr/share/zoneinfo in the compile container.
    expect(built.log).toContain(`hostile-export: zoneinfo now leads to ${secret.dir}`);
    // What came out is data: files and directories, the zones the builder image's own.
    expect(listFiles(outdir).filter((file) => !fs.lstatSync(file).isFile())).toEqual([]);
    expect(
      fs
        .readFileSync(path.join(built.zoneinfo!, 'Europe', 'Paris'))
        .subarray(0, 4)
        .toString(),
    ).toBe('TZif');
    expect(fs.existsSync(path.join(built.zoneinfo!, 'credentials'))).toBe(false);
    const image = imageArchiveBytes({
      binaryName: 'hostile-export',
      binary: built.bootstrap,
      architecture: 'x86_64',
      caBundle: fs.readFileSync(built.caBundle!),
      zoneinfo: built.zoneinfo,
      port: 8080,
      repoTag: 'cdk-rust/hostile-export:test',
    });
    expect(image.bytes.includes(secret.bytes)).toBe(false);
  });

  test('a build script that replaces `install` so that bootstrap leaves as a link to a host file fails the build; the file is untouched', () => {
    const prepared = prepare(`bootstrap:${secret.file}`);
    const outdir = path.join(tempDir('hostile-bootstrap'), 'asset');
    const error = thrownBy(() => captureStderr(() => Bundling.build(prepared, outdir)));
    expect(error).toBeInstanceOf(CdkRustError);
    expect((error as CdkRustError).code).toBe('BUILD_FAILED');
    expect((error as CdkRustError).message).toContain('/out/bootstrap is not a regular file after install: a build script');
    // Nothing chmodded or read it, and nothing of the build was kept.
    expect(fs.statSync(secret.file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(secret.file).equals(secret.bytes)).toBe(true);
    expect(fs.existsSync(outdir)).toBe(false);
  });
});
