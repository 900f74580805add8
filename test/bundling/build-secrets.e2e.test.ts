/**
 * Build secrets end to end (issue 19, finding 10): a real build reads `bundling.buildSecrets`
 * (test/fixtures/secret-build reports only the secret's length and digest), through both Docker
 * clients and the host toolchain, and the value is found nowhere cdk-rust writes: not in the cloud
 * assembly (the asset, the manifest and its metadata, the template), the build's output, or the
 * Dockerfile. A Docker build exports files only (`--output type=local`): there is no image to search.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { RustFunction, RustBundlingOptions } from '../../lib';
import { Bundling } from '../../lib/bundling/bundling';
import { cacheIdsFor, renderDockerfile } from '../../lib/bundling/dockerfile';
import { captureStderr, clientEnv, copyFixture, devEnv, listFiles, runBinary, tempDir, useEnvironment } from '../support';

/** A fresh value per run: found anywhere, it can only have come from this test. */
const TOKEN = `tok-${crypto.randomBytes(16).toString('hex')}`;

/** The variable the secret comes from on the host. */
const HOST_VARIABLE = 'CDK_RUST_TEST_BUILD_TOKEN';

/** What the fixture prints when its build saw `value`. */
function reportOf(value: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(value)) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return `len=${Buffer.byteLength(value)};fnv=${hash.toString(16).padStart(16, '0')}\n`;
}

/** Synthesizes a RustFunction of a copy of the fixture; returns the assembly, the bootstrap and what was printed. */
function synthSecretBuild(bundling: RustBundlingOptions): { outdir: string; bootstrap: string; stderr: string; crate: string } {
  const crate = copyFixture('secret-build');
  const outdir = tempDir('secret-assembly');
  const { stderr } = captureStderr(() => {
    const app = new App({ outdir, analyticsReporting: false });
    new RustFunction(new Stack(app, 'S'), 'Fn', { manifestPath: path.join(crate, 'Cargo.toml'), bundling });
    app.synth();
  });
  const assets = fs.readdirSync(outdir).filter((f) => /^asset\.[0-9a-f]{64}$/.test(f));
  expect(assets).toHaveLength(1);
  return { outdir, bootstrap: path.join(outdir, assets[0], 'bootstrap'), stderr, crate };
}

/** Every file below `dir` that holds `value`. */
function filesHolding(dir: string, value: string): string[] {
  return listFiles(dir).filter((file) => fs.readFileSync(file).includes(Buffer.from(value)));
}

/** cdk-rust's secret folders in the temporary directory. */
function secretFolders(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('cdk-rust-secrets-'));
}

describe.each([
  ['classic', 'env'],
  ['buildx', 'file'],
] as const)('build secrets in a Docker build (%s client, an %s: source)', (client, kind) => {
  useEnvironment(() => ({ ...clientEnv(client), [HOST_VARIABLE]: TOKEN }));

  test('the compile step sees the secret; no trace of its value in the assembly, the asset, the output or the Dockerfile', () => {
    const sourceDir = tempDir('secret-source');
    fs.writeFileSync(path.join(sourceDir, 'token'), `${TOKEN}\n`, { mode: 0o600 });
    const source = kind === 'env' ? `env:${HOST_VARIABLE}` : `file:${path.join(sourceDir, 'token')}`;
    const bundling: RustBundlingOptions = {
      builderImage: devEnv().builderImage,
      forceDockerBundling: true,
      buildSecrets: { BUILD_TOKEN: source },
    };
    const before = secretFolders();
    const { outdir, bootstrap, stderr, crate } = synthSecretBuild(bundling);
    try {
      // The build script read it (a trailing line break of the file is dropped, as $(cat) drops it).
      expect(runBinary(bootstrap)).toBe(reportOf(TOKEN));
      expect(filesHolding(outdir, TOKEN)).toEqual([]);
      // The assembly names the secret (the build record, for cdk-rust watch), never its value.
      expect(filesHolding(outdir, '"BUILD_TOKEN"')).not.toEqual([]);
      expect(stderr).not.toContain(TOKEN);
      // The build's own output (BuildKit's, with every RUN line), from a build of the same plan.
      const prepared = Bundling.prepare({ manifestPath: path.join(crate, 'Cargo.toml'), ...bundling });
      const again = captureStderr(() => Bundling.build(prepared, path.join(outdir, 'again'))).result;
      expect(again.log).toContain('--mount=type=secret,id=BUILD_TOKEN');
      expect(again.log).not.toContain(TOKEN);
      expect(runBinary(again.bootstrap)).toBe(reportOf(TOKEN));
      const dockerfile = renderDockerfile(prepared.plan, prepared.image, cacheIdsFor(prepared.plan, prepared.imageIdentity));
      expect(dockerfile).toContain('--mount=type=secret,id=BUILD_TOKEN');
      expect(dockerfile).not.toContain(TOKEN);
      expect(dockerfile).not.toContain(sourceDir);
      // The files handed to BuildKit are gone.
      expect(secretFolders()).toEqual(before);
    } finally {
      for (const dir of [outdir, crate, sourceDir]) fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('build secrets in a local build (the host toolchain)', () => {
  useEnvironment(() => ({ [HOST_VARIABLE]: TOKEN }));

  test("the compile's build scripts see the secret; the assembly and the output do not hold it", () => {
    const { outdir, bootstrap, stderr, crate } = synthSecretBuild({
      target: 'x86_64-unknown-linux-gnu',
      buildSecrets: { BUILD_TOKEN: `env:${HOST_VARIABLE}` },
    });
    try {
      expect(stderr).toContain('with the host toolchain');
      expect(runBinary(bootstrap)).toBe(reportOf(TOKEN));
      expect(filesHolding(outdir, TOKEN)).toEqual([]);
      expect(stderr).not.toContain(TOKEN);
    } finally {
      for (const dir of [outdir, crate]) fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
