import { watchArguments } from '../../lib/cli/watch';
import { expectCdkRustError } from '../support';

describe('watchArguments: the arguments of cdk-rust watch, checked before anything starts', () => {
  test('several functions take consecutive ports from 9000; --env applies to all', () => {
    expect(watchArguments({ positionals: ['S/A', 'S/B'], env: ['STAGE=dev'] })).toEqual({
      functions: ['S/A', 'S/B'],
      port: 9000,
      profile: 'dev',
      environment: { STAGE: 'dev' },
      passCredentials: false,
    });
    expect(watchArguments({ positionals: ['S/A'], port: '0' }).port).toBe(0);
    expect(watchArguments({ positionals: ['S/A'], port: '8123' }).port).toBe(8123);
  });

  test('rebuilds use the dev profile unless --profile names another; --release rebuilds the recorded (deployed) profile', () => {
    expect(watchArguments({ positionals: ['S/A'], profile: 'fast' }).profile).toBe('fast');
    expect(watchArguments({ positionals: ['S/A'], release: true }).profile).toBeUndefined();
  });

  test('the functions get the AWS credentials of this shell only with --aws-credentials', () => {
    expect(watchArguments({ positionals: ['S/A'] }).passCredentials).toBe(false);
    expect(watchArguments({ positionals: ['S/A'], awsCredentials: true }).passCredentials).toBe(true);
  });

  test("--concurrency overrides the template's concurrency for every function; without it, the template's is used", () => {
    expect(watchArguments({ positionals: ['S/A'], concurrency: '16' }).concurrency).toBe(16);
    expect(watchArguments({ positionals: ['S/A'], concurrency: '1' }).concurrency).toBe(1);
    expect(watchArguments({ positionals: ['S/A'] }).concurrency).toBeUndefined();
  });

  test("--raw-logs prints the functions' logs as they wrote them; without it, the arguments say nothing of it", () => {
    expect(watchArguments({ positionals: ['S/A'], rawLogs: true }).rawLogs).toBe(true);
    expect(watchArguments({ positionals: ['S/A'] })).not.toHaveProperty('rawLogs');
  });

  test.each([
    [{ positionals: ['S/A'], concurrency: '0' }, '--concurrency 0: not a whole number from 1 to 1600'],
    [{ positionals: ['S/A'], concurrency: 'many' }, '--concurrency many: not a whole number from 1 to 1600'],
    [{ positionals: ['S/A'], concurrency: '1601' }, '--concurrency 1601: not a whole number from 1 to 1600'],
    [{ positionals: [] }, 'watch needs the functions to serve'],
    [{ positionals: ['S/A', 'S/A'] }, 'S/A is named twice'],
    [{ positionals: ['S/A'], port: 'http' }, '--port http: not a port number'],
    [{ positionals: ['S/A'], port: '-1' }, '--port -1: not a port number'],
    [{ positionals: ['S/A', 'S/B'], port: '65535' }, '--port 65535: not a port number for 2 functions'],
    [{ positionals: ['S/A'], env: ['NOVALUE'] }, '--env NOVALUE: expected NAME=VALUE'],
  ])('%j is refused: %s', (args, message) => {
    expectCdkRustError(() => watchArguments(args), 'CLI_USAGE', message);
  });
});
