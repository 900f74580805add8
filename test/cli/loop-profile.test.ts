import { LOOP_PROFILE, loopProfile } from '../../lib/cli/loop-profile';
import { expectCdkRustError } from '../support';

describe('loopProfile: which Cargo profile the edit loop builds', () => {
  test("the loop builds Cargo's dev profile when no flag says otherwise", () => {
    expect(LOOP_PROFILE).toBe('dev');
    expect(loopProfile({}, 'watch')).toBe('dev');
  });

  test('--profile NAME builds that profile; --release builds the recorded one (undefined: nothing is overridden)', () => {
    expect(loopProfile({ profile: 'release-fast' }, 'watch')).toBe('release-fast');
    expect(loopProfile({ release: true }, 'watch')).toBeUndefined();
  });

  test('--release with --profile is refused, naming both flags', () => {
    expectCdkRustError(() => loopProfile({ release: true, profile: 'dev' }, 'run --watch'), 'CLI_USAGE', '--release and --profile dev');
  });

  test.each(['', '../x', 'a b', '-dev'])('--profile %j is refused: not a profile name', (profile) => {
    expectCdkRustError(() => loopProfile({ profile }, 'watch'), 'CLI_USAGE', 'is not a Cargo profile name');
  });
});
