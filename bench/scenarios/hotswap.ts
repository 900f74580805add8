/**
 * Scenario 17: `cdk watch --hotswap` against moto. Edit-to-updated: from saving a one-line change of greeter's
 * greeting to moto holding the function's new code (the CDK CLI notices the change, re-synthesizes, cdk-rust builds,
 * the asset is published to moto's S3 and hotswapped with UpdateFunctionCode). Beside it, the cdk-rust build inside
 * that time, and a whole watch cycle for an edit of a file no build reads (re-synth, no build, no change).
 */
import * as path from 'path';
import { childResult } from '../child-script';
import { Context, Scenario } from '../context';
import { progress, tail, timed } from '../support';

const TITLE = 'cdk watch --hotswap against moto: edit to updated function code';

export const hotswap: Scenario = {
  id: '17',
  name: 'hotswap',
  title: TITLE,
  needsDevEnv: true,
  run(ctx: Context) {
    const rounds = ctx.options.quick ? 2 : 3;
    const driver = path.join(ctx.repo, 'bench', 'drivers', 'hotswap.ts');
    const register = path.join(ctx.repo, 'node_modules', 'esbuild-register', 'register.js');
    progress(`s17: greeter deployed to moto, then ${rounds} one-line edits and ${rounds} unrelated edits under cdk watch --hotswap`);
    const t = timed('s17-hotswap', process.execPath, ['-r', register, driver, String(rounds)], {
      env: ctx.env,
      allowFailure: true,
      timeoutSeconds: 1800,
    });
    const out = childResult<{
      updated: number[];
      build: number[];
      compiled: string[][];
      unrelated: number[];
      unrelatedBuilds: number;
    }>(t);
    if (!out) return { id: '17', title: TITLE, rows: [], notes: [`not measured: the hotswap driver failed:\n${tail(t.log, 15)}`] };
    ctx.results.raw['17'] = out;
    return {
      id: '17',
      title: TITLE,
      notes: [
        `crates compiled per edit: ${out.compiled.map((c) => c.join(' ') || '(none)').join('; ')}`,
        `cdk-rust builds started by the unrelated edits: ${out.unrelatedBuilds} (0 expected)`,
        'a full `cdk deploy` (a CloudFormation update) is not measured beside it: updating a stack fails on moto 5.2',
      ],
      rows: [
        { variant: 'one-line edit -> new code in moto', samples: out.updated },
        { variant: '  of which the cdk-rust build', samples: out.build },
        { variant: 'unrelated edit -> watch cycle done, nothing built', samples: out.unrelated },
      ],
    };
  },
};
