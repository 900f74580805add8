/**
 * The freshen script (see FRESHEN_SCRIPT) run for real with /bin/sh and coreutils: cargo must see a
 * file as changed exactly when its content differs from the last successful build's.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { FRESHEN_SCRIPT } from '../../lib/bundling/freshen';
import { tempDir } from '../support';

const OLD = new Date('2020-01-01T00:00:00Z');

function setup(files: Record<string, string>): { src: string; target: string } {
  const root = tempDir('freshen');
  const src = path.join(root, 'src');
  const target = path.join(root, 'target');
  fs.mkdirSync(target);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(src, name)), { recursive: true });
    fs.writeFileSync(path.join(src, name), content);
    fs.utimesSync(path.join(src, name), OLD, OLD);
  }
  return { src, target };
}

/** Runs the script, then (as a successful build does) installs the new manifest. Returns the touched files. */
function freshen(src: string, target: string, succeed = true): string[] {
  for (const f of walk(src)) fs.utimesSync(f, OLD, OLD); // as a cached COPY layer would leave them
  const result = spawnSync('sh', ['-c', FRESHEN_SCRIPT, 'freshen.sh', target, src], { encoding: 'utf-8' });
  if (result.status !== 0) throw new Error(result.stderr);
  if (succeed) fs.renameSync(path.join(target, '.cdk-rust-inputs.next'), path.join(target, '.cdk-rust-inputs'));
  return walk(src)
    .filter((f) => fs.statSync(f).mtimeMs > OLD.getTime())
    .map((f) => path.relative(src, f))
    .sort();
}

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('freshen', () => {
  test('first build: every file counts as changed', () => {
    const { src, target } = setup({ 'Cargo.toml': 'a', 'src/main.rs': 'b' });
    expect(freshen(src, target)).toEqual(['Cargo.toml', 'src/main.rs']);
  });

  test('only files whose content changed are touched, whatever their times say', () => {
    const { src, target } = setup({ 'Cargo.toml': 'a', 'src/main.rs': 'b', 'src/lib with space.rs': 'c' });
    freshen(src, target);
    expect(freshen(src, target)).toEqual([]);
    fs.writeFileSync(path.join(src, 'src/lib with space.rs'), 'c2');
    expect(freshen(src, target)).toEqual(['src/lib with space.rs']);
  });

  test('switching back to earlier contents (A, B, A) counts as a change', () => {
    const { src, target } = setup({ 'src/main.rs': 'A' });
    freshen(src, target);
    fs.writeFileSync(path.join(src, 'src/main.rs'), 'B');
    expect(freshen(src, target)).toEqual(['src/main.rs']);
    fs.writeFileSync(path.join(src, 'src/main.rs'), 'A');
    expect(freshen(src, target)).toEqual(['src/main.rs']);
  });

  test('after a failed build, everything counts as changed again', () => {
    const { src, target } = setup({ 'Cargo.toml': 'a', 'src/main.rs': 'b' });
    freshen(src, target);
    fs.writeFileSync(path.join(src, 'src/main.rs'), 'broken');
    expect(freshen(src, target, false)).toEqual(['src/main.rs']);
    expect(fs.existsSync(path.join(target, '.cdk-rust-inputs'))).toBe(false);
    fs.writeFileSync(path.join(src, 'src/main.rs'), 'b');
    expect(freshen(src, target)).toEqual(['Cargo.toml', 'src/main.rs']);
  });
});
