/**
 * Every failure cdk-rust reports, with a stable code for programs and a message for people.
 *
 * Messages follow one shape: what is wrong (naming the prop, flag or file), then how to fix it.
 */
export type CdkRustErrorCode =
  | 'INVALID_PROP'
  | 'MANIFEST_NOT_FOUND'
  | 'CARGO_METADATA_FAILED'
  | 'BINARY_NOT_FOUND'
  | 'BINARY_AMBIGUOUS'
  | 'UNKNOWN_TARGET'
  | 'ARCHITECTURE_MISMATCH'
  | 'SSH_AGENT_MISSING'
  | 'KNOWN_HOSTS_MISSING'
  | 'DOCKER_NOT_FOUND'
  | 'DOCKER_DAEMON_DOWN'
  | 'BUILDKIT_UNAVAILABLE'
  | 'BUILD_FAILED'
  | 'BUILD_INTERRUPTED'
  | 'CLI_USAGE'
  | 'INVOKE_FAILED'
  | 'INVALID_EVENT'
  | 'FUNCTION_NOT_FOUND'
  | 'ASSET_NOT_FOUND'
  | 'EMULATOR_NOT_FOUND';

/** The one error class cdk-rust throws. `code` is stable; `message` says what is wrong and how to fix it. */
export class CdkRustError extends Error {
  /** A stable identifier for the kind of failure. */
  public readonly code: CdkRustErrorCode;

  /** What is wrong: the message without its fix. */
  public readonly problem: string;

  /** The fix, also included at the end of `message`. */
  public readonly fix?: string;

  constructor(code: CdkRustErrorCode, problem: string, fix?: string) {
    super(fix ? `${problem}\nFix: ${fix}` : problem);
    this.name = 'CdkRustError';
    this.code = code;
    this.problem = problem;
    this.fix = fix;
  }
}
