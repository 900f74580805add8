import { compileExcludePatterns, validateExcludePatterns } from '../../lib/bundling/exclude-patterns';
import { expectCdkRustError } from '../support';

const matches = (pattern: string, relative: string, isDirectory = false) =>
  compileExcludePatterns([pattern]).matches(relative, isDirectory);

describe('exclude patterns: a small, documented part of .gitignore', () => {
  test.each([
    ['*.pem', 'tls.pem', true],
    ['*.pem', 'functions/api/certs/tls.pem', true],
    ['*.pem', 'tls.pem.rs', false],
    ['secret?.txt', 'a/secret1.txt', true],
    ['secret?.txt', 'a/secret12.txt', false],
    ['data/big.bin', 'data/big.bin', true],
    ['data/big.bin', 'functions/data/big.bin', false],
    ['data/*.bin', 'data/x.bin', true],
    ['data/*.bin', 'data/sub/x.bin', false],
    ['data/**/*.bin', 'data/x.bin', true],
    ['data/**/*.bin', 'data/a/b/x.bin', true],
    ['**/fixtures/*.json', 'fixtures/a.json', true],
    ['**/fixtures/*.json', 'crates/x/fixtures/a.json', true],
    ['data/**', 'data/a/b', true],
    ['data/**', 'data', false],
    ['a.b', 'axb', false],
    ['[x]', '[x]', true],
    ['[x]', 'x', false],
    ['*', '.hidden', true],
  ])('%s against %s: %s', (pattern, relative, expected) => {
    expect(matches(pattern, relative)).toBe(expected);
  });

  test('a trailing slash matches directories only, at any depth unless anchored', () => {
    expect(matches('fixtures/', 'crates/x/fixtures', true)).toBe(true);
    expect(matches('fixtures/', 'crates/x/fixtures', false)).toBe(false);
    expect(matches('crates/x/fixtures/', 'crates/x/fixtures', true)).toBe(true);
    expect(matches('crates/x/fixtures/', 'other/crates/x/fixtures', true)).toBe(false);
  });

  test('a file below an excluded directory is excluded', () => {
    const matcher = compileExcludePatterns(['fixtures/']);
    expect(matcher.matchesPathOrParent('crates/x/fixtures/a/b.json', false)).toBe(true);
    expect(matcher.matchesPathOrParent('crates/x/src/fixtures.rs', false)).toBe(false);
  });

  test('the workspace root itself and paths outside it are never matched', () => {
    const matcher = compileExcludePatterns(['*', '**']);
    expect(matcher.matches('', true)).toBe(false);
    expect(matcher.matches('../libs/shared/src/lib.rs', false)).toBe(false);
    expect(matcher.matchesPathOrParent('../libs/shared', true)).toBe(false);
  });

  test.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['/etc/passwd', 'is an absolute path'],
    ['C:/x', 'is an absolute path'],
    ['../secrets', 'leads outside the workspace'],
    ['a/../../b', 'leads outside the workspace'],
    ['a\\b', 'contains a backslash'],
    ['!keep.txt', 'is a negation'],
    ['./a', 'has an empty or "." path segment'],
    ['a//b', 'has an empty or "." path segment'],
    ['a\nb', 'contains a line break'],
  ])('%j is refused: INVALID_PROP naming bundling.exclude[1]', (pattern, problem) => {
    expectCdkRustError(() => validateExcludePatterns(['ok/', pattern]), 'INVALID_PROP', 'bundling.exclude[1]', problem);
  });
});
