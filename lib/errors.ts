/**
 * Every failure cdk-rust reports, with a stable code for programs and a message for people.
 *
 * Messages follow one shape: the code in brackets, where (the construct path, when the error belongs to
 * a construct), what is wrong (naming the prop as the user wrote it, or the flag or file), then `Fix:`
 * and how to fix it. The fix is a required argument, so no error can be thrown without one.
 *
 * The code is in the message itself because that is all that crosses into other languages: jsii hands
 * Python, Java and Go the message of a JavaScript error (as a RuntimeError, a JsiiException, a panic),
 * not its fields. Prop names in the message are spelled as the calling language spells them
 * (`error_rate_alarm` from Python, see private/host-spelling).
 */
import { hostLanguage, inHostSpelling } from './private/host-spelling';

export type CdkRustErrorCode =
  | 'INVALID_PROP'
  | 'MANIFEST_NOT_FOUND'
  | 'CARGO_METADATA_FAILED'
  | 'BINARY_NOT_FOUND'
  | 'BINARY_AMBIGUOUS'
  | 'UNKNOWN_TARGET'
  | 'ARCHITECTURE_MISMATCH'
  | 'RUNTIME_NOT_CONCURRENT'
  | 'SSH_AGENT_MISSING'
  | 'KNOWN_HOSTS_MISSING'
  | 'DOCKER_NOT_FOUND'
  | 'DOCKER_DAEMON_DOWN'
  | 'BUILDKIT_UNAVAILABLE'
  | 'BUILDER_IMAGE_UNAVAILABLE'
  | 'BUILD_FAILED'
  | 'BUILD_INTERRUPTED'
  | 'CLI_USAGE'
  | 'INVOKE_FAILED'
  | 'INVALID_EVENT'
  | 'FUNCTION_NOT_FOUND'
  | 'INVALID_ASSEMBLY'
  | 'ASSET_NOT_FOUND'
  | 'EMULATOR_NOT_FOUND'
  | 'INVALID_IMAGE'
  | 'SERVICE_NOT_FOUND'
  | 'SERVICE_UNHEALTHY'
  | 'OUTDIR_LOCKED';

/**
 * The one error class cdk-rust throws. `code` is stable; `message` says where, what is wrong and how to fix it.
 *
 * Other languages get the message (which starts with the code) since jsii cannot model a subclass of Error.
 *
 * @jsii ignore
 */
export class CdkRustError extends Error {
  /**
   * The same error, reported for the construct at `constructPath` (unless it names one already).
   * Used where a construct calls shared code that does not know which construct it serves.
   */
  public static inConstruct(error: unknown, constructPath: string): unknown {
    if (!(error instanceof CdkRustError) || error.constructPath !== undefined) return error;
    return new CdkRustError(error.code, error.problem, error.fix, constructPath);
  }

  /**
   * The CdkRustError inside `error`: `error` itself, or one that CDK re-threw as text (asset staging
   * wraps a bundling error as "Failed to bundle asset ...: CdkRustError: [CODE] ..."), rebuilt with
   * its code and message; undefined when there is none.
   */
  public static unwrap(error: unknown): CdkRustError | undefined {
    if (error instanceof CdkRustError) return error;
    const text = error instanceof Error ? error.message : String(error);
    const match = /CdkRustError: \[([A-Z_]+)\] ([^]*?)\nFix: ([^]*)$/.exec(text);
    if (!match) return undefined;
    const [, code, problem, fix] = match;
    const unwrapped = new CdkRustError(code as CdkRustErrorCode, problem, fix.trimEnd());
    unwrapped.cause = error;
    return unwrapped;
  }

  /** A stable identifier for the kind of failure. */
  public readonly code: CdkRustErrorCode;

  /** What is wrong: the message without the construct path and the fix. */
  public readonly problem: string;

  /** How to fix it, also at the end of `message`. */
  public readonly fix: string;

  /** The path of the construct the error belongs to, when it belongs to one. */
  public readonly constructPath?: string;

  /**
   * @param problem what is wrong, naming props with TypeScript's names (rewritten for Python and Go callers)
   * @param fix how to fix it
   */
  constructor(code: CdkRustErrorCode, problem: string, fix: string, constructPath?: string) {
    const language = hostLanguage();
    problem = inHostSpelling(problem, language);
    fix = inHostSpelling(fix, language);
    super(`[${code}] ${constructPath ? `${constructPath}: ` : ''}${problem}\nFix: ${fix}`);
    this.name = 'CdkRustError';
    this.code = code;
    this.problem = problem;
    this.fix = fix;
    this.constructPath = constructPath;
  }
}
