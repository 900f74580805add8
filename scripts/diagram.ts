/**
 * Draws what a synth produces: docs/images/function-stack.svg and docs/images/service-stack.svg, from the
 * examples' templates (see diagram/example-templates.ts), with Graphviz compiled to WebAssembly
 * (@viz-js/viz), so nothing needs installing. `npm run diagram`; test/scripts/diagram.test.ts fails while a
 * committed image differs from what the current templates give.
 */
import * as fs from 'fs';
import * as path from 'path';
import { instance } from '@viz-js/viz';
import { DIAGRAMS } from './diagram/example-templates';
import { templateToDot } from './diagram/template-graph';
import { progress } from '../lib/private/progress';

export const REPO = path.join(__dirname, '..');

/** Each diagram's file (relative to the repository) and its SVG, drawn from freshly synthesized templates. */
export async function renderDiagrams(): Promise<Array<{ file: string; svg: string }>> {
  const viz = await instance();
  return DIAGRAMS.map((diagram) => ({
    file: diagram.file,
    svg: viz.renderString(templateToDot(diagram.template(), diagram.options), { format: 'svg', engine: 'dot' }),
  }));
}

async function main(): Promise<void> {
  for (const { file, svg } of await renderDiagrams()) {
    fs.mkdirSync(path.dirname(path.join(REPO, file)), { recursive: true });
    fs.writeFileSync(path.join(REPO, file), svg);
    progress(`wrote ${file}`);
  }
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
}
