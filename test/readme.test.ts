import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');

/** The README's fenced code blocks in `language`. */
function blocks(language: string): string[] {
  return [...README.matchAll(new RegExp('```' + language + '\\n([^]*?)```', 'g'))].map((m) => m[1]);
}

/** Whether every non-blank line of `snippet` appears in `source`, trimmed, in the same order. */
function isExcerptOf(snippet: string, source: string): boolean {
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

/** The examples the suite runs for real (test/languages/*.e2e.test.ts), by README code-block language. */
const EXAMPLES: Record<string, string> = {
  python: 'examples/python/app.py',
  java: 'examples/java/src/main/java/com/example/cdkrust/App.java',
  go: 'examples/go/main.go',
};

describe('README: the snippets in other languages are excerpts of examples the tests run', () => {
  test.each(Object.keys(EXAMPLES))('every %s snippet is an excerpt of its example app', (language) => {
    const source = fs.readFileSync(path.join(ROOT, EXAMPLES[language]), 'utf-8');
    const snippets = blocks(language);
    expect(snippets.length).toBeGreaterThan(0);
    for (const snippet of snippets) {
      if (!isExcerptOf(snippet, source)) throw new Error(`README ${language} snippet is not in ${EXAMPLES[language]}:\n${snippet}`);
    }
  });

  test('a snippet that is not in the example is caught', () => {
    expect(isExcerptOf('RustFunction(self, "Other")', 'RustFunction(self, "PrivateGreeter")')).toBe(false);
    expect(isExcerptOf('b\na', 'a\nb')).toBe(false);
  });
});
