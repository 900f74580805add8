/**
 * The build cache's authentication tags: HMAC-SHA256 over an entry's canonical form, with a key only
 * trusted jobs hold.
 */
import { CacheAuthKey, SignedEntryFields, canonicalEntry } from '../../lib/bundling/cache-auth';

const FIELDS: SignedEntryFields = {
  format: 2,
  key: '0123456789abcdef-fedcba9876543210',
  family: '0123456789abcdef',
  target: { sha256: 'a'.repeat(64), size: 1000 },
  deps: { sha256: 'b'.repeat(64), size: 2000 },
  created: '2026-12-04T10:00:00.000Z',
};

const keyOf = (secret: string) => CacheAuthKey.fromEnvironment({ CDK_RUST_CACHE_KEY: secret }) as CacheAuthKey;

describe('cache-auth: a tag proves that a holder of the key wrote the entry', () => {
  const key = keyOf('k'.repeat(64));

  test('the tag verifies for the entry it was made for, and for nothing else', () => {
    const tag = key.tag(FIELDS);
    expect(tag).toMatch(/^[0-9a-f]{64}$/);
    expect(key.verify(FIELDS, tag)).toBe(true);
    const changes: Array<Partial<SignedEntryFields>> = [
      { format: 1 },
      { key: '0123456789abcdef-0000000000000000' },
      { family: '1123456789abcdef' },
      { target: { sha256: 'c'.repeat(64), size: 1000 } },
      { target: { sha256: 'a'.repeat(64), size: 1001 } },
      { deps: { sha256: 'c'.repeat(64), size: 2000 } },
      { created: '2026-12-04T10:00:00.001Z' },
    ];
    for (const change of changes) expect(key.verify({ ...FIELDS, ...change }, tag)).toBe(false);
    expect(keyOf('j'.repeat(64)).verify(FIELDS, tag)).toBe(false);
  });

  test('no tag, or one that is not 64 hex digits, never verifies', () => {
    expect(key.verify(FIELDS, undefined)).toBe(false);
    expect(key.verify(FIELDS, '')).toBe(false);
    expect(key.verify(FIELDS, key.tag(FIELDS).toUpperCase())).toBe(false);
    expect(key.verify(FIELDS, key.tag(FIELDS).slice(2))).toBe(false);
  });

  test('lastUsed is not covered (every restore rewrites it); field boundaries cannot be shifted', () => {
    const withTime = { ...FIELDS, lastUsed: 'later' } as SignedEntryFields;
    expect(key.verify(withTime, key.tag(FIELDS))).toBe(true);
    expect(canonicalEntry({ ...FIELDS, key: 'a"b' })).not.toBe(canonicalEntry({ ...FIELDS, key: 'a', family: `b${FIELDS.family}` }));
  });
});
