/**
 * `bundling.exclude`: glob patterns for files a project knows must stay out of its builds. Their
 * meaning is a small, documented part of `.gitignore`'s, matched against paths relative to the
 * workspace root (POSIX style, case-sensitive):
 *
 * - `*` matches any characters but `/`; `?` one character but `/`; every other character is itself
 *   (`[`, `{`, `!` included: there are no classes, alternatives or negations);
 * - `**` as a whole path segment matches any number of directories, first, last or between two
 *   segments (`a/**` is everything below `a`);
 * - a pattern with no `/` but a trailing one matches a name at any depth (`*.pem`, `fixtures/`);
 *   a pattern with a `/` inside is anchored at the workspace root (`data/big.bin`, `crates/x/secrets`);
 * - a trailing `/` matches directories only; a matched directory excludes everything below it.
 *
 * The translation to a regular expression is written here rather than taken from a glob library:
 * Node's own `path.matchesGlob` is experimental (a warning on every synth) and missing before Node
 * 20.17 (the package supports `>=20`), and a runtime dependency of a jsii package must be bundled into
 * every language's package, for the three wildcards this needs.
 */
import { CdkRustError } from '../errors';

/** The compiled `bundling.exclude`. */
export interface ExcludeMatcher {
  /** True when `relative` (a path below the workspace root, POSIX style) is excluded by a pattern itself. */
  matches(relative: string, isDirectory: boolean): boolean;
  /** True when `relative` or one of its parent directories is excluded. */
  matchesPathOrParent(relative: string, isDirectory: boolean): boolean;
}

/** One compiled pattern. */
interface CompiledPattern {
  readonly regex: RegExp;
  readonly directoryOnly: boolean;
}

/** Checks the patterns of `bundling.exclude`, throwing INVALID_PROP naming the first bad one. */
export function validateExcludePatterns(patterns: readonly string[]): string[] {
  patterns.forEach((pattern, i) => {
    const problem = patternProblem(pattern);
    if (problem) {
      throw new CdkRustError(
        'INVALID_PROP',
        `bundling.exclude[${i}] ${JSON.stringify(pattern)} ${problem[0]}.`,
        `${problem[1]}, e.g. exclude: ["*.pem", "fixtures/", "data/**/*.bin"] (paths relative to the workspace root).`,
      );
    }
  });
  return [...patterns];
}

/** Compiles validated patterns into a matcher. */
export function compileExcludePatterns(patterns: readonly string[]): ExcludeMatcher {
  const compiled = patterns.map(compilePattern);
  // The workspace root itself ('') and what lies outside it ('../x') are never matched.
  const matches = (relative: string, isDirectory: boolean) =>
    relative !== '' &&
    relative !== '..' &&
    !relative.startsWith('../') &&
    compiled.some((p) => (isDirectory || !p.directoryOnly) && p.regex.test(relative));
  return {
    matches,
    matchesPathOrParent: (relative: string, isDirectory: boolean) => {
      const segments = relative.split('/');
      return segments.some((_, i) => matches(segments.slice(0, i + 1).join('/'), isDirectory || i < segments.length - 1));
    },
  };
}

/** What is wrong with a pattern, and the fix; undefined when nothing is. */
function patternProblem(pattern: string): [string, string] | undefined {
  if (typeof pattern !== 'string' || pattern.trim() === '') return ['is empty', 'remove it, or give a pattern'];
  if (/[\r\n\0]/.test(pattern)) return ['contains a line break or NUL character', 'give one single-line pattern per element'];
  if (pattern.startsWith('/') || /^[A-Za-z]:/.test(pattern)) {
    return ['is an absolute path', 'give the path relative to the workspace root, without a leading "/"'];
  }
  if (pattern.includes('\\')) return ['contains a backslash', 'separate directories with "/"'];
  if (pattern.startsWith('!')) return ['is a negation, which bundling.exclude does not support', 'list only what to leave out'];
  const segments = pattern.replace(/\/$/, '').split('/');
  if (segments.includes('..')) return ['leads outside the workspace ("..")', 'give a path below the workspace root'];
  if (segments.some((s) => s === '' || s === '.')) return ['has an empty or "." path segment', 'write the path without "./" or "//"'];
  return undefined;
}

function compilePattern(pattern: string): CompiledPattern {
  const directoryOnly = pattern.endsWith('/');
  const body = directoryOnly ? pattern.slice(0, -1) : pattern;
  const segments = body.split('/');
  const anchored = segments.length > 1;
  const translated = segments
    .map((segment, i) => {
      const last = i === segments.length - 1;
      if (segment === '**') return last ? '.+' : '(?:[^/]+/)*';
      return translateSegment(segment) + (last ? '' : '/');
    })
    .join('');
  return { regex: new RegExp(`^${anchored ? '' : '(?:[^/]+/)*'}${translated}$`), directoryOnly };
}

/** One path segment: `*` and `?` stay inside it, everything else is literal. */
function translateSegment(segment: string): string {
  return segment.replace(/\*+|\?|[^*?]+/g, (part) =>
    part.startsWith('*') ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
  );
}
