/**
 * Scenario 15: the build cache on a fresh CI runner. A second Docker daemon with a data root of its own
 * (test/fresh-daemon.ts) stands for the runner: it starts empty, gets the builder image loaded (untimed:
 * a runner pulls it either way), and the cache directory is what CI restored.
 *
 * For greeter and for a generated workspace of N functions, side by side per round (same one-line edit):
 * - warm: the main daemon, whose caches hold the previous edit's build (a developer's machine, or a
 *   persistent runner);
 * - fresh + cache: a new empty daemon, with `CDK_RUST_CACHE_DIR` holding what the previous round saved;
 * - cold (once): a new empty daemon without the cache, the CI build the cache replaces.
 * Every run starts from an empty cdk.out, as a CI checkout does: the daemon is the only difference.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { FreshDaemon, startFreshDaemon } from '../../test/fresh-daemon';
import { anyAssetHas } from '../assembly-assets';
import { Context, Scenario } from '../context';
import { editGreeting } from '../fixtures/edits';
import { Row, Samples, Timed, cargoWork, progress, rowOf, sample, sideBySide } from '../support';

const TITLE = 'CI build cache: a fresh Docker daemon with the cache directory restored';

/** One project measured by this scenario. */
interface Subject {
  readonly label: string;
  readonly configFile: string;
  readonly outdir: string;
  readonly cacheDir: string;
  /** Applies round `r`'s one-line edit; returns a string the new asset holds. */
  readonly edit: (r: number) => string;
}

/** The cache's signing key, as a trusted CI job holds it: without one the target cache is never restored. */
const BENCH_CACHE_KEY = crypto.randomBytes(32).toString('hex');

/** The seconds of one `build cache: <what> ... in N s` progress line in a synth's log (summed over builds). */
function cacheSeconds(log: string, what: 'restored' | 'saved'): number {
  return [...log.matchAll(new RegExp(`\\[cdk-rust\\] build cache: ${what} .* in ([0-9.]+) s$`, 'gm'))].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

function directoryBytes(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => {
    const p = path.join(dir, e.name);
    return sum + (e.isDirectory() ? directoryBytes(p) : fs.statSync(p).size);
  }, 0);
}

export const ciCache: Scenario = {
  id: '15',
  name: 'ci-cache',
  title: TITLE,
  needsDevEnv: true,
  slow: true,
  run(ctx: Context) {
    const { workbench: wb } = ctx;
    const image = ctx.dev?.image as string;
    const rounds = ctx.options.quick ? 2 : 3;
    const n = ctx.options.workspaceFunctions;
    const s: Samples = new Map();
    const notes: string[] = [];
    const loads: number[] = [];
    const stamp = Date.now().toString(36);

    /** Runs `fn` with a fresh, empty daemon holding the builder image; stops it afterwards. */
    const onFreshDaemon = <T>(fn: (daemon: FreshDaemon) => T): T => {
      const daemon = startFreshDaemon();
      try {
        loads.push(daemon.loadImage(image));
        return fn(daemon);
      } finally {
        daemon.stop();
      }
    };
    const synth = (subject: Subject, name: string, env: NodeJS.ProcessEnv): Timed => {
      fs.rmSync(subject.outdir, { recursive: true, force: true });
      return wb.runApp(name, 'ours', subject.configFile, wb.appEnv(env));
    };

    const measure = (
      subject: Subject,
      rows: { warm: string; fresh: string; cold: string; restore: string; save: string; both: string; size: string },
      coldRuns: number,
    ) => {
      progress(`s15 ${subject.label}: first synth with the cache on the main daemon (untimed, cold)`);
      synth(subject, `s15-${subject.label}-prime`, { CDK_RUST_CACHE_DIR: subject.cacheDir, CDK_RUST_CACHE_KEY: BENCH_CACHE_KEY });
      for (let c = 0; c < coldRuns; c++) {
        progress(`s15 ${subject.label}: cold synth on a fresh daemon, no cache (${c + 1}/${coldRuns})`);
        const t = onFreshDaemon((d) => synth(subject, `s15-${subject.label}-cold-${c + 1}`, { DOCKER_HOST: d.host }));
        sample(s, rows.cold, t.seconds, cargoWork(t.log));
      }
      let tag = '';
      sideBySide(
        s,
        rounds,
        [
          [
            {
              name: rows.warm,
              run: (r) => {
                const t = synth(subject, `s15-${subject.label}-warm-${r + 1}`, {});
                if (!anyAssetHas(subject.outdir, tag)) notes.push(`${subject.label} warm run ${r + 1}: an asset lacks the edit!`);
                return { seconds: t.seconds, work: cargoWork(t.log) };
              },
            },
            {
              name: rows.fresh,
              run: (r) => {
                const t = onFreshDaemon((d) =>
                  synth(subject, `s15-${subject.label}-fresh-${r + 1}`, {
                    DOCKER_HOST: d.host,
                    CDK_RUST_CACHE_DIR: subject.cacheDir,
                    CDK_RUST_CACHE_KEY: BENCH_CACHE_KEY,
                  }),
                );
                if (!anyAssetHas(subject.outdir, tag)) notes.push(`${subject.label} fresh run ${r + 1}: an asset lacks the edit!`);
                const restore = cacheSeconds(t.log, 'restored');
                const save = cacheSeconds(t.log, 'saved');
                sample(s, rows.restore, restore);
                sample(s, rows.save, save);
                sample(s, rows.both, restore + save);
                sample(s, rows.size, directoryBytes(subject.cacheDir));
                return { seconds: t.seconds, work: cargoWork(t.log) };
              },
            },
          ],
        ],
        (r) => {
          tag = subject.edit(r);
          progress(`s15 ${subject.label} round ${r + 1}/${rounds}: edit "${tag}"`);
        },
      );
    };

    // Greeter.
    const greeter = wb.freshGreeter('s15-greeter');
    const greeterSubject: Subject = {
      label: 'greeter',
      outdir: path.join(path.dirname(greeter), 'cdk.out'),
      cacheDir: path.join(path.dirname(greeter), 'cdk-rust-cache'),
      configFile: wb.writeConfig({
        outdir: path.join(path.dirname(greeter), 'cdk.out'),
        functions: [{ id: 'Greeter', manifestPath: path.join(greeter, 'Cargo.toml') }],
      }),
      edit: (r) => {
        const tag = `ci-cache-${stamp}-${r + 1}`;
        editGreeting(greeter, tag);
        return tag;
      },
    };
    const G = {
      warm: 'greeter: warm daemon, one-line change',
      fresh: 'greeter: fresh daemon + cache, same change',
      cold: 'greeter: fresh daemon, no cache (cold)',
      restore: 'greeter: restore (probe + seed)',
      save: 'greeter: save',
      both: 'greeter: save + restore',
      size: 'greeter: cache directory',
    };
    measure(greeterSubject, G, 1);

    // A workspace of n functions sharing a crate; the edit is one line of one function.
    const ws = wb.copyWorkspace(n, 's15-ws');
    const names = fs.readdirSync(path.join(ws, 'functions')).sort();
    const edited = names[Math.floor(names.length / 2)];
    const wsSubject: Subject = {
      label: `ws${n}`,
      outdir: path.join(path.dirname(ws), 'cdk.out'),
      cacheDir: path.join(path.dirname(ws), 'cdk-rust-cache'),
      configFile: wb.writeConfig({
        outdir: path.join(path.dirname(ws), 'cdk.out'),
        functions: names.map((name) => ({ id: name, manifestPath: path.join(ws, 'Cargo.toml'), binaryName: name })),
      }),
      edit: (r) => {
        const tag = `ci-cache-ws-${stamp}-${r + 1}`;
        const file = path.join(ws, 'functions', edited, 'src', 'main.rs');
        fs.writeFileSync(file, fs.readFileSync(file, 'utf-8').replace(/println!\("\{NAME\} [^"]*"\);/, `println!("{NAME} ${tag}");`));
        return tag;
      },
    };
    const W = {
      warm: `ws of ${n}: warm daemon, one-line change`,
      fresh: `ws of ${n}: fresh daemon + cache, same change`,
      cold: `ws of ${n}: fresh daemon, no cache (cold)`,
      restore: `ws of ${n}: restore (probe + seed)`,
      save: `ws of ${n}: save`,
      both: `ws of ${n}: save + restore`,
      size: `ws of ${n}: cache directory`,
    };
    measure(wsSubject, W, ctx.options.quick ? 0 : 1);

    const rowsFor = (r: typeof G, coldNote: string): Row[] => [
      rowOf(s, r.warm),
      rowOf(s, r.fresh, { ref: r.warm, targetMax: r === G ? 1.5 : 2 }),
      rowOf(s, r.cold, { ref: r.warm, note: coldNote }),
      rowOf(s, r.restore),
      rowOf(s, r.save),
      rowOf(s, r.both, { ref: r.cold, targetMax: 0.2 }),
      rowOf(s, r.size, { unit: 'MB' }),
    ];
    notes.push(
      `every run synthesizes from an empty cdk.out (as a CI checkout does); the fresh daemons also loaded the builder image first, untimed: ` +
        `${loads.length ? `${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} s` : '-'} each`,
      `the workspace edit changes one line of ${edited}; every function is synthesized, the others compile nothing`,
      'restore and save are summed over the synth (cdk-rust prints their times); size = the cache directory after the save',
    );
    return {
      id: '15',
      title: TITLE,
      notes,
      rows: [...rowsFor(G, ''), ...rowsFor(W, ctx.options.quick ? 'not run with --quick (see scenario 5 for cold workspaces)' : '')],
    };
  },
};
