/**
 * Scenario 23: a function packaged as a container image (`packaging: FunctionPackaging.IMAGE`) against the same
 * function as a zip: greeter synthesized once as both, in one app (one cargo build serves them), then
 *   size: the zip of the zip asset's folder (deflated, as CDK zips it) against the image tarball `cdk deploy` loads,
 *         its one uncompressed layer, and that layer gzipped (as `docker push` sends it to ECR);
 *   local init: `localFunctionFromAssembly` + `start()` for each (process start to the first `/next`, what
 *         `cdk-rust invoke` reports as Init Duration): the zip's bootstrap on the host against a container of the
 *         image (`docker run --network host`; its `docker load` untimed), min/median/max over rounds, alternating.
 */
import * as path from 'path';
import { runAppScript } from '../child-script';
import { Context, Scenario } from '../context';
import { Table, median, progress } from '../support';

const TITLE = 'Function image (packaging: IMAGE) against the zip of the same function (greeter)';

/** The app and the measurements, in a process of its own on the compiled library (as scenario 9). */
function script(greeter: string, outdir: string, rounds: number): string {
  return `'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { App, Stack } = require('aws-cdk-lib');
const lib = require(path.join(process.env.BENCH_DIST, 'index.js'));
(async () => {
  const outdir = ${JSON.stringify(outdir)};
  const app = new App({ outdir, analyticsReporting: false });
  const stack = new Stack(app, 'Bench');
  const manifestPath = ${JSON.stringify(path.join(greeter, 'Cargo.toml'))};
  new lib.RustFunction(stack, 'Zip', { manifestPath });
  new lib.RustFunction(stack, 'Image', { manifestPath, packaging: lib.FunctionPackaging.IMAGE });
  app.synth();
  const zipFn = lib.listAssemblyFunctions(outdir).find((f) => f.constructPath === 'Bench/Zip');
  const imageFn = lib.listAssemblyFunctions(outdir).find((f) => f.constructPath === 'Bench/Image');
  const zipFile = path.join(outdir, 'bench-zip.zip');
  execFileSync('zip', ['-q', '-X', '-r', zipFile, '.'], { cwd: zipFn.codeDirectory });
  const tarball = path.join(imageFn.image.assemblyDir, imageFn.image.loadCommand[imageFn.image.loadCommand.length - 1]);
  const listing = execFileSync('tar', ['-tvf', tarball], { encoding: 'utf-8' });
  const layer = listing.split('\\n').find((l) => l.endsWith('/layer.tar'));
  const sizes = {
    bootstrap: fs.statSync(path.join(zipFn.codeDirectory, 'bootstrap')).size,
    zip: fs.statSync(zipFile).size,
    tarball: fs.statSync(tarball).size,
    layer: Number(layer.trim().split(/\\s+/)[2]),
    // What a registry stores and Lambda pulls: the layer gzipped (docker push compresses it).
    layerGzip: require('zlib').gzipSync(execFileSync('tar', ['-xOf', tarball, layer.trim().split(/\\s+/).pop()], { maxBuffer: 1 << 30 })).length,
  };
  const init = { zip: [], image: [] };
  const selectors = { zip: 'Bench/Zip', image: 'Bench/Image' };
  // A new LocalFunction per start, as each \`cdk-rust invoke\` is: the image's \`docker load\` comes before the timed init.
  for (let r = 0; r < ${rounds}; r++) {
    for (const kind of r % 2 ? ['image', 'zip'] : ['zip', 'image']) {
      const { fn } = lib.localFunctionFromAssembly(outdir, selectors[kind], { streamLogs: false });
      try {
        init[kind].push(await fn.start());
      } finally {
        await fn.close();
      }
    }
  }
  process.stdout.write('BENCH-RESULT ' + JSON.stringify({ sizes, init }) + '\\n');
})().catch((e) => { console.error((e && e.stack) || e); process.exit(1); });
`;
}

/** What the script measures: bytes, and milliseconds of each local start. */
interface ScriptResult {
  readonly sizes: Record<'bootstrap' | 'zip' | 'tarball' | 'layer' | 'layerGzip', number>;
  readonly init: Record<'zip' | 'image', number[]>;
}

export const imageFunction: Scenario = {
  id: '23',
  name: 'image-function',
  title: TITLE,
  needsDevEnv: true,
  run(ctx: Context): Table {
    const [cold] = ctx.workbench.ensureColdDocker(1);
    const rounds = ctx.options.quick ? 5 : 20;
    progress(`s23: greeter as a zip and as an image, one synth; then ${rounds} local starts of each`);
    const ran = runAppScript<ScriptResult>(
      ctx,
      { id: '23', title: TITLE },
      {
        name: 's23-image-function',
        file: 'image-function-bench.js',
        source: script(cold.dir, path.join(ctx.work, 'image-function-app.out'), rounds),
        timeoutSeconds: 1800,
        what: 'the image function app',
        tailLines: 15,
      },
    );
    if ('table' in ran) return ran.table;
    const { sizes, init } = ran.result;
    ctx.results.raw['23'] = { bytes: sizes, initMilliseconds: init };
    const seconds = (v: number[]) => v.map((ms) => ms / 1000);
    return {
      id: '23',
      title: TITLE,
      notes: [
        `the same static musl bootstrap (${(sizes.bootstrap / 1e6).toFixed(2)} MB) in both; the image adds the CA bundle, /etc/passwd and /etc/group, and tar headers`,
        'init = start() of a LocalFunction from the assembly: process (or `docker run`) start to the first /next; ' +
          "a new LocalFunction per start (the image's `docker load` before it, untimed)",
        `medians: zip ${median(init.zip).toFixed(1)} ms, image ${median(init.image).toFixed(1)} ms`,
      ],
      rows: [
        { variant: 'size: zip (deflated)', unit: 'MB', samples: [sizes.zip] },
        { variant: 'size: image tarball', unit: 'MB', samples: [sizes.tarball], ref: 'size: zip (deflated)' },
        { variant: 'size: image layer (uncompressed)', unit: 'MB', samples: [sizes.layer], ref: 'size: zip (deflated)' },
        { variant: 'size: image layer (gzip, as pushed)', unit: 'MB', samples: [sizes.layerGzip], ref: 'size: zip (deflated)' },
        { variant: 'init: zip bootstrap on the host', unit: 'ms', samples: seconds(init.zip) },
        { variant: 'init: image container', unit: 'ms', samples: seconds(init.image), ref: 'init: zip bootstrap on the host' },
      ],
    };
  },
};
