/**
 * The process that runs a function's `bootstrap` locally: started with the environment Lambda gives it, its stdout
 * and stderr collected (and streamed to our stderr, its JSON log lines made readable by log-line.ts unless raw), its
 * exit awaited, and how it exited told as Lambda tells it (`Runtime.ExitError` with the end of its stderr).
 */
import { ChildProcess, spawn } from 'child_process';
import { StringDecoder } from 'string_decoder';
import { formatLogLine, logColour } from './log-line';
import { LogLines } from './log-lines';
import { InvokeErrorKind, LambdaErrorBody } from './runtime-api-options';

/** How a process ended: its exit status or signal, or why it could not start. */
export interface Exit {
  readonly code: number | null;
  readonly signal: string | null;
  readonly spawnError?: Error;
}

/** A bootstrap process, from its start until it has exited. */
export interface RunningProcess {
  readonly child: ChildProcess;
  /** Resolves once the process has exited (or failed to start) and its output is closed. */
  readonly closed: Promise<Exit>;
  exited: boolean;
  /** The last 16 KiB of its stderr, for the error that reports its exit. */
  stderrTail: string;
  /** Stops it when killing the client is not enough (a container, image-process.ts); resolves once stopped. */
  stop?: () => Promise<void>;
}

/** Why an invocation or an init failed, with the process's exit when it exited. */
export interface Failure {
  readonly kind: InvokeErrorKind;
  readonly error: LambdaErrorBody;
  readonly exit?: Exit;
}

/** Where a process runs and where its output goes. */
export interface LocalProcessOptions {
  readonly cwd: string;
  readonly env: Record<string, string>;
  /** Also write its output to our stderr, as it comes. */
  readonly streamLogs: boolean;
  /** Stream it exactly as it was written, rather than with JSON log lines made readable (log-line.ts). */
  readonly rawLogs?: boolean;
  /** Receives its stdout and stderr, decoded as UTF-8, as they come. */
  onOutput(text: string): void;
}

const STDERR_TAIL_BYTES = 16_384;
const STDERR_TAIL_LINES = 20;

/**
 * Starts `command` with `args`; its output goes to `options.onOutput` as it was written, and to our stderr when
 * `streamLogs` (made readable line by line unless `rawLogs`).
 */
export function spawnLocalProcess(command: string, args: string[], options: LocalProcessOptions): RunningProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc: RunningProcess = { child, exited: false, stderrTail: '', closed: undefined as unknown as Promise<Exit> };
  const capture = (stream: NodeJS.ReadableStream | null, isStderr: boolean): void => {
    const decoder = new StringDecoder('utf8');
    const print = options.streamLogs ? logPrinter(options.rawLogs === true) : undefined;
    stream?.on('data', (chunk: Buffer) => {
      const text = decoder.write(chunk);
      options.onOutput(text);
      if (isStderr) proc.stderrTail = (proc.stderrTail + text).slice(-STDERR_TAIL_BYTES);
      print?.write(chunk);
    });
    stream?.on('end', () => print?.end());
  };
  capture(child.stdout, false);
  capture(child.stderr, true);
  (proc as { closed: Promise<Exit> }).closed = new Promise<Exit>((resolve) => {
    child.once('error', (error) => {
      proc.exited = true;
      resolve({ code: null, signal: null, spawnError: error });
    });
    child.once('close', (code, signal) => {
      proc.exited = true;
      resolve({ code, signal });
    });
  });
  return proc;
}

/** Writes a stream's output to our stderr: as it comes when `raw`, else line by line, made readable. */
function logPrinter(raw: boolean): { write(chunk: Buffer): void; end(): void } {
  if (raw) return { write: (chunk) => process.stderr.write(chunk), end: () => undefined };
  const colour = logColour(process.stderr);
  const lines = new LogLines((line) => formatLogLine(line, colour));
  const print = (text: string): void => {
    if (text) process.stderr.write(text);
  };
  return { write: (chunk) => print(lines.write(chunk)), end: () => print(lines.end()) };
}

/** Kills `proc` (SIGKILL, as Lambda ends an environment) and waits until it has exited; nothing when it has. */
export async function killLocalProcess(proc: RunningProcess | undefined): Promise<void> {
  if (!proc || proc.exited) return;
  if (proc.stop) await proc.stop();
  else proc.child.kill('SIGKILL');
  await proc.closed;
}

/** The error Lambda reports for a runtime that exited: how it exited, and the last lines of its stderr. */
export function exitError(exit: Exit, stderrTail: string): LambdaErrorBody {
  const how = exit.spawnError
    ? `cannot start: ${exit.spawnError.message}`
    : exit.signal
      ? `signal: ${exit.signal}`
      : `exit status ${exit.code}`;
  const tail = stderrTail
    .split('\n')
    .filter((l) => l.trim())
    .slice(-STDERR_TAIL_LINES)
    .join('\n');
  return {
    errorType: 'Runtime.ExitError',
    errorMessage: `Runtime exited with error: ${how}` + (tail ? `\nLast lines of its stderr:\n${tail}` : ''),
  };
}
