/**
 * The freshen script (see FRESHEN_SCRIPT) run for real with /bin/sh, coreutils and awk: cargo must see
 * a file as changed (newer than the artifacts built before) exactly when its content differs from
 * what the target cache last compiled, whatever times the build context gave it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { FRESHEN_SCRIPT } from '../../lib/bundling/freshen';
import { tempDir } from '../support';

const CONTEXT_TIME = new Date('2020-01-01T00:00:00Z');

interface Workspace {
  readonly src: string;
  readonly target: string;
  /** Time of the artifacts of the last simulated build (what cargo compares sources against). */
  builtAt: number;
}

function setup(files: Record<string, string>): Workspace {
  const root = tempDir('freshen');
  const ws = { src: path.join(root, 'src'), target: path.join(root, 'target'), builtAt: 0 };
  fs.mkdirSync(ws.target);
  write(ws, files);
  return ws;
}

function write(ws: Workspace, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(ws.src, name)), { recursive: true });
    fs.writeFileSync(path.join(ws.src, name), content);
  }
}

/**
 * Runs the script on a context whose times are all old (as a cached COPY layer or a checkout leaves
 * them: `contextTime`), then simulates cargo: returns the files it would recompile (newer than the
 * last build's artifacts) and, when the build succeeds, records a new artifact time.
 */
function build(ws: Workspace, options: { succeed?: boolean; contextTime?: Date } = {}): string[] {
  const contextTime = options.contextTime ?? CONTEXT_TIME;
  for (const f of walk(ws.src)) fs.utimesSync(f, contextTime, contextTime);
  const result = spawnSync('sh', ['-c', FRESHEN_SCRIPT, 'freshen.sh', ws.target, ws.src], { encoding: 'utf-8' });
  if (result.status !== 0) throw new Error(result.stderr);
  const stale = walk(ws.src)
    .filter((f) => fs.statSync(f).mtimeMs > ws.builtAt)
    .map((f) => path.relative(ws.src, f))
    .sort();
  // Artifacts are written after the script ran; a failed build may still have written some.
  const artifact = path.join(ws.target, 'artifact');
  fs.writeFileSync(artifact, '');
  if (options.succeed ?? true) ws.builtAt = fs.statSync(artifact).mtimeMs;
  return stale;
}

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('freshen: cargo sees exactly the files whose content changed', () => {
  test('on the first build, every file counts as changed', () => {
    const ws = setup({ 'Cargo.toml': 'a', 'src/main.rs': 'b' });
    expect(build(ws)).toEqual(['Cargo.toml', 'src/main.rs']);
  });

  test('only files whose content changed are newer than the artifacts, whatever times the context gave them', () => {
    const ws = setup({ 'Cargo.toml': 'a', 'src/main.rs': 'b', 'src/lib with space.rs': 'c' });
    build(ws);
    expect(build(ws)).toEqual([]);
    // A fresh checkout: every file newer than the artifacts, only one edited.
    write(ws, { 'src/lib with space.rs': 'c2' });
    expect(build(ws, { contextTime: new Date(Date.now() + 60_000) })).toEqual(['src/lib with space.rs']);
    expect(build(ws, { contextTime: new Date(Date.now() + 60_000) })).toEqual([]);
  });

  test('switching back to earlier contents (A, B, A) counts as a change', () => {
    const ws = setup({ 'src/main.rs': 'A' });
    build(ws);
    write(ws, { 'src/main.rs': 'B' });
    expect(build(ws)).toEqual(['src/main.rs']);
    write(ws, { 'src/main.rs': 'A' });
    expect(build(ws)).toEqual(['src/main.rs']);
  });

  test('an edit seen by the build of one binary still counts for the build of another that compiles it later', () => {
    // Binary A does not depend on lib.rs, so its build records lib.rs's new content without compiling it;
    // B's build must still find lib.rs newer than B's artifacts.
    const ws = setup({ 'a/main.rs': 'a', 'lib.rs': 'v1' });
    build(ws);
    const builtBeforeEdit = ws.builtAt;
    write(ws, { 'lib.rs': 'v2' });
    build(ws); // binary A
    for (const f of walk(ws.src)) fs.utimesSync(f, CONTEXT_TIME, CONTEXT_TIME);
    spawnSync('sh', ['-c', FRESHEN_SCRIPT, 'freshen.sh', ws.target, ws.src]); // binary B
    expect(fs.statSync(path.join(ws.src, 'lib.rs')).mtimeMs).toBeGreaterThan(builtBeforeEdit);
    expect(fs.statSync(path.join(ws.src, 'a/main.rs')).mtimeMs).toBeLessThan(builtBeforeEdit);
  });

  test('after a failed build, reverting the edit counts as a change (the failed build may have compiled it)', () => {
    const ws = setup({ 'Cargo.toml': 'a', 'src/main.rs': 'b' });
    build(ws);
    write(ws, { 'src/main.rs': 'half-edited' });
    expect(build(ws, { succeed: false })).toEqual(['src/main.rs']);
    ws.builtAt = fs.statSync(path.join(ws.target, 'artifact')).mtimeMs; // what the failed build compiled
    write(ws, { 'src/main.rs': 'b' });
    expect(build(ws)).toEqual(['src/main.rs']);
  });

  test('artifacts from a machine whose clock ran ahead cannot hide an edit', () => {
    const ws = setup({ 'src/main.rs': 'a' });
    build(ws);
    const future = new Date(Date.now() + 3600_000);
    fs.utimesSync(path.join(ws.target, 'artifact'), future, future);
    ws.builtAt = future.getTime();
    write(ws, { 'src/main.rs': 'b' });
    expect(build(ws)).toEqual(['src/main.rs']);
  });

  test('a manifest of an earlier cdk-rust (hashes without times) counts every file as changed, and is replaced', () => {
    const ws = setup({ 'Cargo.toml': 'a', 'src/main.rs': 'b' });
    const hashes = spawnSync('sh', ['-c', 'cd "$1" && find . -type f -exec sha256sum {} + | LC_ALL=C sort', 'sh', ws.src], {
      encoding: 'utf-8',
    });
    fs.writeFileSync(path.join(ws.target, '.cdk-rust-inputs'), hashes.stdout);
    ws.builtAt = Date.now() - 1000;
    expect(build(ws)).toEqual(['Cargo.toml', 'src/main.rs']);
    expect(fs.readFileSync(path.join(ws.target, '.cdk-rust-inputs'), 'utf-8')).toMatch(/^[0-9a-f]{64} \d+\.\d{9} \.\/Cargo\.toml$/m);
    expect(build(ws)).toEqual([]);
  });

  test('a file name sha256sum must escape makes every file count as changed, and keeps no manifest', () => {
    const ws = setup({ 'Cargo.toml': 'a', 'src/odd\\name.rs': 'b' });
    build(ws);
    expect(build(ws)).toEqual(['Cargo.toml', 'src/odd\\name.rs']);
    expect(fs.existsSync(path.join(ws.target, '.cdk-rust-inputs'))).toBe(false);
  });

  test('leaves only its manifest in the target directory', () => {
    const ws = setup({ 'Cargo.toml': 'a' });
    build(ws);
    expect(fs.readdirSync(ws.target).sort()).toEqual(['.cdk-rust-inputs', 'artifact']);
    expect(fs.readFileSync(path.join(ws.target, '.cdk-rust-inputs'), 'utf-8')).toMatch(/^[0-9a-f]{64} \d+\.\d{9} \.\/Cargo\.toml\n$/);
  });
});
