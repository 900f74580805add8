import * as fs from 'fs';
import * as path from 'path';
import { REPO, renderDiagrams } from '../../scripts/diagram';

describe('diagram: the committed pictures of what a synth produces are the ones the examples give today', () => {
  test('docs/images/function-stack.svg and service-stack.svg match the synthesized examples', async () => {
    const diagrams = await renderDiagrams();
    expect(diagrams.map((d) => d.file)).toEqual(['docs/images/function-stack.svg', 'docs/images/service-stack.svg']);
    for (const { file, svg } of diagrams) {
      const committed = fs.existsSync(path.join(REPO, file)) ? fs.readFileSync(path.join(REPO, file), 'utf-8') : '';
      if (committed !== svg) throw new Error(`${file} is not what the examples synthesize today: run npm run diagram`);
    }
  });
});
