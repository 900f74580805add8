/**
 * Matching pinned known_hosts lines against the hosts a build fetches from, the way OpenSSH does:
 * plain, bracketed `[host]:port`, wildcard and hashed (`|1|salt|hash`) patterns.
 */
import * as crypto from 'crypto';

/** The name OpenSSH looks up for a host and port. */
export function knownHostsName(host: string, port?: number): string {
  return port === undefined || port === 22 ? host : `[${host}]:${port}`;
}

/** True when one of `lines` pins a key for `host` (and `port`). Negated patterns (`!host`) exclude. */
export function hasKnownHost(lines: readonly string[], host: string, port?: number): boolean {
  const name = knownHostsName(host, port);
  return lines.some((line) => {
    const fields = line.trim().split(/\s+/);
    if (fields.length === 0 || fields[0] === '' || fields[0].startsWith('#')) return false;
    const patterns = fields[0].startsWith('@') ? fields[1] : fields[0];
    if (fields[0] === '@revoked' || !patterns) return false;
    let matched = false;
    for (const pattern of patterns.split(',')) {
      const negated = pattern.startsWith('!');
      if (matchesPattern(negated ? pattern.slice(1) : pattern, name)) {
        if (negated) return false;
        matched = true;
      }
    }
    return matched;
  });
}

/** Returns the problems with `lines`, one string each: empty when they all look like known_hosts lines. */
export function validateKnownHostsLines(lines: readonly string[]): string[] {
  const problems: string[] = [];
  lines.forEach((line, i) => {
    if (/[\r\n]/.test(line)) {
      problems.push(`knownHosts[${i}] contains a line break: give one known_hosts line per array element`);
      return;
    }
    const fields = line.trim().split(/\s+/);
    const offset = fields[0]?.startsWith('@') ? 1 : 0;
    const keyType = fields[offset + 1];
    const key = fields[offset + 2];
    if (!keyType || !key || !/^(ssh-|ecdsa-|sk-)/.test(keyType) || !/^[A-Za-z0-9+/]+=*$/.test(key)) {
      problems.push(`knownHosts[${i}] is not a known_hosts line ("<host> <key-type> <base64 key>"): ${JSON.stringify(line)}`);
    }
  });
  return problems;
}

function matchesPattern(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    const digest = crypto.createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hash;
  }
  const regex = new RegExp(
    '^' +
      pattern
        .split('')
        .map((c) => {
          if (c === '*') return '.*';
          if (c === '?') return '.';
          return c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
        })
        .join('') +
      '$',
    'i',
  );
  return regex.test(name);
}
