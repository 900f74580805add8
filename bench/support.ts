/**
 * Helpers of the benchmark harness: timed processes with their logs kept, statistics, cargo log
 * parsing and the tables printed to stdout. Nothing here judges a number: tables print ratios and
 * whether a stated target is met, and the harness never fails because of a time.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Grid } from './grid';

/** Progress goes to stderr, tables to stdout. */
export function progress(message: string): void {
  const now = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[bench ${now}] ${message}\n`);
}

/** A failure of the harness itself (a command that should have worked did not). */
export class BenchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchError';
  }
}

/** Where the logs of every command go (kept after the run, next to the results). */
let logDir: string | undefined;
let logSeq = 0;

export function setLogDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  logDir = dir;
}

/** A new log file's path (numbered in run order), not yet written. */
export function logPath(name: string): string {
  if (!logDir) throw new BenchError('setLogDir was not called');
  return path.join(logDir, `${String(++logSeq).padStart(3, '0')}-${name.replace(/[^A-Za-z0-9_.-]+/g, '_')}.log`);
}

/** Writes `text` as a log of its own and returns the file. */
export function saveLog(name: string, text: string): string {
  const file = logPath(name);
  fs.writeFileSync(file, text);
  return file;
}

/** The outcome of a timed command. */
export interface Timed {
  readonly seconds: number;
  readonly status: number | null;
  /** stdout and stderr, interleaved. */
  readonly log: string;
  readonly logFile: string;
}

export interface TimedOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Do not throw when the command fails. */
  readonly allowFailure?: boolean;
  readonly timeoutSeconds?: number;
}

/**
 * Runs a command to completion and times it, wall clock, from spawn to exit. Its output goes to a
 * log file (not to the terminal); the caller prints a one-line progress message instead.
 */
export function timed(name: string, command: string, args: readonly string[], options: TimedOptions = {}): Timed {
  const logFile = logPath(name);
  const fd = fs.openSync(logFile, 'w');
  fs.writeSync(fd, `$ ${[command, ...args].join(' ')}\n# cwd: ${options.cwd ?? process.cwd()}\n`);
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', fd, fd],
    timeout: options.timeoutSeconds ? options.timeoutSeconds * 1000 : undefined,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  fs.writeSync(fd, `\n# exit ${result.status ?? result.signal ?? result.error?.message}, ${seconds.toFixed(2)} s wall\n`);
  fs.closeSync(fd);
  const log = fs.readFileSync(logFile, 'utf-8');
  if (!options.allowFailure && (result.error || result.status !== 0)) {
    const why = result.error ? result.error.message : result.signal ? `signal ${result.signal}` : `exit status ${result.status}`;
    throw new BenchError(`${name} failed (${why}): ${[command, ...args].join(' ')}\nlog: ${logFile}\n--- last lines ---\n${tail(log, 40)}`);
  }
  return { seconds, status: result.error ? null : result.status, log, logFile };
}

/** Times a function of this process. */
export function timeIt<T>(fn: () => T): { seconds: number; result: T } {
  const started = process.hrtime.bigint();
  const result = fn();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, result };
}

/** Runs a command that must succeed, untimed, and returns its stdout (trimmed). */
export function run(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error || result.status !== 0) {
    throw new BenchError(
      `${[command, ...args].join(' ')} failed: ${result.error?.message ?? ''}${result.stderr ?? ''}${result.stdout ?? ''}`.trim(),
    );
  }
  return result.stdout.trim();
}

/** Runs a command and returns its stdout, or undefined when it fails (for version probes). */
export function probe(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf-8', env: env ?? process.env, timeout: 60_000 });
  if (result.error || result.status !== 0) return undefined;
  return (result.stdout || result.stderr).trim();
}

export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export function sha256(data: Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

// ------------------------------------------------------------------------------------------------
// Cargo logs

/** What a build log says about the work cargo did. */
export interface CargoWork {
  /** Sum of cargo's own "Finished ... in X" times (one per cargo build in the log). */
  readonly cargoSeconds: number;
  /** How many cargo builds finished in the log. */
  readonly builds: number;
  /** Crates compiled, in order (std's crates included, for a toolchain that builds the std with -Zbuild-std). */
  readonly compiled: string[];
  /** Crates downloaded during the build. */
  readonly downloaded: number;
}

/**
 * What cargo did, from a log. cdk-rust writes cargo's output to a log file of its own and names it on
 * stderr (`(full output: <file>)`): when `log` has no cargo output of its own, the files it names are read.
 */
export function cargoWork(log: string): CargoWork {
  if (!/Finished `?[\w-]+`? profile /.test(log)) {
    const files = [...log.matchAll(/\(full output: (\S+?\.log)\)/g)].map((m) => m[1]).filter((f) => fs.existsSync(f));
    if (files.length) return parseCargoWork([...new Set(files)].map((f) => fs.readFileSync(f, 'utf-8')).join('\n'));
  }
  return parseCargoWork(log);
}

function parseCargoWork(log: string): CargoWork {
  let cargoSeconds = 0;
  let builds = 0;
  for (const match of log.matchAll(/Finished `?[\w-]+`? profile .*? in (?:(\d+)m )?(\d+(?:\.\d+)?)s/g)) {
    cargoSeconds += Number(match[1] ?? 0) * 60 + Number(match[2]);
    builds++;
  }
  const compiled = [...log.matchAll(/Compiling (\S+) v/g)].map((m) => m[1]);
  const downloaded = [...log.matchAll(/Downloaded (\S+) v/g)].length;
  return { cargoSeconds, builds, compiled, downloaded };
}

// ------------------------------------------------------------------------------------------------
// Statistics and tables

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One measured variant of a scenario. */
export interface Row {
  readonly variant: string;
  /** Seconds, one per run. Empty when the variant was not measured. */
  readonly samples: number[];
  /** The variant (of the same table) this one is compared with. */
  readonly ref?: string;
  /** A stated target for the ratio to `ref`: at most this many times. */
  readonly targetMax?: number;
  /** Median of cargo's own build time, when the variant ran cargo. */
  readonly cargoSeconds?: number[];
  /** Crates compiled per run (median), when known. */
  readonly crates?: number[];
  /** Anything else worth a word. */
  readonly note?: string;
  /**
   * The unit of this row, when it is not the table's time unit: `MB` (samples in bytes, shown in 10^6 bytes),
   * or `ms` / `s` (samples in seconds). A table with such rows prints a `unit` column.
   */
  readonly unit?: RowUnit;
  /** A stated absolute target: the median at most this, in the samples' own unit (bytes for `MB`). */
  readonly limitMax?: number;
}

/** The units a row can state for itself (see {@link Row.unit}). */
export type RowUnit = 's' | 'ms' | 'MB';

/** How a row of `unit` shows a sample: the factor from the samples' unit, and the digits. */
const ROW_UNITS: Record<RowUnit, { factor: number; digits: number }> = {
  s: { factor: 1, digits: 2 },
  ms: { factor: 1000, digits: 1 },
  MB: { factor: 1e-6, digits: 2 },
};

export interface Table {
  readonly id: string;
  readonly title: string;
  readonly rows: Row[];
  readonly notes: string[];
  /** Print times in milliseconds (samples are seconds either way). */
  readonly unit?: 'ms';
  /** A summary of another shape, printed after the table (bench/grid.ts). */
  readonly grid?: Grid;
}

function fmt(n: number | undefined, digits = 2): string {
  return n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits);
}

/** The ratio of a row to its reference, and the verdict on its target. */
export function ratioOf(table: Table, row: Row): { ratio?: number; verdict?: string } {
  const limit = limitVerdict(row);
  if (!row.ref || row.samples.length === 0) return limit ? { verdict: limit } : {};
  const ref = table.rows.find((r) => r.variant === row.ref);
  if (!ref || ref.samples.length === 0) return limit ? { verdict: limit } : {};
  const ratio = median(row.samples) / median(ref.samples);
  const target = row.targetMax === undefined ? undefined : `${ratio <= row.targetMax ? 'met' : 'MISSED'} (<= ${row.targetMax}x)`;
  const verdict = target && limit ? `${target}; ${limit}` : (target ?? limit);
  return { ratio, verdict };
}

/** The verdict on a row's absolute target (`limitMax`), when it has one and was measured. */
export function limitVerdict(row: Row): string | undefined {
  if (row.limitMax === undefined || row.samples.length === 0) return undefined;
  const unit = row.unit ?? 's';
  const { factor } = ROW_UNITS[unit];
  const shown = `${+(row.limitMax * factor).toFixed(6)} ${unit}`;
  return `${median(row.samples) <= row.limitMax ? 'met' : 'MISSED'} (<= ${shown})`;
}

/** Renders a table as fixed-width text. */
export function renderTable(table: Table): string {
  const u = table.unit ?? 's';
  const k = table.unit === 'ms' ? 1000 : 1;
  // Rows that state their own unit (sizes, memory) get a unit column, and the min/median/max headers lose theirs.
  const perRow = table.rows.some((r) => r.unit !== undefined);
  const header = [
    'variant',
    'runs',
    ...(perRow ? ['unit', 'min', 'median', 'max'] : [`min ${u}`, `median ${u}`, `max ${u}`]),
    'ratio',
    'vs',
    'target',
    'cargo s',
    'crates',
    'note',
  ];
  const leftAligned = new Set(['variant', 'unit', 'vs', 'target', 'cargo s', 'crates', 'note']);
  const lines: string[][] = [header];
  for (const row of table.rows) {
    const { ratio, verdict } = ratioOf(table, row);
    const s = row.samples;
    const unit = row.unit ?? u;
    const { factor, digits } = row.unit ? ROW_UNITS[row.unit] : { factor: k, digits: 2 };
    lines.push([
      row.variant,
      String(s.length),
      ...(perRow ? [unit] : []),
      s.length ? fmt(factor * Math.min(...s), digits) : '-',
      s.length ? fmt(factor * median(s), digits) : '-',
      s.length ? fmt(factor * Math.max(...s), digits) : '-',
      ratio === undefined ? (row.ref ? '-' : table.rows.some((r) => r.ref === row.variant) ? 'ref' : '') : `${ratio.toFixed(2)}x`,
      row.ref ?? '',
      verdict ?? '',
      row.cargoSeconds && row.cargoSeconds.length ? fmt(median(row.cargoSeconds), 1) : '',
      row.crates && row.crates.length ? String(median(row.crates)) : '',
      row.note ?? '',
    ]);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const out = [`== ${table.id}. ${table.title} ==`];
  for (const [i, line] of (table.rows.length ? lines : []).entries()) {
    out.push(
      line
        .map((cell, j) => (leftAligned.has(header[j]) ? cell.padEnd(widths[j]) : cell.padStart(widths[j])))
        .join('  ')
        .trimEnd(),
    );
    if (i === 0) out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  for (const note of table.notes) out.push(`  * ${note}`);
  return out.join('\n') + '\n';
}

// ------------------------------------------------------------------------------------------------
// Samples, and measuring side by side

/** The samples of a scenario's variants, by variant name: seconds, and cargo's own work when it ran. */
export type Samples = Map<string, { samples: number[]; cargo: number[]; crates: number[] }>;

/** Records one run of `variant`: its seconds, and (when cargo built something) cargo's time and crates. */
export function sample(rows: Samples, variant: string, seconds: number, work?: CargoWork): void {
  if (!rows.has(variant)) rows.set(variant, { samples: [], cargo: [], crates: [] });
  const row = rows.get(variant)!;
  row.samples.push(seconds);
  if (work && work.builds > 0) {
    row.cargo.push(work.cargoSeconds);
    row.crates.push(work.compiled.length);
  }
}

/** The table row of `variant` (no samples when it never ran). */
export function rowOf(samples: Samples, variant: string, extra: Partial<Row> = {}): Row {
  const s = samples.get(variant);
  return { variant, samples: s?.samples ?? [], cargoSeconds: s?.cargo, crates: s?.crates, ...extra };
}

/** What one run of a variant measured. */
export interface Measurement {
  readonly seconds: number;
  /** Cargo's work in the run's log, when it ran cargo (recorded as the row's `cargo s` and `crates`). */
  readonly work?: CargoWork;
}

/** One side of a side-by-side measurement: cdk-rust, or its reference. */
export interface Variant {
  /** The row it records into. */
  readonly name: string;
  /** Runs it once (round 0, 1, ...) and says how long it took. */
  readonly run: (round: number) => Measurement;
}

/** The order of `items` in round `round`: rotated by one per round (two items: A B, B A, A B, ...). */
export function rotation<T>(items: readonly T[], round: number): T[] {
  return items.map((_, k) => items[(k + round) % items.length]);
}

/**
 * Re-synths each of `variants` once untimed (warm-up), then `runs` times side by side into `samples`; returns how
 * many of the timed runs started a cdk-rust build (0 expected when nothing changed).
 */
export function timeNoChangeSynths(
  samples: Samples,
  runs: number,
  variants: ReadonlyArray<readonly [string, () => Timed]>,
  label: string,
): number {
  progress(`${label}: warm-up synth of each app (untimed)`);
  for (const [, fn] of variants) fn();
  let builds = 0;
  sideBySide(
    samples,
    runs,
    [
      variants.map(([name, fn]) => ({
        name,
        run: () => {
          const t = fn();
          if (/\[cdk-rust\] building/.test(t.log)) builds++;
          return { seconds: t.seconds };
        },
      })),
    ],
    (r) => progress(`${label} no-change run ${r + 1}/${runs}`),
  );
  return builds;
}

/**
 * The one way the harness compares cdk-rust with its reference: `rounds` rounds, each running every
 * group's variants back to back, in an order that rotates by one per round (so that neither side is
 * always first, when the caches and the machine's load favour the first or the second), and records
 * every run in `samples` (the tables show min / median / max and the ratio of medians).
 *
 * Groups run one after the other within a round: `[[ours, bare], [oursLocal, bareHost]]` gives
 * `ours bare oursLocal bareHost`, then `bare ours bareHost oursLocal`, ...
 * `before(round)` runs first in each round (an edit, a progress line); returning false skips the round.
 */
export function sideBySide(
  samples: Samples,
  rounds: number,
  groups: ReadonlyArray<ReadonlyArray<Variant>>,
  before?: (round: number) => boolean | void,
): void {
  for (let round = 0; round < rounds; round++) {
    if (before?.(round) === false) continue;
    for (const group of groups) {
      for (const variant of rotation(group, round)) {
        const m = variant.run(round);
        sample(samples, variant.name, m.seconds, m.work);
      }
    }
  }
}
