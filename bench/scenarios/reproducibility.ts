/**
 * Scenario 7: reproducibility: two clean builds (fresh copies at different paths) give the same
 * bootstrap and zip sha256.
 */
import * as fs from 'fs';
import * as path from 'path';
import { zipFiles } from '../../lib/bundling/zip';
import { Context, Scenario } from '../context';
import { sha256 } from '../support';

const TITLE = 'Reproducibility: two clean builds of greeter';

export const reproducibility: Scenario = {
  id: '7',
  name: 'reproducibility',
  title: TITLE,
  needsDevEnv: true,
  run(ctx: Context) {
    const builds = ctx.workbench.ensureColdDocker(2);
    const digests = builds.map((b) => {
      const bootstrap = fs.readFileSync(b.bootstrap);
      return { dir: b.dir, bootstrap: sha256(bootstrap), zip: sha256(zipFiles([{ name: 'bootstrap', content: bootstrap, mode: 0o755 }])) };
    });
    ctx.results.raw['7'] = digests;
    const same = digests.every((d) => d.bootstrap === digests[0].bootstrap && d.zip === digests[0].zip);
    return {
      id: '7',
      title: TITLE,
      rows: [],
      notes: [
        ...digests.map(
          (d, i) => `build ${i + 1} (${path.basename(path.dirname(d.dir))}): bootstrap sha256 ${d.bootstrap}, zip sha256 ${d.zip}`,
        ),
        same ? 'byte-identical: yes (bootstrap and zip)' : 'byte-identical: NO',
        'two fresh copies at different paths, each with its own cold target cache',
      ],
    };
  },
};
