/**
 * Running a build command synchronously (CDK bundling is synchronous) while its output is kept in a log file, so
 * that a failure can quote the compiler's own messages, and shown the way the developer asked: in full as it comes
 * (verbose), or as one `[cdk-rust]` status line that updates in place where stderr is a terminal (quiet: nothing
 * at all elsewhere, the caller prints a line before and after). Cargo's progress bars (`Building [==> ] 12/87: ...`,
 * separated by carriage returns) feed the status line and are left out of the log.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The outcome of {@link runStreaming}. */
export interface StreamingResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stdout and stderr of the command, interleaved as they came, without cargo's progress bars. */
  readonly output: string;
}

/** How the command's output is shown while it runs. */
export interface StreamingDisplay {
  /** What the status line names (quiet mode), e.g. the binary being built. */
  readonly label: string;
  /** Everything the command prints goes to stderr as it comes; otherwise only the status line, on a terminal. */
  readonly verbose: boolean;
  /** The status line's text until the output says more. @default 'working' */
  readonly status?: string;
}

/** Options for {@link runStreaming}. */
export interface StreamingOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Text for the command's stdin. */
  readonly input?: string;
  /** A log file the output is appended to, and kept; without it, a temporary one is used and removed. */
  readonly logFile?: string;
  /** @default - everything streams to stderr */
  readonly display?: StreamingDisplay;
}

// A tiny tee, run by a child Node process: it starts the command, appends what it prints to the log file (without
// cargo's progress bars), shows it as the display asks, and exits the way the command did.
const TEE = `
const { spawn } = require('child_process');
const fs = require('fs');
const [log, display, cmd, ...args] = process.argv.slice(1);
const { label, verbose, status: initial } = JSON.parse(display);
const out = fs.openSync(log, 'a');
const tty = !verbose && process.stderr.isTTY === true;
const isBar = (s) => /^\\s*[A-Z][a-z]+ \\[[ =>]*\\]/.test(s);
let status = initial || 'working', compiled = 0, drawn = 0;
const note = (s) => {
  const bar = /\\]\\s+(\\d+)\\/(\\d+)(?::\\s*(.*?))?\\s*$/.exec(s);
  if (isBar(s) && bar) status = 'compiling ' + bar[1] + '/' + bar[2] + (bar[3] ? ': ' + bar[3] : '');
  else if (isBar(s)) status = 'fetching dependencies';
  else if (/^\\s*Compiling \\S/.test(s)) status = 'compiling ' + s.trim().split(/\\s+/)[1] + ' (' + ++compiled + ')';
  else if (/^\\s*(Updating|Downloaded|Downloading|Locking) /.test(s)) status = 'fetching dependencies';
};
const clean = (line) => {
  const prefix = (/^#\\d+ (?:\\d+\\.\\d+ )?/.exec(line) || [''])[0];
  const parts = line.slice(prefix.length).split('\\r');
  parts.forEach(note);
  if (parts.length === 1 && !isBar(parts[0])) return line + '\\n';
  const kept = parts.filter((p) => p.trim() !== '' && !isBar(p));
  return kept.map((p) => prefix + p + '\\n').join('');
};
const draw = (force) => {
  if (!tty || (!force && Date.now() - drawn < 100)) return;
  drawn = Date.now();
  const text = '[cdk-rust] ' + label + ': ' + status;
  process.stderr.write('\\r\\x1b[K' + text.slice(0, Math.max(20, (process.stderr.columns || 80) - 1)));
};
const stream = (readable) => {
  let pending = '';
  readable.setEncoding('utf-8');
  readable.on('data', (chunk) => {
    const lines = (pending + chunk).split('\\n');
    pending = lines.pop();
    const text = lines.map(clean).join('');
    fs.writeSync(out, text);
    if (verbose) process.stderr.write(text);
    pending.split('\\r').slice(-2).forEach(note);
    draw(false);
  });
  readable.on('end', () => { if (pending) { const text = clean(pending); fs.writeSync(out, text); if (verbose) process.stderr.write(text); } });
};
const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
stream(child.stdout);
stream(child.stderr);
process.stdin.pipe(child.stdin);
if (tty) draw(true);
child.on('error', (e) => { fs.writeSync(out, String(e.message) + '\\n'); if (verbose) process.stderr.write(String(e.message) + '\\n'); process.exit(127); });
child.on('close', (code, signal) => {
  if (tty) process.stderr.write('\\r\\x1b[K');
  fs.closeSync(out);
  if (signal) process.kill(process.pid, signal);
  process.exit(code === null ? 1 : code);
});
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s));
`;

/** Runs `command args` to completion, keeping its output in the log and showing it as `display` asks; returns it. */
export function runStreaming(command: string, args: readonly string[], options: StreamingOptions = {}): StreamingResult {
  const temporary = options.logFile === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-log-')) : undefined;
  const log = options.logFile ?? path.join(temporary as string, 'output.log');
  try {
    if (temporary) fs.writeFileSync(log, '');
    const start = fs.statSync(log).size;
    const display = options.display ?? { label: command, verbose: true };
    const result = spawnSync(process.execPath, ['-e', TEE, log, JSON.stringify(display), command, ...args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      input: options.input ?? '',
      stdio: ['pipe', 'ignore', 'inherit'],
      maxBuffer: 1024 * 1024,
    });
    return { status: result.status, signal: result.signal, output: readFrom(log, start) };
  } finally {
    if (temporary) fs.rmSync(temporary, { recursive: true, force: true });
  }
}

/** The text of `file` from byte `offset` on. */
function readFrom(file: string, offset: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const length = Math.max(0, fs.fstatSync(fd).size - offset);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, offset);
    return buffer.toString('utf-8');
  } finally {
    fs.closeSync(fd);
  }
}
