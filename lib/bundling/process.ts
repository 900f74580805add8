/**
 * Running a build command synchronously (CDK bundling is synchronous) while its output streams to
 * stderr as it happens and is also kept, so that a failure can quote the compiler's own messages.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The outcome of {@link runStreaming}. */
export interface StreamingResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stdout and stderr of the command, interleaved as they came. */
  readonly output: string;
}

/** Options for {@link runStreaming}. */
export interface StreamingOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Text for the command's stdin. */
  readonly input?: string;
}

// A tiny tee, run by a child Node process: it starts the command, copies everything it prints to
// stderr (ours, inherited) and to a log file, and exits the way the command did.
const TEE = `
const { spawn } = require('child_process');
const fs = require('fs');
const [log, cmd, ...args] = process.argv.slice(1);
const out = fs.openSync(log, 'a');
const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
const copy = (chunk) => { process.stderr.write(chunk); fs.writeSync(out, chunk); };
child.stdout.on('data', copy);
child.stderr.on('data', copy);
process.stdin.pipe(child.stdin);
child.on('error', (e) => { copy(String(e.message) + '\\n'); process.exit(127); });
child.on('close', (code, signal) => {
  fs.closeSync(out);
  if (signal) process.kill(process.pid, signal);
  process.exit(code === null ? 1 : code);
});
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s));
`;

/** Runs `command args` to completion, streaming its output to stderr and returning it. */
export function runStreaming(command: string, args: readonly string[], options: StreamingOptions = {}): StreamingResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-log-'));
  const log = path.join(dir, 'output.log');
  try {
    fs.writeFileSync(log, '');
    const result = spawnSync(process.execPath, ['-e', TEE, log, command, ...args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      input: options.input ?? '',
      stdio: ['pipe', 'ignore', 'inherit'],
      maxBuffer: 1024 * 1024,
    });
    return { status: result.status, signal: result.signal, output: fs.readFileSync(log, 'utf-8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
