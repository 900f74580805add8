/**
 * How the long-running loop commands (`cdk-rust watch`, `cdk-rust run --watch`) live and stop: Ctrl-C or SIGTERM
 * closes what they started, during start-up too (a first build stops with them).
 */
import { progress } from '../private/progress';

/** What a loop command runs: a start that may take long, and a close that stops everything it started. */
export interface StoppableLoop {
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts `loop` and resolves once Ctrl-C or SIGTERM has closed it (`stopping` is said on stderr). A start that
 * fails removes the handlers and throws.
 */
export async function runUntilSignal(loop: StoppableLoop, stopping: string, started: () => void): Promise<void> {
  let stop = (): void => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = () => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      progress(stopping);
      void loop.close().then(resolve);
    };
  });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await loop.start();
  } catch (error) {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    throw error;
  }
  started();
  await stopped;
}
