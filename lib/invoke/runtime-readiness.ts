/**
 * What a local function waits for from its runtime process, through the Runtime API emulator: the end of its init
 * (its first `/next`, an `/init/error`, its exit, or the init timeout), and the end of an invocation's logs.
 */
import { exitError, Failure, RunningProcess } from './local-process';
import { RuntimeApiServer } from './runtime-api';
import { LambdaErrorBody } from './runtime-api-options';

/** Idle time after a response before its logs are considered complete, when the runtime does not poll again. */
const LOG_SETTLE_MS = 200;

/**
 * Resolves with nothing once the runtime polls `/next`, or with what went wrong first: an init error it posted, its
 * exit, or no poll within `limitMs` (`Sandbox.Timedout`, as Lambda's init timeout).
 */
export function initOutcome(proc: RunningProcess, server: RuntimeApiServer, limitMs: number): Promise<Failure | undefined> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (failure: Failure | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      server.off('next', onNext);
      server.off('init-error', onInitError);
      resolve(failure);
    };
    const onNext = (): void => finish(undefined);
    const onInitError = (error: LambdaErrorBody): void => finish({ kind: 'init', error });
    const timer = setTimeout(
      () =>
        finish({
          kind: 'init',
          error: { errorType: 'Sandbox.Timedout', errorMessage: `Init timed out after ${(limitMs / 1000).toFixed(2)} seconds` },
        }),
      limitMs,
    );
    server.on('next', onNext);
    server.on('init-error', onInitError);
    void proc.closed.then((exit) => {
      // An init error posted just before exiting is the better report.
      if (server.initError) finish({ kind: 'init', error: server.initError, exit });
      else finish({ kind: 'exit', error: exitError(exit, proc.stderrTail), exit });
    });
    if (server.runtimeWaiting) finish(undefined);
  });
}

/** Waits until the runtime polls again (its invocation is over), it exits, or it stays quiet a moment. */
export async function logsSettled(proc: RunningProcess, server: RuntimeApiServer): Promise<void> {
  if (!server.runtimeWaiting) {
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        server.off('next', done);
        resolve();
      };
      const timer = setTimeout(done, LOG_SETTLE_MS);
      server.on('next', done);
      void proc.closed.then(done);
    });
  }
  // Output the runtime wrote before its next request was readable in the same poll of the event loop:
  // it has been read once the loop has gone round (twice, for data events deferred to the next tick).
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
}
