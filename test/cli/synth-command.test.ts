/**
 * `cdk-rust synth`'s usage. What the command writes and prints is tested with real builds in test/cli.e2e.test.ts.
 */
import { SYNTH_FLAGS } from '../../lib/cli/synth-args';
import { SYNTH_USAGE } from '../../lib/cli/synth-command';

describe('synth-command: the usage names every flag synth takes', () => {
  test('each flag of the table is in the usage, and no other', () => {
    const documented = new Set([...SYNTH_USAGE.matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1]));
    expect(documented).toEqual(new Set(Object.keys(SYNTH_FLAGS).filter((f) => f !== 'help')));
  });
});
