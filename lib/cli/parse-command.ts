/**
 * A command's flags, parsed by Node's util.parseArgs into values typed by the flag table itself (a string flag
 * gives a string, a repeatable one an array, a boolean one a boolean), so no command casts what it reads.
 */
import { parseArgs, ParseArgsConfig } from 'util';
import { CdkRustError } from '../errors';

/** A command's flag table, as util.parseArgs takes it (declared `as const`, so its values are typed). */
export type FlagTable = NonNullable<ParseArgsConfig['options']>;

/** The values util.parseArgs gives for `F`, each optional. */
export type FlagValues<F extends FlagTable> = ReturnType<typeof parseArgs<{ options: F; strict: true; allowPositionals: true }>>['values'];

/** A command line, parsed. */
export interface ParsedCommand<F extends FlagTable> {
  readonly values: FlagValues<F>;
  readonly positionals: string[];
}

/**
 * Parses `args` by `flags`; an unknown flag, a missing value, or (unless `allowPositionals`) a positional argument
 * is CLI_USAGE with Node's own wording.
 */
export function parseCommand<F extends FlagTable>(args: readonly string[], flags: F, allowPositionals = false): ParsedCommand<F> {
  try {
    return parseArgs({ args, options: flags, strict: true, allowPositionals });
  } catch (error) {
    throw new CdkRustError('CLI_USAGE', messageOf(error).replace(/\. To specify.*$/s, '.'), 'run `cdk-rust --help` for the options.');
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What a command line that asks for `--help` parses to. */
export const HELP: unique symbol = Symbol('--help');
