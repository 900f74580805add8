import * as crypto from 'crypto';

/**
 * A short, stable identifier of `text`: the first `length` hex characters of its SHA-256, the same
 * on every machine and run (for cache ids, image tags and construct names).
 */
export function shortHash(text: string, length = 12): string {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, length);
}
