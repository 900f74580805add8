/**
 * Reading the README and the guides as the tests need: fenced code blocks (with the paragraph before
 * each), headings as GitHub anchors, and relative links.
 */
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..');

/** The README, CONTRIBUTING.md and every docs/*.md, relative to the repository root. */
export function documents(): string[] {
  const docs = fs.existsSync(path.join(ROOT, 'docs')) ? fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')) : [];
  return ['README.md', 'CONTRIBUTING.md', ...docs.sort().map((f) => `docs/${f}`)];
}

export function read(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), 'utf-8');
}

/** A fenced code block: its language, its text, and the paragraph just before it. */
export interface CodeBlock {
  readonly language: string;
  readonly code: string;
  readonly before: string;
}

/** The fenced code blocks of `markdown`, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const found: CodeBlock[] = [];
  const re = /^( *)```(\w*)\n([^]*?)^ *```$/gm;
  let last = 0;
  for (let match = re.exec(markdown); match; match = re.exec(markdown)) {
    const paragraphs = markdown
      .slice(last, match.index)
      .trim()
      .split(/\n\s*\n/);
    found.push({ language: match[2], code: match[3], before: paragraphs[paragraphs.length - 1] ?? '' });
    last = match.index + match[0].length;
  }
  return found;
}

/** `markdown` without its fenced code blocks (whose `#` lines are no headings and whose brackets are no links). */
export function prose(markdown: string): string {
  return markdown.replace(/^ *```\w*\n[^]*?^ *```$/gm, '');
}

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of `markdown`'s headings (a repeated heading gets `-1`, `-2`, ... as on GitHub). */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, text] of prose(markdown).matchAll(/^#{1,6} +(.+)$/gm)) {
    const base = slug(text);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

/** The targets of `markdown`'s links and images that are not URLs (`docs/x.md`, `#anchor`, `x.md#anchor`). */
export function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** Whether every non-blank line of `snippet` appears in `source`, trimmed, in the same order. */
export function isExcerptOf(snippet: string, source: string): boolean {
  const lines = source.split('\n').map((line) => line.trim());
  let at = 0;
  for (const line of snippet.split('\n').map((l) => l.trim())) {
    if (line === '') continue;
    const found = lines.indexOf(line, at);
    if (found < 0) return false;
    at = found + 1;
  }
  return true;
}
