/**
 * Scenario 22: concurrent local invocations (Lambda Managed Instances concurrency, emulated by lib/invoke): the
 * throughput of the concurrent-lambda fixture's `concurrent` bin (`lambda_runtime::run_concurrent`) against its
 * `sequential` bin (plain `run`), each given a concurrency of N and N invocations at once (N = 1, 8, 64), every
 * invocation sleeping 50 ms in the handler. Both bins are built by cdk-rust in Docker (untimed), and run warm in a
 * process of their own.
 */
import * as path from 'path';
import { runAppScript } from '../child-script';
import { Context, Scenario } from '../context';
import { median, progress } from '../support';

const TITLE = 'Concurrent local invocations (LocalFunction concurrency)';
const SLEEP_MS = 50;
const SIZES = [1, 8, 64];
const BINS = ['concurrent', 'sequential'] as const;

/** The child script: builds both bins, then times `rounds` batches of N invocations of each, warm. */
function script(ctx: Context, dist: string, image: string, rounds: number): string {
  const manifestPath = path.join(ctx.repo, 'test', 'fixtures', 'concurrent-lambda', 'Cargo.toml');
  return `'use strict';
  const path = require('path');
  const { Bundling } = require(${JSON.stringify(path.join(dist, 'bundling', 'bundling.js'))});
  const { LocalFunction } = require(${JSON.stringify(path.join(dist, 'invoke', 'local-function.js'))});
  (async () => {
    const out = {};
    for (const bin of ${JSON.stringify(BINS)}) {
      const prepared = Bundling.prepare({ manifestPath: ${JSON.stringify(manifestPath)}, binaryName: bin, builderImage: ${JSON.stringify(image)}, forceDockerBundling: true });
      const { bootstrap } = Bundling.build(prepared, path.join(${JSON.stringify(ctx.work)}, 'concurrent-' + bin));
      for (const n of ${JSON.stringify(SIZES)}) {
        const fn = new LocalFunction({ code: bootstrap, concurrency: n, streamLogs: false, timeoutSeconds: 60 });
        try {
          await fn.start();
          const seconds = [];
          for (let r = 0; r < ${rounds}; r++) {
            const t0 = process.hrtime.bigint();
            const results = await Promise.all(Array.from({ length: n }, () => fn.invoke({ sleepMs: ${SLEEP_MS} })));
            seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
            const failed = results.find((x) => !x.ok);
            if (failed) throw new Error(bin + ' failed: ' + JSON.stringify(failed.error));
          }
          out[bin + '@' + n] = { seconds, peak: fn.peakConcurrency };
        } finally {
          await fn.close();
        }
      }
    }
    process.stdout.write('BENCH-RESULT ' + JSON.stringify(out) + '\\n');
  })().catch((e) => { console.error((e && e.stack) || e); process.exit(1); });
`;
}

/** Invocations per second of each round's batch of `n`. */
function throughput(n: number, seconds: number[]): number[] {
  return seconds.map((s) => n / s);
}

function spread(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${median(sorted).toFixed(1)} (${sorted[0].toFixed(1)}-${sorted[sorted.length - 1].toFixed(1)})`;
}

export const concurrentInvoke: Scenario = {
  id: '22',
  name: 'concurrent-invoke',
  title: TITLE,
  needsDevEnv: true,
  run(ctx: Context) {
    if (!ctx.dev) return { id: '22', title: TITLE, rows: [], notes: ['not measured: no development environment'] };
    const rounds = ctx.options.quick ? 3 : 10;
    const dist = path.join(ctx.workbench.ensureDist(), 'lib');
    progress(
      `s22: ${rounds} rounds of ${SIZES.join(', ')} invocations at once (${SLEEP_MS} ms each) of the concurrent and sequential bins`,
    );
    const ran = runAppScript<Record<string, { seconds: number[]; peak: number }>>(
      ctx,
      { id: '22', title: TITLE },
      {
        name: 's22-concurrent-invoke',
        file: 'concurrent-invoke-bench.js',
        source: script(ctx, dist, ctx.dev.image, rounds),
        timeoutSeconds: 1800,
        what: 'the concurrent invocations',
        tailLines: 10,
      },
    );
    if ('table' in ran) return ran.table;
    const out = ran.result;
    ctx.results.raw['22'] = out;
    const rows = SIZES.flatMap((n) => [
      { variant: `sequential (run), ${n} at once`, samples: out[`sequential@${n}`].seconds },
      {
        variant: `concurrent (run_concurrent), ${n} at once`,
        samples: out[`concurrent@${n}`].seconds,
        ref: `sequential (run), ${n} at once`,
      },
    ]);
    const grid = {
      title: `Throughput, invocations per second: median (min-max) over ${rounds} rounds; each invocation sleeps ${SLEEP_MS} ms`,
      header: ['N at once', 'sequential (run)', 'concurrent (run_concurrent)', 'ratio', 'peak at once (seq / conc)'],
      rows: SIZES.map((n) => {
        const seq = throughput(n, out[`sequential@${n}`].seconds);
        const conc = throughput(n, out[`concurrent@${n}`].seconds);
        return [
          String(n),
          spread(seq),
          spread(conc),
          `${(median(conc) / median(seq)).toFixed(2)}x`,
          `${out[`sequential@${n}`].peak} / ${out[`concurrent@${n}`].peak}`,
        ];
      }),
    };
    return {
      id: '22',
      title: TITLE,
      unit: 'ms',
      rows,
      grid,
      notes: [
        'rows: wall time of one batch of N invocations sent at once to a warm LocalFunction with concurrency N; the ratio is concurrent over sequential (lower is better)',
        'grid: the same batches as throughput (N / batch time); ideal: N / 50 ms for run_concurrent, 1 / 50 ms for run',
      ],
    };
  },
};
