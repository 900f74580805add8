import { isVerbose } from '../../lib/private/verbose';

describe('verbose: CDK_RUST_VERBOSE turns on the full build output', () => {
  test.each(['1', 'true', 'yes', ' 1 '])('%j turns it on', (value) => {
    expect(isVerbose({ CDK_RUST_VERBOSE: value })).toBe(true);
  });

  test.each(['', '0', 'false', 'FALSE'])('%j leaves builds quiet', (value) => {
    expect(isVerbose({ CDK_RUST_VERBOSE: value })).toBe(false);
  });

  test('unset leaves builds quiet', () => {
    expect(isVerbose({})).toBe(false);
  });
});
