/**
 * Which Cargo profile the edit loop (`cdk-rust watch`, `cdk-rust run --watch`) builds after a save.
 *
 * The deployed build is usually `release` with LTO and one codegen unit: right for Lambda, slow for a loop. The
 * loop builds Cargo's `dev` profile instead (no LTO, incremental, the workspace's own `[profile.dev]` settings), in a
 * target cache of its own, still static (musl) and through the same plan, hash and isolation as synth. `--profile`
 * picks another profile; `--release` builds exactly what is deployed (the profile the construct records).
 */
import { CdkRustError } from '../errors';

/** The profile the loop builds when no flag says otherwise. */
export const LOOP_PROFILE = 'dev';

/** The profile flags of a loop command. */
export interface LoopProfileArgs {
  /** --profile NAME */
  readonly profile?: string;
  /** --release: the recorded (deployed) profile. */
  readonly release?: boolean;
}

/**
 * The profile to build instead of the recorded one, or undefined for the recorded one (`--release`). `command`
 * names the command in errors.
 */
export function loopProfile(args: LoopProfileArgs, command: string): string | undefined {
  if (args.release && args.profile !== undefined) {
    throw new CdkRustError(
      'CLI_USAGE',
      `${command}: --release and --profile ${args.profile} both choose the profile.`,
      'give one: --release builds what is deployed, --profile NAME another profile.',
    );
  }
  if (args.release) return undefined;
  if (args.profile !== undefined && !/^[a-z0-9][a-z0-9_-]*$/i.test(args.profile)) {
    throw new CdkRustError(
      'CLI_USAGE',
      `${command}: --profile ${JSON.stringify(args.profile)} is not a Cargo profile name.`,
      'give a profile of the workspace, e.g. --profile dev or --profile release (or --release for the deployed one).',
    );
  }
  return args.profile ?? LOOP_PROFILE;
}
