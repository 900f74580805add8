/**
 * Whether builds show their full output. By default a build prints a few `[cdk-rust]` lines and keeps BuildKit's
 * and cargo's output in a log file; `CDK_RUST_VERBOSE=1` (set by the CLI's `--verbose`, or by hand for
 * `cdk synth`) streams all of it to stderr as it comes.
 */
export const VERBOSE_VARIABLE = 'CDK_RUST_VERBOSE';

/** Whether `env` asks for the full build output: `CDK_RUST_VERBOSE` set to anything but empty, `0` or `false`. */
export function isVerbose(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env[VERBOSE_VARIABLE] ?? '').trim().toLowerCase();
  return value !== '' && value !== '0' && value !== 'false';
}
