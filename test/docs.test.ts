import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { ROOT, anchors, documents, read, relativeLinks, slug } from './markdown-support';

/** Every code a CdkRustError can carry: the members of the CdkRustErrorCode union in lib/errors.ts. */
function errorCodes(): string[] {
  const source = ts.createSourceFile('errors.ts', read('lib/errors.ts'), ts.ScriptTarget.Latest);
  const alias = source.statements.find(
    (s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === 'CdkRustErrorCode',
  );
  if (!alias || !ts.isUnionTypeNode(alias.type)) throw new Error('lib/errors.ts has no CdkRustErrorCode union');
  return alias.type.types.map((t) => (ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal) ? t.literal.text : t.getText(source)));
}

describe('docs: every relative link in the README, CONTRIBUTING.md and docs/ leads somewhere', () => {
  test.each(documents())('%s: every link resolves to a file, and every anchor to a heading', (file) => {
    const broken: string[] = [];
    for (const link of relativeLinks(read(file))) {
      const [target, anchor] = link.split('#');
      const resolved = target === '' ? file : path.normalize(path.join(path.dirname(file), decodeURIComponent(target)));
      if (!fs.existsSync(path.join(ROOT, resolved))) broken.push(`${link} (no file ${resolved})`);
      else if (anchor !== undefined && resolved.endsWith('.md') && !anchors(read(resolved)).has(anchor))
        broken.push(`${link} (no heading #${anchor})`);
    }
    expect(broken).toEqual([]);
  });

  test('anchors are made as GitHub makes them', () => {
    expect(slug('RustExtension (Lambda extensions)')).toBe('rustextension-lambda-extensions');
    expect(slug('`cdk watch --hotswap`')).toBe('cdk-watch---hotswap');
    expect(slug("The health check: cdk-rust's probe")).toBe('the-health-check-cdk-rusts-probe');
    expect([...anchors('# A\n```sh\n# not a heading\n```\n## A\n')]).toEqual(['a', 'a-1']);
  });
});

describe('docs/troubleshooting.md: a section for every error code', () => {
  test('every code CdkRustError can carry has a heading of its own', () => {
    const codes = errorCodes();
    expect(codes).toContain('INVALID_PROP');
    const headings = anchors(read('docs/troubleshooting.md'));
    expect(codes.filter((code) => !headings.has(slug(code)))).toEqual([]);
  });
});
