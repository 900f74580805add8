/**
 * Scenario 17's measurement, in a process of its own (it is asynchronous; scenarios are not):
 * `node -r esbuild-register bench/drivers/hotswap.ts <rounds>`. A copy of examples/greeter is deployed to moto and
 * `cdk watch --hotswap` runs on it (test/hotswap-project.ts); each round makes a one-line edit of the greeting and
 * times it until moto holds the new code, then appends to a file no build reads and times that watch cycle.
 * Prints `BENCH-RESULT <json>` on stdout.
 */
import * as fs from 'fs';
import * as path from 'path';
import { startHotswapProject } from '../../test/hotswap-project';
import { GREETER } from '../fixtures/crates';
import { editGreeting } from '../fixtures/edits';

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? '3');
  const project = await startHotswapProject(GREETER, process.env);
  const out = { updated: [] as number[], build: [] as number[], compiled: [] as string[][], unrelated: [] as number[], unrelatedBuilds: 0 };
  try {
    for (let r = 0; r < rounds; r++) {
      const edit = await project.change(() => editGreeting(project.crateDir, `hotswap-${r}`), true);
      out.updated.push(edit.seconds);
      out.build.push(...[...edit.output.matchAll(/\[cdk-rust\] built \S+: [0-9.]+ MiB in ([0-9.]+) s/g)].map((m) => Number(m[1])));
      out.compiled.push([...edit.output.matchAll(/Compiling (\S+) v/g)].map((m) => m[1]));
      const unrelated = await project.change(() => fs.appendFileSync(path.join(project.dir, 'notes.md'), `round ${r}\n`), false);
      out.unrelated.push(unrelated.seconds);
      if (unrelated.output.includes('[cdk-rust] building')) out.unrelatedBuilds += 1;
    }
  } finally {
    await project.close();
  }
  process.stdout.write(`BENCH-RESULT ${JSON.stringify(out)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error)?.stack ?? error}\n`);
  process.exit(1);
});
