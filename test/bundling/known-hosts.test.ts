import * as crypto from 'crypto';
import { hasKnownHost, knownHostsName, validateKnownHostsLines } from '../../lib/bundling/known-hosts';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';

function hashed(name: string): string {
  const salt = crypto.randomBytes(20);
  const hash = crypto.createHmac('sha1', salt).update(name).digest('base64');
  return `|1|${salt.toString('base64')}|${hash}`;
}

describe('known_hosts matching', () => {
  test('OpenSSH names: plain on port 22, bracketed otherwise', () => {
    expect(knownHostsName('github.com')).toBe('github.com');
    expect(knownHostsName('github.com', 22)).toBe('github.com');
    expect(knownHostsName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
  });

  test.each([
    [`github.com ${KEY}`, 'github.com', undefined, true],
    [`gitlab.com,github.com ${KEY}`, 'github.com', undefined, true],
    [`GitHub.com ${KEY}`, 'github.com', undefined, true],
    [`github.com ${KEY}`, 'github.com', 2222, false],
    [`[git.corp]:2222 ${KEY}`, 'git.corp', 2222, true],
    [`[git.corp]:2222 ${KEY}`, 'git.corp', undefined, false],
    [`*.corp ${KEY}`, 'git.corp', undefined, true],
    [`*.corp,!bad.corp ${KEY}`, 'bad.corp', undefined, false],
    [`@cert-authority *.corp ${KEY}`, 'git.corp', undefined, true],
    [`@revoked github.com ${KEY}`, 'github.com', undefined, false],
    [`# github.com ${KEY}`, 'github.com', undefined, false],
  ])('%s pins %s:%s → %s', (line, host, port, expected) => {
    expect(hasKnownHost([line], host, port)).toBe(expected);
  });

  test('hashed entries match by HMAC, as OpenSSH writes them with HashKnownHosts', () => {
    expect(hasKnownHost([`${hashed('[127.0.0.1]:22222')} ${KEY}`], '127.0.0.1', 22222)).toBe(true);
    expect(hasKnownHost([`${hashed('[127.0.0.1]:22222')} ${KEY}`], '127.0.0.1', 2222)).toBe(false);
  });

  test('validation names the bad line', () => {
    expect(validateKnownHostsLines([`github.com ${KEY}`, `@cert-authority *.corp ${KEY}`])).toEqual([]);
    expect(validateKnownHostsLines(['github.com'])[0]).toContain('knownHosts[0]');
    expect(validateKnownHostsLines([`a ${KEY}\nb ${KEY}`])[0]).toContain('line break');
  });
});
