import * as fs from 'fs';
import * as path from 'path';
import { readCargoWorkspace } from '../../lib/bundling/cargo';
import { collectInputs } from '../../lib/bundling/hash';
import { planIncludePaths } from '../../lib/bundling/include-paths';
import { makeBuildPlan } from '../../lib/bundling/plan';
import { copyFixture, expectCdkRustError, tempDir, writeProjectFile } from '../support';

/** A workspace with a member and a workspace-level `assets/` that the member's include_bytes! reaches. */
function workspaceWithAssets(): string {
  const root = tempDir('include');
  const write = (file: string, text: string) => writeProjectFile(root, file, text);
  write('Cargo.toml', '[workspace]\nmembers = ["crates/app"]\nresolver = "2"\n');
  write('crates/app/Cargo.toml', '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n');
  write('crates/app/src/main.rs', 'fn main() { print!("{}", include_str!("../../../assets/banner.txt")); }\n');
  write('assets/banner.txt', 'hello\n');
  write('assets/.env', 'TOKEN=x\n');
  write('docs/guide.md', 'not an input\n');
  return root;
}

describe('include-paths: bundling.include sends what no member holds, and refuses what it cannot send', () => {
  test('a workspace-level directory joins the inputs and the hash; credentials under it stay out; the rest stays out', () => {
    const root = workspaceWithAssets();
    const planOf = (include?: string[]) => makeBuildPlan(readCargoWorkspace(path.join(root, 'Cargo.toml')), { env: {}, include });
    expect(collectInputs(planOf()).inputs.map((i) => i.relative)).not.toContain('assets/banner.txt');
    const collected = collectInputs(planOf(['assets']));
    expect(collected.inputs.map((i) => i.relative)).toEqual(expect.arrayContaining(['assets/banner.txt', 'crates/app/src/main.rs']));
    expect(collected.inputs.map((i) => i.relative)).not.toContain('docs/guide.md');
    expect(collected.excluded).toEqual([{ relative: 'assets/.env', reason: 'secret' }]);
  });

  test('a file above the workspace root widens the context to reach it', () => {
    const dir = copyFixture('hello');
    const outside = path.join(path.dirname(dir), `${path.basename(dir)}-shared.txt`);
    fs.writeFileSync(outside, 'shared\n');
    const plan = makeBuildPlan(readCargoWorkspace(path.join(dir, 'Cargo.toml')), { env: {}, include: [path.relative(dir, outside)] });
    expect(plan.contextRoot).toBe(path.dirname(dir));
    expect(collectInputs(plan).inputs.map((i) => i.relative)).toContain(path.basename(outside));
  });

  test('a missing path, an absolute path and a link are INVALID_PROP naming bundling.include[i]', () => {
    const root = workspaceWithAssets();
    expectCdkRustError(() => planIncludePaths(['assets', 'migrations'], root), 'INVALID_PROP', 'bundling.include[1]', 'there is nothing');
    expectCdkRustError(() => planIncludePaths(['/etc'], root), 'INVALID_PROP', 'bundling.include[0]', 'relative');
    fs.symlinkSync('/etc', path.join(root, 'etc-link'));
    expectCdkRustError(() => planIncludePaths(['etc-link'], root), 'INVALID_PROP', 'bundling.include[0]', 'symbolic link');
  });
});
