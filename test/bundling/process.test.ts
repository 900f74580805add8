import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runStreaming } from '../../lib/bundling/process';

const ROOT = path.join(__dirname, '..', '..');

// What BuildKit's plain progress shows of a cargo build with its progress bar forced on: bars separated by carriage
// returns, then cargo's own line, all behind BuildKit's `#N seconds` prefix.
const BUILDKIT_LINES = [
  '#8 [compile 3/3] RUN cargo build',
  '#8 0.790    Compiling core v0.0.0',
  '#8 1.420     Building [>        ] 2/31: core, libc(build.rs)   \r    Building [=>       ] 3/31: core, alloc   \r   Compiling object v0.37.3',
  '#8 2.000     Building [==>      ] 4/31: core, object',
  '#8 9.000 error[E0425]: cannot find value `x` in this scope',
];

/** A command that prints `lines` (odd ones to stderr), `pauseMs` apart, and exits with `code`. */
function printer(lines: readonly string[], code = 0, pauseMs = 0): [string, string[]] {
  const script =
    `const l = ${JSON.stringify(lines)}; let i = 0; const next = () => { if (i === l.length) process.exit(${code}); ` +
    `(i % 2 ? process.stderr : process.stdout).write(l[i++] + '\\n'); setTimeout(next, ${pauseMs}); }; next();`;
  return [process.execPath, ['-e', script]];
}

function tempLog(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'process-test-'));
  const file = path.join(dir, 'build.log');
  fs.writeFileSync(file, 'earlier run\n');
  return file;
}

/** Runs runStreaming in a child process (so its stderr can be captured), optionally under a pseudo-terminal. */
function runInChild(verbose: boolean, underTerminal: boolean): { stderr: string; result: { status: number; output: string } } {
  const log = tempLog();
  // Slower than the status line's redraw interval, so that each state is drawn.
  const [command, args] = printer(BUILDKIT_LINES, 3, 150);
  const driver =
    `const r = require('./lib/bundling/process').runStreaming(${JSON.stringify(command)}, ${JSON.stringify(args)}, ` +
    `{ logFile: ${JSON.stringify(log)}, display: { label: 'greeter', verbose: ${verbose}, status: 'compiling' } }); ` +
    `require('fs').writeFileSync(${JSON.stringify(log + '.result')}, JSON.stringify(r));`;
  const node = [process.execPath, '-r', 'ts-node/register/transpile-only', '-e', driver];
  const run = underTerminal
    ? spawnSync('script', ['-qec', node.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' '), '/dev/null'], {
        cwd: ROOT,
        encoding: 'utf-8',
      })
    : spawnSync(node[0], node.slice(1), { cwd: ROOT, encoding: 'utf-8' });
  const result = JSON.parse(fs.readFileSync(log + '.result', 'utf-8'));
  return { stderr: underTerminal ? run.stdout : run.stderr, result };
}

describe('process: a build command runs quietly, with its whole output kept in the log', () => {
  test('the log and the returned output hold what the command printed, without cargo’s progress bars', () => {
    const log = tempLog();
    const [command, args] = printer(BUILDKIT_LINES);
    const result = runStreaming(command, args, { logFile: log, display: { label: 'greeter', verbose: false } });
    const expected = [
      '#8 [compile 3/3] RUN cargo build',
      '#8 0.790    Compiling core v0.0.0',
      '#8 1.420    Compiling object v0.37.3',
      '#8 9.000 error[E0425]: cannot find value `x` in this scope',
    ];
    // Lines of stdout and stderr may interleave differently: compare as sets, and the bars are gone.
    expect(result.output.trimEnd().split('\n').sort()).toEqual([...expected].sort());
    expect(result.output).not.toContain('Building [');
    expect(result.output).not.toContain('\r');
    // Appended to the log after what was there, and only this run's output is returned.
    expect(fs.readFileSync(log, 'utf-8')).toBe('earlier run\n' + result.output);
    expect(result.status).toBe(0);
  });

  test('the exit status of the command is passed through', () => {
    const [command, args] = printer(['x'], 7);
    expect(runStreaming(command, args, { display: { label: 'x', verbose: false } }).status).toBe(7);
  });

  test('quiet, where stderr is not a terminal: nothing of the command reaches stderr', () => {
    const { stderr, result } = runInChild(false, false);
    expect(stderr).toBe('');
    expect(result.status).toBe(3);
    expect(result.output).toContain('error[E0425]');
  });

  test('verbose: every line reaches stderr as it comes, without progress bars', () => {
    const { stderr } = runInChild(true, false);
    expect(stderr).toContain('#8 0.790    Compiling core v0.0.0');
    expect(stderr).toContain('error[E0425]: cannot find value');
    expect(stderr).not.toContain('Building [');
  });

  test('quiet, on a terminal: one status line that updates in place with cargo’s n/m, and is cleared at the end', () => {
    const { stderr } = runInChild(false, true);
    expect(stderr).toContain('\r\x1b[K[cdk-rust] greeter: compiling core (1)');
    expect(stderr).toContain('\r\x1b[K[cdk-rust] greeter: compiling 4/31: core, object');
    expect(stderr).not.toContain('error[E0425]');
    expect(stderr).not.toContain('\n#8');
    expect(stderr.endsWith('\r\x1b[K')).toBe(true);
  });
});
