/** Scenario 6: the size of greeter's `bootstrap` and of its zip (`zipFiles`). */
import * as fs from 'fs';
import { zipFiles } from '../../lib/bundling/zip';
import { Context, Scenario } from '../context';

const TITLE = 'bootstrap and zip size of greeter';

export const artifactSize: Scenario = {
  id: '6',
  name: 'artifact-size',
  title: TITLE,
  needsDevEnv: true,
  run(ctx: Context) {
    const { workbench: wb } = ctx;
    const [build] = wb.ensureColdDocker(1);
    const bootstrap = fs.readFileSync(build.bootstrap);
    const zip = zipFiles([{ name: 'bootstrap', content: bootstrap, mode: 0o755 }]);
    const notes = [
      `greeter, ours Docker (musl, static): bootstrap ${bootstrap.length} bytes (${(bootstrap.length / 2 ** 20).toFixed(2)} MiB), zip ${zip.length} bytes (${(zip.length / 2 ** 20).toFixed(2)} MiB)`,
    ];
    const sizes: Record<string, number> = { bootstrap: bootstrap.length, zip: zip.length };
    if (wb.coldLocalBootstrap) {
      const local = fs.readFileSync(wb.coldLocalBootstrap);
      const localZip = zipFiles([{ name: 'bootstrap', content: local, mode: 0o755 }]);
      notes.push(`greeter, ours local (gnu, +crt-static): bootstrap ${local.length} bytes, zip ${localZip.length} bytes`);
      sizes.localBootstrap = local.length;
      sizes.localZip = localZip.length;
    }
    ctx.results.raw['6'] = sizes;
    return { id: '6', title: TITLE, notes, rows: [] };
  },
};
