/**
 * A command line parsed by its flag table: typed values, and Node's parse errors as CLI_USAGE.
 */
import { parseCommand } from '../../lib/cli/parse-command';
import { expectCdkRustError } from '../support';

const FLAGS = {
  name: { type: 'string' },
  tag: { type: 'string', multiple: true },
  force: { type: 'boolean', short: 'f' },
} as const;

describe('parseCommand: the values are what the flag table says', () => {
  test('a string flag gives a string, a repeated one a list, a boolean one true; a flag left out is absent', () => {
    const { values, positionals } = parseCommand(['--name', 'api', '--tag', 'a', '--tag=b', '-f'], FLAGS);
    expect({ ...values }).toEqual({ name: 'api', tag: ['a', 'b'], force: true });
    expect(positionals).toEqual([]);
    expect({ ...parseCommand([], FLAGS).values }).toEqual({});
  });

  test('positional arguments are kept when the command takes them', () => {
    expect(parseCommand(['S/A', '--name', 'x', 'S/B'], FLAGS, true).positionals).toEqual(['S/A', 'S/B']);
  });
});

describe("parseCommand: what the table does not allow is CLI_USAGE in Node's words, with a fix", () => {
  test('an unknown flag, without Node\'s advice on positionals that start with "-"', () => {
    expectCdkRustError(
      () => parseCommand(['--bogus'], FLAGS, true),
      'CLI_USAGE',
      "Unknown option '--bogus'.",
      'run `cdk-rust --help` for the options.',
    );
    const error = (() => {
      try {
        parseCommand(['--bogus'], FLAGS, true);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.message).not.toContain('To specify');
  });

  test('a string flag without its value, and a positional argument where none is taken', () => {
    expectCdkRustError(() => parseCommand(['--name'], FLAGS), 'CLI_USAGE', "Option '--name <value>' argument missing");
    expectCdkRustError(() => parseCommand(['S/A'], FLAGS), 'CLI_USAGE', "Unexpected argument 'S/A'");
  });
});
