/**
 * The arguments of `cdk-rust run`, checked before anything starts: one service, a health-check timeout, and the
 * edit loop's flags only with --watch.
 */
import { runSettings } from '../../lib/cli/run';
import { expectCdkRustError } from '../support';

describe('runSettings: the arguments of cdk-rust run, checked before anything starts', () => {
  test('one service, a 60 s health-check timeout by default, no watch', () => {
    expect(runSettings({ positionals: ['S/Api'] })).toEqual({ selector: 'S/Api', healthTimeoutMs: 60_000 });
    expect(runSettings({ positionals: ['S/Api'], timeout: '120' }).healthTimeoutMs).toBe(120_000);
  });

  test('--watch builds the dev profile unless --profile names another, or --release asks for the deployed one', () => {
    expect(runSettings({ positionals: ['S/Api'], watch: true }).watch).toEqual({ profile: 'dev' });
    expect(runSettings({ positionals: ['S/Api'], watch: true, profile: 'fast' }).watch).toEqual({ profile: 'fast' });
    expect(runSettings({ positionals: ['S/Api'], watch: true, release: true }).watch).toEqual({ profile: undefined });
  });

  test.each([
    [{ positionals: [] }, 'run needs the service to run'],
    [{ positionals: ['S/A', 'S/B'] }, 'run runs one service; got S/A S/B'],
    [{ positionals: ['S/Api'], timeout: 'soon' }, '--timeout soon: not a number of seconds'],
    [{ positionals: ['S/Api'], profile: 'dev' }, '--profile dev chooses what run --watch builds, but --watch is not given'],
    [{ positionals: ['S/Api'], release: true }, '--release chooses what run --watch builds, but --watch is not given'],
    [
      { positionals: ['S/Api'], watch: true, release: true, profile: 'dev' },
      'run --watch: --release and --profile dev both choose the profile',
    ],
    [{ positionals: ['S/Api'], watch: true, profile: '../x' }, 'run --watch: --profile "../x" is not a Cargo profile name'],
  ])('%j is refused: %s', (args, message) => {
    expectCdkRustError(() => runSettings(args), 'CLI_USAGE', message);
  });
});
