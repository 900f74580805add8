/**
 * What a local function waits for from its runtime process (lib/invoke/runtime-readiness.ts), with a real Runtime API
 * emulator and a process whose exit the test decides.
 */
import * as http from 'http';
import { Exit, RunningProcess } from '../../lib/invoke/local-process';
import { RuntimeApiServer } from '../../lib/invoke/runtime-api';
import { initOutcome, logsSettled } from '../../lib/invoke/runtime-readiness';

/** A process that exits when the test calls `exit`. */
function fakeProcess(): { proc: RunningProcess; exit: (exit: Exit) => void } {
  let exit!: (exit: Exit) => void;
  const closed = new Promise<Exit>((resolve) => {
    exit = resolve;
  });
  const proc = { child: {}, closed, exited: false, stderrTail: 'panicked at main\n' } as unknown as RunningProcess;
  return { proc, exit };
}

/** A runtime's request to the emulator, as a runtime sends it. */
function runtimeRequest(server: RuntimeApiServer, method: string, path: string, body = ''): http.ClientRequest {
  const [host, port] = server.address.split(':');
  const req = http.request({ host, port: Number(port), method, path, agent: false });
  req.on('error', () => undefined);
  req.end(body);
  return req;
}

describe('initOutcome: the init ends with the first /next, an init error, an exit or the init timeout', () => {
  let server: RuntimeApiServer;
  beforeEach(async () => {
    server = await RuntimeApiServer.start();
  });
  afterEach(() => server.close());

  test('the first /next ends the init without a failure', async () => {
    const { proc } = fakeProcess();
    const outcome = initOutcome(proc, server, 5000);
    const poll = runtimeRequest(server, 'GET', '/2018-06-01/runtime/invocation/next');
    await expect(outcome).resolves.toBeUndefined();
    poll.destroy();
  });

  test('an exit before any /next is a Runtime.ExitError with the end of stderr', async () => {
    const { proc, exit } = fakeProcess();
    const outcome = initOutcome(proc, server, 5000);
    exit({ code: 101, signal: null });
    await expect(outcome).resolves.toEqual({
      kind: 'exit',
      exit: { code: 101, signal: null },
      error: {
        errorType: 'Runtime.ExitError',
        errorMessage: 'Runtime exited with error: exit status 101\nLast lines of its stderr:\npanicked at main',
      },
    });
  });

  test('an init error posted before the exit is the failure reported', async () => {
    const { proc, exit } = fakeProcess();
    const outcome = initOutcome(proc, server, 5000);
    runtimeRequest(server, 'POST', '/2018-06-01/runtime/init/error', '{"errorType":"Config.Missing","errorMessage":"no TABLE"}');
    await new Promise((resolve) => server.once('init-error', resolve));
    exit({ code: 1, signal: null });
    await expect(outcome).resolves.toEqual({ kind: 'init', error: { errorType: 'Config.Missing', errorMessage: 'no TABLE' } });
  });

  test('no /next within the limit is Sandbox.Timedout, as Lambda times an init out', async () => {
    const { proc } = fakeProcess();
    await expect(initOutcome(proc, server, 50)).resolves.toEqual({
      kind: 'init',
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'Init timed out after 0.05 seconds' },
    });
  });
});

describe('logsSettled: an invocation is over once the runtime polls again, exits, or stays quiet a moment', () => {
  test('a runtime that stays quiet is waited for about 200 ms; one that exits is not waited for', async () => {
    const server = await RuntimeApiServer.start();
    try {
      const quiet = fakeProcess();
      const started = Date.now();
      await logsSettled(quiet.proc, server);
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);

      const exiting = fakeProcess();
      exiting.exit({ code: 0, signal: null });
      const exitStarted = Date.now();
      await logsSettled(exiting.proc, server);
      expect(Date.now() - exitStarted).toBeLessThan(150);
    } finally {
      await server.close();
    }
  });
});
