/**
 * Lambda Managed Instances concurrency, locally and end to end: the concurrent-lambda fixture built for real by
 * cdk-rust in Docker (bin `concurrent` on `lambda_runtime::run_concurrent`, bin `sequential` on plain `run`), run
 * against the Runtime API emulator through LocalFunction and through `cdk-rust invoke --invocations`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { listAssemblyFunctions } from '../../lib/invoke/assembly';
import { InvokeResult } from '../../lib/invoke/invoke-result';
import { LocalFunction } from '../../lib/invoke/local-function';
import { builtAssembly, devEnv, FIXTURES, stderrOf, tempDir } from '../support';
import { cdkRustProcess } from '../ts-node-process';

/** What the fixture's handler answers. */
interface Ran {
  readonly pid: number;
  readonly startedMs: number;
  readonly endedMs: number;
}

/** Synthesizes a one-function app of the fixture's bin `binaryName`; returns its assembly and its code directory. */
function synth(binaryName: string): { assembly: string; code: string } {
  const assembly = builtAssembly(path.join(FIXTURES, 'concurrent-lambda', 'Cargo.toml'), `concurrent-${binaryName}`, binaryName);
  return { assembly, code: listAssemblyFunctions(assembly)[0].codeDirectory as string };
}

function ran(result: InvokeResult): Ran {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result)}`);
  return result.payload as Ran;
}

/** Whether every invocation started before any ended: they all ran at the same time. */
function allOverlap(runs: Ran[]): boolean {
  return Math.max(...runs.map((r) => r.startedMs)) < Math.min(...runs.map((r) => r.endedMs));
}

/** Whether each invocation started after the one before it ended. */
function oneByOne(runs: Ran[]): boolean {
  const sorted = [...runs].sort((a, b) => a.startedMs - b.startedMs);
  return sorted.every((r, i) => i === 0 || r.startedMs >= sorted[i - 1].endedMs);
}

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const proc = cdkRustProcess(args);
  const result = spawnSync(proc.command, proc.args, { ...proc.options, encoding: 'utf-8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let concurrent: { assembly: string; code: string };
let sequential: { assembly: string; code: string };
const opened: LocalFunction[] = [];

beforeAll(() => {
  devEnv();
  concurrent = synth('concurrent');
  sequential = synth('sequential');
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((fn) => fn.close()));
});

function local(code: string, concurrency: number): LocalFunction {
  const fn = new LocalFunction({ code, concurrency, streamLogs: false });
  opened.push(fn);
  return fn;
}

describe('LocalFunction, on lambda_runtime with concurrency-tokio: run_concurrent serves n invocations at once in one process', () => {
  test('eight invocations of the run_concurrent bin overlap in time, in one process', async () => {
    const fn = local(concurrent.code, 8);
    const { result } = await stderrOf(() => Promise.all(Array.from({ length: 8 }, () => fn.invoke({ sleepMs: 500 }))));
    const runs = result.map(ran);
    expect(new Set(runs.map((r) => r.pid))).toEqual(new Set([fn.pid]));
    expect(allOverlap(runs)).toBe(true);
    expect(fn.peakConcurrency).toBe(8);
  });

  test('the run bin with concurrency 8 takes them one by one, and one line says so with the fix', async () => {
    const fn = local(sequential.code, 8);
    const { result, stderr } = await stderrOf(() => Promise.all(Array.from({ length: 8 }, () => fn.invoke({ sleepMs: 100 }))));
    const runs = result.map(ran);
    expect(new Set(runs.map((r) => r.pid)).size).toBe(1);
    expect(oneByOne(runs)).toBe(true);
    expect(fn.peakConcurrency).toBe(1);
    const lines = stderr.split('\n').filter((l) => l.includes('takes one invocation at a time although 8 are allowed'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('`concurrency-tokio`');
    expect(lines[0]).toContain('run_concurrent');
  });
});

/** `cdk-rust invoke --invocations 8 --concurrency 8` of the assembly's function, each sleeping `sleepMs`. */
function invokeEightAtOnce(assembly: string, sleepMs: number): { result: ReturnType<typeof cli>; runs: Ran[] } {
  const eventFile = path.join(tempDir('event'), 'event.json');
  fs.writeFileSync(eventFile, JSON.stringify({ sleepMs }));
  const result = cli(['invoke', 'Stack/Function', '--app', assembly, '--invocations', '8', '--concurrency', '8', '--event', eventFile]);
  expect(result.status).toBe(0);
  const runs = result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Ran);
  return { result, runs };
}

describe('cdk-rust invoke --invocations 8: the event sent eight times at once to the one process', () => {
  test('with --concurrency 8, the run_concurrent bin answers eight overlapping invocations from one process', () => {
    const { result, runs } = invokeEightAtOnce(concurrent.assembly, 500);
    expect(runs).toHaveLength(8);
    expect(new Set(runs.map((r) => r.pid)).size).toBe(1);
    expect(allOverlap(runs)).toBe(true);
    expect(result.stderr.match(/REPORT Stack\/Function RequestId: /g)).toHaveLength(8);
    expect(result.stderr.trim().split('\n').pop()).toBe('[cdk-rust] 8 invocations: at most 8 ran at once (concurrency 8)');
  });

  test('the run bin answers them one by one and stderr says it takes one at a time', () => {
    const { result, runs } = invokeEightAtOnce(sequential.assembly, 50);
    expect(oneByOne(runs)).toBe(true);
    expect(result.stderr).toContain('takes one invocation at a time although 8 are allowed');
    expect(result.stderr.trim().split('\n').pop()).toBe('[cdk-rust] 8 invocations: at most 1 ran at once (concurrency 8)');
  });
});
