/**
 * Count flags (`--concurrency`, `--invocations`): whole numbers within bounds, or CLI_USAGE naming the flag as written.
 */
import { countFlag } from '../../lib/cli/count-flag';
import { expectCdkRustError } from '../support';

describe('countFlag: a count is a whole number from 1 to its maximum', () => {
  test('a flag not given is undefined; a whole number within bounds is that number', () => {
    expect(countFlag('--invocations', undefined, 100)).toBeUndefined();
    expect(countFlag('--invocations', '1', 100)).toBe(1);
    expect(countFlag('--invocations', '100', 100)).toBe(100);
  });

  test.each(['0', '-3', '2.5', '1e3', 'eight', '', '101'])('%j is CLI_USAGE, naming the flag and the value as written', (value) => {
    expectCdkRustError(
      () => countFlag('--invocations', value, 100),
      'CLI_USAGE',
      `--invocations ${value}: not a whole number from 1 to 100.`,
      'e.g. --invocations 8',
    );
  });
});
