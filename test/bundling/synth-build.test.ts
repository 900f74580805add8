import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Bundling, PreparedBuild } from '../../lib/bundling/bundling';
import { writeLambdaZip } from '../../lib/bundling/output-layout';
import { buildInto, synthTimeBundling } from '../../lib/bundling/synth-build';
import { CdkRustError } from '../../lib/errors';
import { expectCdkRustError, fixture, tempDir } from '../support';
import { withFakeDocker } from './fake-docker';

/** A Docker build of the hello fixture shipping `configuration/` (no Docker asked: the image is not resolved). */
function prepared(): PreparedBuild {
  const dir = tempDir('synth-build-crate');
  fs.cpSync(path.dirname(fixture('hello')), dir, { recursive: true });
  fs.mkdirSync(path.join(dir, 'configuration'));
  fs.writeFileSync(path.join(dir, 'configuration', 'base.json'), '{}');
  return Bundling.prepare(
    {
      manifestPath: path.join(dir, 'Cargo.toml'),
      builderImage: 'builder:1',
      forceDockerBundling: true,
      files: [{ source: 'configuration' }],
    },
    { resolveImage: false },
  );
}

/** Every file and directory under `dir`, relative, sorted. */
function listed(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map((p) => p.split(path.sep).join('/')).sort();
}

describe('synth-build: one build per asset, laid out by the construct, nothing left behind', () => {
  test("a function's asset holds bootstrap (0755) and its files, and no build directory", () => {
    const build = prepared();
    const outdir = path.join(tempDir('synth-build-zip'), 'asset');
    withFakeDocker(() => buildInto(build, outdir, writeLambdaZip(build.files)));
    expect(listed(outdir)).toEqual(['bootstrap', 'configuration', 'configuration/base.json']);
    expect(fs.statSync(path.join(outdir, 'bootstrap')).mode & 0o777).toBe(0o755);
  });

  test('files left in the asset directory by an interrupted earlier build are gone', () => {
    const build = prepared();
    const outdir = path.join(tempDir('synth-build-stale'), 'asset');
    fs.mkdirSync(path.join(outdir, '.cdk-rust-build'), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'stale'), 'x');
    withFakeDocker(() => buildInto(build, outdir, writeLambdaZip(build.files)));
    expect(listed(outdir)).toEqual(['bootstrap', 'configuration', 'configuration/base.json']);
  });

  test('a layout that fails leaves no asset directory, and its error is thrown', () => {
    const build = prepared();
    const outdir = path.join(tempDir('synth-build-fail'), 'asset');
    const failing = () => {
      throw new CdkRustError('INVALID_IMAGE', 'the layout failed.', 'nothing.');
    };
    expectCdkRustError(() => withFakeDocker(() => buildInto(build, outdir, failing)), 'INVALID_IMAGE', 'the layout failed.');
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test('a failed build in CDK bundling names the construct and leaves no asset directory', () => {
    const build = prepared();
    const stack = new Stack(new App(), 'Stack');
    const bundling = synthTimeBundling(build, `${stack.node.path}/Fn`, writeLambdaZip(build.files));
    const outdir = path.join(tempDir('synth-build-cdk'), 'asset');
    expectCdkRustError(
      () => withFakeDocker(() => bundling.local!.tryBundle(outdir, bundling), false),
      'BUILD_FAILED',
      'Stack/Fn',
      'produced no bootstrap',
    );
    expect(fs.existsSync(outdir)).toBe(false);
  });
});
