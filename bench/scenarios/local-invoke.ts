/**
 * Scenario 9: local invoke through lib/invoke's `LocalFunction`: cold start and warm invoke latency of
 * greeter's bootstrap (`new LocalFunction({ code })`, `start()`, `invoke(event)`, `close()`), in a
 * process of its own.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runAppScript } from '../child-script';
import { Context, Scenario } from '../context';
import { median, progress } from '../support';
import { Workbench } from '../workbench';

const TITLE = 'Local invoke (lib/invoke)';

/** lib/invoke's module, compiled, when it exists and loads; otherwise why not. */
function loadInvoke(ctx: Context, wb: Workbench): { file: string } | { reason: string } {
  if (!fs.existsSync(path.join(ctx.repo, 'lib', 'invoke'))) return { reason: 'lib/invoke does not exist' };
  const dist = wb.ensureDist();
  const candidates = ['index.js', 'local-function.js'].map((f) => path.join(dist, 'lib', 'invoke', f)).filter((f) => fs.existsSync(f));
  // Checked in the compiled text: the module itself is loaded by a child process with NODE_PATH set.
  for (const file of candidates) {
    if (/exports\.LocalFunction\s*=/.test(fs.readFileSync(file, 'utf-8'))) return { file };
  }
  return { reason: 'lib/invoke exports no LocalFunction' };
}

export const localInvoke: Scenario = {
  id: '9',
  name: 'local-invoke',
  title: TITLE,
  needsDevEnv: true,
  run(ctx: Context) {
    const { workbench: wb } = ctx;
    const loaded = loadInvoke(ctx, wb);
    if ('reason' in loaded) return { id: '9', title: TITLE, rows: [], notes: [`not available: ${loaded.reason}`] };
    const [build] = wb.ensureColdDocker(1);
    const colds = ctx.options.quick ? 3 : 10;
    const warms = ctx.options.quick ? 20 : 200;
    const script = `'use strict';
    const { LocalFunction } = require(${JSON.stringify(loaded.file)});
    const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;
    (async () => {
      const out = { init: [], initReported: [], firstResponse: [], warm: [], warmReported: [] };
      for (let c = 0; c < ${colds}; c++) {
        const t0 = process.hrtime.bigint();
        const fn = new LocalFunction({ code: ${JSON.stringify(path.dirname(build.bootstrap))}, functionName: 'greeter', streamLogs: false });
        try {
          out.initReported.push(await fn.start());
          out.init.push(ms(t0));
          const first = await fn.invoke({ name: 'bench' });
          if (!first.ok) throw new Error('first invoke failed: ' + JSON.stringify(first.error));
          out.firstResponse.push(ms(t0));
          for (let w = 0; w < ${Math.ceil(warms / colds)}; w++) {
            const t1 = process.hrtime.bigint();
            const r = await fn.invoke({ name: 'bench' + w });
            if (!r.ok) throw new Error('warm invoke failed: ' + JSON.stringify(r.error));
            out.warm.push(ms(t1));
            out.warmReported.push(r.durationMs);
          }
        } finally {
          await fn.close();
        }
      }
      process.stdout.write('BENCH-RESULT ' + JSON.stringify(out) + '\\n');
    })().catch((e) => { console.error((e && e.stack) || e); process.exit(1); });
  `;
    progress(`s9: ${colds} cold starts and ${warms} warm invokes of greeter through lib/invoke`);
    const ran = runAppScript<Record<string, number[]>>(
      ctx,
      { id: '9', title: TITLE },
      {
        name: 's9-invoke',
        file: 'invoke-bench.js',
        source: script,
        timeoutSeconds: 600,
        what: "lib/invoke's LocalFunction",
        tailLines: 10,
      },
    );
    if ('table' in ran) return ran.table;
    const out = ran.result;
    ctx.results.raw['9'] = { milliseconds: out };
    const sec = (v: number[]) => v.map((x) => x / 1000);
    return {
      id: '9',
      title: TITLE,
      unit: 'ms',
      notes: [
        'cold = new LocalFunction + start() (spawn to the first /next) and the first response; warm = one invoke on the running process',
        `medians in ms: spawn->first /next ${median(out.init).toFixed(1)} (library's own ${median(out.initReported).toFixed(1)}), ` +
          `spawn->first response ${median(out.firstResponse).toFixed(1)}, warm invoke ${median(out.warm).toFixed(2)} (library's durationMs ${median(out.warmReported).toFixed(2)})`,
      ],
      rows: [
        { variant: 'cold: spawn -> first /next', samples: sec(out.init) },
        { variant: 'cold: spawn -> first response', samples: sec(out.firstResponse) },
        { variant: 'warm invoke (wall)', samples: sec(out.warm) },
      ],
    };
  },
};
