import * as fs from 'fs';
import * as path from 'path';
import { Bundling } from '../../lib/bundling/bundling';
import { SourceWatcher, watchedDirectories } from '../../lib/watch/source-watcher';
import { copyFixture } from '../support';

function prepared(dir: string) {
  return Bundling.prepare({ manifestPath: path.join(dir, 'Cargo.toml') }, { resolveImage: false });
}

function waitFor(condition: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = () => (condition() ? resolve() : Date.now() > until ? reject(new Error('timed out')) : setTimeout(poll, 20));
    poll();
  });
}

describe('watchedDirectories: the directories holding what the build reads, and nothing the hash leaves out', () => {
  test('the crate and src/ are watched; target/ and .git/ are not', () => {
    const dir = copyFixture('hello');
    fs.mkdirSync(path.join(dir, 'target', 'release'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'target', 'release', 'x'), '');
    fs.mkdirSync(path.join(dir, '.git'));
    fs.mkdirSync(path.join(dir, 'src', 'nested'));
    fs.writeFileSync(path.join(dir, 'src', 'nested', 'mod.rs'), '');
    const real = fs.realpathSync(dir);
    expect(watchedDirectories(prepared(dir)).map((d) => path.relative(real, fs.realpathSync(d)) || '.')).toEqual([
      '.',
      'src',
      'src/nested',
    ]);
  });
});

describe('SourceWatcher: one call per burst of changes in the watched directories', () => {
  test('several writes in a row call once; a file in an unwatched directory does not call', async () => {
    const dir = copyFixture('hello');
    fs.mkdirSync(path.join(dir, 'target'));
    let calls = 0;
    const watcher = new SourceWatcher(() => (calls += 1), 100);
    try {
      watcher.watch(watchedDirectories(prepared(dir)));
      for (let i = 0; i < 5; i++) fs.appendFileSync(path.join(dir, 'src', 'main.rs'), `// ${i}\n`);
      await waitFor(() => calls > 0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(calls).toBe(1);
      fs.writeFileSync(path.join(dir, 'target', 'build.log'), 'compiling');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(calls).toBe(1);
    } finally {
      watcher.close();
    }
  });

  test('a new directory is picked up when the next watch() names it', async () => {
    const dir = copyFixture('hello');
    let calls = 0;
    const watcher = new SourceWatcher(() => (calls += 1), 50);
    try {
      watcher.watch(watchedDirectories(prepared(dir)));
      fs.mkdirSync(path.join(dir, 'src', 'api'));
      fs.writeFileSync(path.join(dir, 'src', 'api', 'mod.rs'), '');
      await waitFor(() => calls === 1);
      watcher.watch(watchedDirectories(prepared(dir)));
      expect(watcher.directories.map((d) => path.basename(d))).toContain('api');
      fs.appendFileSync(path.join(dir, 'src', 'api', 'mod.rs'), '// edited\n');
      await waitFor(() => calls === 2);
    } finally {
      watcher.close();
    }
  });
});
