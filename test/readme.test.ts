import * as fs from 'fs';
import * as path from 'path';
import { ROOT, codeBlocks, documents, isExcerptOf, read } from './markdown-support';

const README = read('README.md');

/** The examples the suite runs for real (test/languages/*.e2e.test.ts), by code-block language. */
const EXAMPLES: Record<string, string> = {
  python: 'examples/python/app.py',
  java: 'examples/java/src/main/java/com/example/cdkrust/App.java',
  go: 'examples/go/main.go',
};

/** The examples/*.ts file a TypeScript block says it comes from ("From [examples/x.ts](...)" just before it). */
function namedExample(before: string): string | undefined {
  return [...before.matchAll(/\]\((?:\.\.\/)?(examples\/[\w-]+\.ts)\)/g)].pop()?.[1];
}

/** A snippet as it stands in the example: the examples import the library from '../lib'. */
function asInExamples(snippet: string): string {
  return snippet.replace(/from 'cdk-rust'/g, "from '../lib'");
}

describe('README: the front door', () => {
  test('it is at most 320 lines', () => {
    expect(README.split('\n').length).toBeLessThanOrEqual(320);
  });

  test('the two commands are near the top, literally', () => {
    const top = README.split('\n').slice(0, 40).join('\n');
    expect(top).toContain('`npm run synth`');
    expect(top).toContain('`npm test`');
  });

  test('it has the install line of each language and the synth-only command', () => {
    for (const line of [
      'npm install cdk-rust',
      'pip install dist/python/cdk_rust-',
      '<artifactId>cdk-rust</artifactId>',
      'go mod edit -replace',
      'npx cdk-rust synth',
    ]) {
      expect(README).toContain(line);
    }
  });

  test('it shows both diagrams', () => {
    expect(README).toContain('](docs/images/function-stack.svg)');
    expect(README).toContain('](docs/images/service-stack.svg)');
  });

  test('every guide in docs/ is linked from it', () => {
    const guides = fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));
    expect(guides.length).toBeGreaterThan(0);
    const unlinked = guides.filter((f) => !README.includes(`](docs/${f}`));
    expect(unlinked).toEqual([]);
  });
});

describe('README and docs: the snippets are excerpts of examples the tests run', () => {
  const files = documents();

  test.each(Object.keys(EXAMPLES))('every %s snippet is an excerpt of its example app', (language) => {
    const source = read(EXAMPLES[language]);
    expect(codeBlocks(README).filter((b) => b.language === language).length).toBeGreaterThan(0);
    for (const file of files) {
      for (const { code } of codeBlocks(read(file)).filter((b) => b.language === language)) {
        if (!isExcerptOf(code, source)) throw new Error(`${file}: a ${language} snippet is not in ${EXAMPLES[language]}:\n${code}`);
      }
    }
  });

  test('every TypeScript snippet that names the example it comes from is an excerpt of it', () => {
    let checked = 0;
    for (const file of files) {
      for (const { code, before } of codeBlocks(read(file)).filter((b) => b.language === 'ts')) {
        const example = namedExample(before);
        if (!example) continue;
        checked++;
        if (!isExcerptOf(asInExamples(code), read(example))) throw new Error(`${file}: a ts snippet is not in ${example}:\n${code}`);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  test('a snippet that is not in the example is caught', () => {
    expect(isExcerptOf('RustFunction(self, "Other")', 'RustFunction(self, "PrivateGreeter")')).toBe(false);
    expect(isExcerptOf('b\na', 'a\nb')).toBe(false);
    expect(namedExample('From [examples/plain-function.ts](../examples/plain-function.ts):')).toBe('examples/plain-function.ts');
  });
});
