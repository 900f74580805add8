/**
 * Scenario 2: re-synth with no change, whole `node app.js` processes: the app with one `RustFunction`
 * (already built) against the same app with `lambda.Function` + `Code.fromAsset(<dir with bootstrap>)`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { newestAsset } from '../assembly-assets';
import { Context, Scenario } from '../context';
import { Samples, Timed, rowOf, timeNoChangeSynths } from '../support';

const TITLE = 'Re-synth with no change (whole `node app.js` processes)';

export const noChangeResynth: Scenario = {
  id: '2',
  name: 'no-change-resynth',
  title: TITLE,
  needsDevEnv: true,
  run(ctx: Context) {
    const { workbench: wb } = ctx;
    const runs = ctx.options.noChangeRuns;
    const app = wb.ensureOursApp();
    const asset = newestAsset(app.outdir);
    const prebuilt = path.join(ctx.work, 'prebuilt', 'greeter');
    fs.mkdirSync(prebuilt, { recursive: true });
    fs.copyFileSync(path.join(asset, 'bootstrap'), path.join(prebuilt, 'bootstrap'));
    fs.chmodSync(path.join(prebuilt, 'bootstrap'), 0o755);
    const floorConfig = wb.writeConfig({
      outdir: path.join(ctx.work, 'floor-app.out'),
      functions: [],
      prebuilt: [{ id: 'Greeter', dir: prebuilt }],
    });
    const OURS = 'ours: RustFunction';
    const NOALARM = 'ours: RustFunction, errorRateAlarm false';
    const FLOOR = 'floor: lambda.Function + Code.fromAsset';
    const variants: Array<[string, () => Timed]> = [
      [OURS, () => wb.runApp('s2-ours', 'ours', app.configFile)],
      [FLOOR, () => wb.runApp('s2-floor', 'floor', floorConfig)],
      [NOALARM, () => wb.runApp('s2-ours-noalarm', 'ours', app.configNoAlarm)],
    ];
    const s: Samples = new Map();
    const builds = timeNoChangeSynths(s, runs, variants, 's2');
    const notes = [
      'whole processes: node startup + aws-cdk-lib + construct + synth; the same Node and compiled JS for both',
      `ours started ${builds} builds during the measured runs (0 expected: the asset exists)`,
      'ours adds what RustFunction creates besides the function (role, log group, alarm, KMS-encrypted topic, DLQ); the errorRateAlarm false row shows that part',
    ];
    return {
      id: '2',
      title: TITLE,
      notes,
      rows: [rowOf(s, FLOOR), rowOf(s, OURS, { ref: FLOOR, targetMax: 1.2 }), rowOf(s, NOALARM, { ref: FLOOR })],
    };
  },
};
