/**
 * Several functions of one Cargo workspace, through real BuildKit builds: each gets its own correct
 * bootstrap, and what they share (std, the shared crate, dependencies) is compiled once.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { RustFunction } from '../../lib';
import { Bundling } from '../../lib/bundling/bundling';
import { captureStderr, copyFixture, describeBinary, devEnv, runBinary, tempDir } from '../support';

const BINS = ['alpha', 'beta', 'gamma'];

/** The crates cargo compiled, in order, from a build log. */
function compiled(log: string): string[] {
  return [...log.matchAll(/Compiling (\S+) v/g)].map((m) => m[1]);
}

describe('a workspace of three functions', () => {
  test('gives three correct, distinct bootstraps; the shared parts are compiled once', () => {
    const env = devEnv();
    const workspace = copyFixture('workspace');
    const outdir = tempDir('ws');
    const results = BINS.map((bin) => {
      const prepared = Bundling.prepare({
        manifestPath: path.join(workspace, 'Cargo.toml'),
        binaryName: bin,
        builderImage: env.builderImage,
      });
      return captureStderr(() => Bundling.build(prepared, path.join(outdir, bin))).result;
    });

    // The first build compiles std and the shared crate; the others reuse them, compiling only their own crate.
    expect(compiled(results[0].log)).toEqual(expect.arrayContaining(['shared', 'alpha']));
    expect(compiled(results[1].log)).toEqual(['beta']);
    expect(compiled(results[2].log)).toEqual(['gamma']);

    const binaries = results.map((r) => fs.readFileSync(r.bootstrap));
    expect(new Set(binaries.map((b) => b.toString('base64'))).size).toBe(3);
    results.forEach((r, i) => {
      expect(describeBinary(r.bootstrap)).toMatch(/statically linked/);
      expect(runBinary(r.bootstrap)).toBe(`${BINS[i]} says hello from a cdk-rust workspace\n`);
    });
  });

  test('in one app, the three are built by one cargo invocation; an unchanged re-synth builds none; an edit rebuilds only what it changes', () => {
    const env = devEnv();
    const workspace = copyFixture('workspace');
    const outdir = tempDir('ws-app');
    const synth = () =>
      captureStderr(() => {
        const app = new cdk.App({ outdir });
        const stack = new cdk.Stack(app, 'Workspace');
        for (const bin of BINS) {
          new RustFunction(stack, bin, {
            manifestPath: path.join(workspace, 'Cargo.toml'),
            binaryName: bin,
            bundling: { builderImage: env.builderImage },
          });
        }
        app.synth();
      }).stderr;
    const buildLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('[cdk-rust] building'));
    const assetDirs = () => fs.readdirSync(outdir).filter((f) => /^asset\.[0-9a-f]{64}$/.test(f));
    const outputs = (dirs: string[]) => dirs.map((a) => runBinary(path.join(outdir, a, 'bootstrap'))).sort();

    const first = buildLines(synth());
    expect(first).toHaveLength(1);
    expect(first[0]).toMatch(/building 3 bins of .* in one cargo build \(alpha, beta, gamma\)/);
    const assets = assetDirs();
    expect(assets).toHaveLength(3);
    expect(outputs(assets)).toEqual(BINS.map((b) => `${b} says hello from a cdk-rust workspace\n`));

    expect(buildLines(synth())).toEqual([]);

    // An edit to beta's own crate: only beta's asset is new, and only beta is built.
    const beta = path.join(workspace, 'functions', 'beta', 'src', 'main.rs');
    fs.writeFileSync(
      beta,
      fs
        .readFileSync(beta, 'utf-8')
        .replace('println!("{}", shared::describe("beta"));', 'println!("{} (edited)", shared::describe("beta"));'),
    );
    const third = buildLines(synth());
    expect(third).toHaveLength(1);
    expect(third[0]).toMatch(/building beta\/beta for /);
    expect(third[0]).not.toMatch(/alpha|gamma/);
    const added = assetDirs().filter((a) => !assets.includes(a));
    expect(outputs(added)).toEqual(['beta says hello from a cdk-rust workspace (edited)\n']);
  });
});
