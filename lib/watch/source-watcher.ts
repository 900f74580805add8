/**
 * Watching the files a build reads: the directories that hold its inputs (and the input directories
 * themselves, where new files appear), each with a plain `fs.watch`. Only those directories are
 * watched, so `target/`, `.git/` and whatever else the hash leaves out never wake the watcher; what
 * does wake it is only a hint, and the asset hash decides whether anything changed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PreparedBuild } from '../bundling/bundling';

/** How long the watcher waits for a burst of changes (an editor's save, a `git checkout`) to end. */
export const DEBOUNCE_MS = 150;

/** The directories to watch for a prepared build: every existing directory from each input root down to each input. */
export function watchedDirectories(prepared: Pick<PreparedBuild, 'plan' | 'inputs'>): string[] {
  const { plan, inputs } = prepared;
  const roots = [...plan.inputDirs, ...plan.inputFiles.map((f) => path.dirname(f))].map((d) => path.resolve(d));
  const dirs = new Set(roots);
  for (const input of inputs) {
    const root = roots.find((r) => input.absolute.startsWith(r + path.sep));
    for (let dir = path.dirname(input.absolute); root !== undefined && dir.startsWith(root) && !dirs.has(dir); dir = path.dirname(dir)) {
      dirs.add(dir);
    }
  }
  return [...dirs].filter((d) => fs.existsSync(d) && fs.statSync(d).isDirectory()).sort();
}

/** Watches a set of directories and calls `onChange` once a burst of changes in them is over. */
export class SourceWatcher {
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly onChange: () => void,
    private readonly debounceMs = DEBOUNCE_MS,
  ) {}

  /** The directories watched now. */
  public get directories(): string[] {
    return [...this.watchers.keys()].sort();
  }

  /** Watches exactly `dirs` (directories that vanished are skipped; they come back with the next change above them). */
  public watch(dirs: readonly string[]): void {
    if (this.closed) return;
    const wanted = new Set(dirs);
    for (const [dir, watcher] of this.watchers) {
      if (!wanted.has(dir)) {
        watcher.close();
        this.watchers.delete(dir);
      }
    }
    for (const dir of wanted) {
      if (this.watchers.has(dir)) continue;
      try {
        const watcher = fs.watch(dir, { persistent: true }, () => this.changed());
        watcher.on('error', () => {
          watcher.close();
          this.watchers.delete(dir);
          this.changed();
        });
        this.watchers.set(dir, watcher);
      } catch {
        // Gone between listing and watching: the change that removed it is being handled.
      }
    }
  }

  public close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  private changed(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (!this.closed) this.onChange();
    }, this.debounceMs);
  }
}
