/**
 * A flag whose value is a count (`--concurrency 8`, `--invocations 64`): a whole number within bounds, checked
 * before anything starts, with the flag named as the user wrote it when it is not one.
 */
import { CdkRustError } from '../errors';

/**
 * The whole number `value` gives to `flag`, from 1 to `max`; undefined when the flag was not given. Anything else is
 * `CLI_USAGE`, naming the flag and the value as written.
 */
export function countFlag(flag: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const count = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!(count >= 1 && count <= max)) {
    throw new CdkRustError('CLI_USAGE', `${flag} ${value}: not a whole number from 1 to ${max}.`, `give a count, e.g. ${flag} 8.`);
  }
  return count;
}
