/**
 * The command lines of `cdk-rust invoke`, `run` and `watch`, parsed into the arguments each command takes.
 */
import { INVOKE_USAGE, InvokeCommandArgs } from '../../lib/cli/invoke';
import {
  INVOKE_FLAGS,
  invokeArguments,
  RUN_FLAGS,
  runArguments,
  WATCH_FLAGS,
  watchCommandArguments,
} from '../../lib/cli/local-command-args';
import { HELP } from '../../lib/cli/parse-command';
import { RUN_USAGE } from '../../lib/cli/run';
import { WATCH_USAGE } from '../../lib/cli/watch';
import { expectCdkRustError } from '../support';

const SHARED = ['--app', 'cdk.out', '--env', 'A=1', '--env', 'B=2', '--aws-credentials', '--aws-profile', 'dev'];
const SHARED_ARGS = { app: 'cdk.out', env: ['A=1', 'B=2'], awsCredentials: true, awsProfile: 'dev' };

describe('local-command-args: each command gets the shared flags and its own', () => {
  test('invoke: the function, --event and the shared flags', () => {
    expect(invokeArguments(['Api/Fn', '--event', 'e.json', ...SHARED])).toEqual({
      positionals: ['Api/Fn'],
      event: 'e.json',
      ...SHARED_ARGS,
    });
  });

  test('run: the service, --timeout and the shared flags', () => {
    expect(runArguments(['Api/Service', '--timeout', '120', ...SHARED])).toEqual({
      positionals: ['Api/Service'],
      timeout: '120',
      ...SHARED_ARGS,
    });
  });

  test('watch: the functions, --port and the shared flags', () => {
    expect(watchCommandArguments(['S/A', 'S/B', '--port', '0', ...SHARED])).toEqual({
      positionals: ['S/A', 'S/B'],
      port: '0',
      ...SHARED_ARGS,
    });
  });

  test('invoke takes --concurrency and --invocations, watch --concurrency, as written (checked by the commands)', () => {
    expect(invokeArguments(['Api/Fn', '--concurrency', '8', '--invocations', '64'])).toMatchObject({ concurrency: '8', invocations: '64' });
    expect(watchCommandArguments(['S/A', '--concurrency', '1'])).toMatchObject({ concurrency: '1' });
    expectCdkRustError(() => runArguments(['Api/Service', '--concurrency', '8']), 'CLI_USAGE', "Unknown option '--concurrency'");
    expectCdkRustError(() => watchCommandArguments(['S/A', '--invocations', '8']), 'CLI_USAGE', "Unknown option '--invocations'");
  });

  test("invoke and watch take --raw-logs, run does not (a service's logs are printed as written)", () => {
    expect(invokeArguments(['Api/Fn', '--raw-logs'])).toMatchObject({ rawLogs: true });
    expect(watchCommandArguments(['S/A', '--raw-logs'])).toMatchObject({ rawLogs: true });
    expect((invokeArguments(['Api/Fn']) as InvokeCommandArgs).rawLogs).toBeUndefined();
    expectCdkRustError(() => runArguments(['Api/Service', '--raw-logs']), 'CLI_USAGE', "Unknown option '--raw-logs'");
  });

  test('--help or -h asks for the usage', () => {
    expect(invokeArguments(['--help'])).toBe(HELP);
    expect(runArguments(['-h'])).toBe(HELP);
    expect(watchCommandArguments(['S/A', '--help'])).toBe(HELP);
  });

  test("another command's flag is CLI_USAGE", () => {
    expectCdkRustError(() => invokeArguments(['Api/Fn', '--timeout', '5']), 'CLI_USAGE', "Unknown option '--timeout'");
    expectCdkRustError(() => runArguments(['Api/Service', '--event', 'e.json']), 'CLI_USAGE', "Unknown option '--event'");
    expectCdkRustError(() => watchCommandArguments(['S/A', '--timeout', '5']), 'CLI_USAGE', "Unknown option '--timeout'");
  });
});

describe('local-command-args: the usage of each command names every flag it takes', () => {
  test.each([
    ['invoke', INVOKE_FLAGS, INVOKE_USAGE],
    ['run', RUN_FLAGS, RUN_USAGE],
    ['watch', WATCH_FLAGS, WATCH_USAGE],
  ])('%s', (_command, flags, usage) => {
    for (const flag of Object.keys(flags).filter((f) => f !== 'help')) expect(usage).toContain(`--${flag} `);
  });
});
