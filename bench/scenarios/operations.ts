/**
 * Scenario 24: what operating a function costs on the developer's side, with no Docker and no Rust build.
 *
 * - Readable logs: `cdk-rust invoke` and `watch` cut a function's output into lines (LogLines) and make each JSON
 *   line of lambda_runtime's tracing subscriber readable (formatLogLine). Measured on 10,000 lines in the shapes
 *   the greeter writes (its `greeting` event, a warning, a line that is not JSON), in 64 KiB chunks, against the
 *   same lines passed on as written (`--raw-logs`).
 * - The dashboard at synth: a stack of 20 RustFunctions (builds skipped, as `cdk synth --exclusively` of another
 *   stack would) synthesized with and without an OperationsDashboard, in this process, after a warm-up synth.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { OperationsDashboard, RustFunction } from '../../lib';
import { formatLogLine } from '../../lib/invoke/log-line';
import { LogLines } from '../../lib/invoke/log-lines';
import { Context, Scenario } from '../context';
import { Row, Samples, progress, rowOf, sideBySide } from '../support';

const TITLE = 'Operate it: readable logs, and the dashboard at synth (no Docker)';
const LINES = 10_000;
const CHUNK = 64 * 1024;
const FUNCTIONS = 20;

const RAW = `logs: ${LINES} lines as written (--raw-logs)`;
const READABLE = `logs: ${LINES} lines made readable`;
const WITHOUT = `synth: ${FUNCTIONS} functions`;
const WITH = `synth: ${FUNCTIONS} functions + OperationsDashboard`;

/** One line of lambda_runtime's JSON subscriber, as the greeter writes it (or a warning, or a plain line). */
function functionLine(i: number): string {
  const requestId = `${(0x9d70c1e2 + i).toString(16)}-4b1e-4c3a-9a57-${i.toString(16).padStart(12, '0')}`;
  const span = { requestId, xrayTraceId: `Root=1-6571f0a2-${i.toString(16).padStart(24, '0')};Sampled=0`, name: 'Lambda runtime invoke' };
  if (i % 10 === 9) return `plain output of invocation ${i}`;
  const level = i % 10 === 8 ? 'WARN' : 'INFO';
  const fields = { message: level === 'WARN' ? 'slow downstream call' : 'greeting', name: `Ferris${i}`, request_id: requestId };
  return JSON.stringify({ level, fields, span, spans: [span] });
}

/** The function's output in `CHUNK`-byte pieces, as a pipe delivers it (cut mid-line). */
function outputChunks(): Buffer[] {
  const all = Buffer.from(Array.from({ length: LINES }, (_, i) => `${functionLine(i)}\n`).join(''));
  const chunks: Buffer[] = [];
  for (let at = 0; at < all.length; at += CHUNK) chunks.push(all.subarray(at, at + CHUNK));
  return chunks;
}

/** Seconds to pass every chunk through LogLines with `format`; checks that every line came out. */
function printOnce(chunks: Buffer[], format: (line: string) => string): number {
  const start = process.hrtime.bigint();
  const lines = new LogLines(format);
  let newlines = 0;
  for (const chunk of chunks) newlines += countNewlines(lines.write(chunk));
  newlines += countNewlines(lines.end());
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (newlines !== LINES) throw new Error(`${newlines} lines printed of ${LINES}`);
  return seconds;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Synthesizes the stack of `FUNCTIONS` RustFunctions into `outdir`; the template's size in bytes. */
function synthOnce(repo: string, outdir: string, dashboard: boolean): { seconds: number; bytes: number } {
  const start = process.hrtime.bigint();
  const app = new App({ outdir, analyticsReporting: false, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Ops');
  const manifestPath = path.join(repo, 'test', 'fixtures', 'hello', 'Cargo.toml');
  for (let i = 0; i < FUNCTIONS; i++) {
    new RustFunction(stack, `Fn${i}`, { manifestPath, bundling: { builderImage: 'bench-builder:1', forceDockerBundling: true } });
  }
  if (dashboard) new OperationsDashboard(stack, 'Dashboard');
  const assembly = app.synth();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { seconds, bytes: fs.statSync(path.join(assembly.directory, 'Ops.template.json')).size };
}

export const operations: Scenario = {
  id: '24',
  name: 'operations',
  title: TITLE,
  needsDevEnv: false,
  run(ctx: Context) {
    const rounds = ctx.options.quick ? 5 : 20;
    const chunks = outputChunks();
    const outdir = (label: string, round: number) => path.join(ctx.work, `s24-${label}-${round}`);
    const bytes: Record<string, number> = {};
    progress(`s24: warming up (one pass of each), then ${rounds} rounds of logs and synths`);
    printOnce(chunks, (line) => line);
    printOnce(chunks, (line) => formatLogLine(line));
    bytes[WITHOUT] = synthOnce(ctx.repo, outdir('warm', 0), false).bytes;
    bytes[WITH] = synthOnce(ctx.repo, outdir('warm-dashboard', 0), true).bytes;

    const s: Samples = new Map();
    sideBySide(s, rounds, [
      [
        { name: RAW, run: () => ({ seconds: printOnce(chunks, (line) => line) }) },
        { name: READABLE, run: () => ({ seconds: printOnce(chunks, (line) => formatLogLine(line)) }) },
      ],
      [
        { name: WITHOUT, run: (r) => ({ seconds: synthOnce(ctx.repo, outdir('plain', r), false).seconds }) },
        { name: WITH, run: (r) => ({ seconds: synthOnce(ctx.repo, outdir('dashboard', r), true).seconds }) },
      ],
    ]);
    const outputBytes = chunks.reduce((n, c) => n + c.length, 0);
    ctx.results.raw['24'] = { lines: LINES, outputBytes, chunk: CHUNK, functions: FUNCTIONS, templateBytes: bytes };
    const rows: Row[] = [rowOf(s, RAW), rowOf(s, READABLE, { ref: RAW }), rowOf(s, WITHOUT), rowOf(s, WITH, { ref: WITHOUT })];
    const notes = [
      `logs: ${LINES} lines (${(outputBytes / 1024).toFixed(0)} KiB: 8 INFO and 1 WARN JSON lines of lambda_runtime's subscriber, then 1 plain line, ` +
        `per 10) in ${CHUNK / 1024} KiB chunks through LogLines; in this process, after one warm-up pass each`,
      `synth: in this process, a new App each time, builds skipped (bundling-stacks []), after one warm-up synth each; ` +
        `template ${(bytes[WITHOUT] / 1024).toFixed(0)} KiB without the dashboard, ${(bytes[WITH] / 1024).toFixed(0)} KiB with it`,
    ];
    return { id: '24', title: TITLE, unit: 'ms', notes, rows };
  },
};
