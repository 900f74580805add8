/**
 * The relay that makes a service in a network namespace of its own reachable on this machine's 127.0.0.1 (engines
 * without a bridge network), without Docker: the namespace is made with `unshare --net` (root only, as nsenter is).
 */
import { ChildProcess, spawn } from 'child_process';
import { startLoopbackRelay } from '../../lib/service/loopback-relay';
import { freePort } from '../support';
import { listeningAddresses } from '../../lib/service/listening-sockets';

/** A server on `host`:`port` in a new network namespace (as a service in `docker run --network none`). */
async function serverInOwnNamespace(port: number, host = '0.0.0.0'): Promise<ChildProcess> {
  const script = `require('http').createServer((q, s) => s.end('inside ' + q.url)).listen(${port}, '${host}', () => console.log('up'))`;
  const child = spawn('unshare', ['--net', '--', 'sh', '-c', `ip link set lo up && exec "${process.execPath}" -e "${script}"`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the namespace's server exited (${code})`)));
  });
  return child;
}

const asRoot = process.getuid?.() === 0 ? describe : describe.skip;

asRoot('startLoopbackRelay: 127.0.0.1:PORT of this machine reaches PORT in the namespace, and no other interface listens', () => {
  let port: number;
  let inside: ChildProcess;
  beforeEach(async () => {
    port = await freePort();
    inside = await serverInOwnNamespace(port);
  });
  afterEach(() => {
    inside.kill();
  });

  test('a request to 127.0.0.1:PORT is answered by the server in the namespace; the port listens on 127.0.0.1 only', async () => {
    // Before the relay, nothing here listens on the port: the server is in another namespace.
    expect(listeningAddresses(port)).toEqual([]);
    const relay = await startLoopbackRelay(inside.pid as number, port, 'Svc/Api');
    try {
      expect(await (await fetch(`http://127.0.0.1:${port}/health`)).text()).toBe('inside /health');
      expect(await (await fetch(`http://127.0.0.1:${port}/again`)).text()).toBe('inside /again');
      expect(listeningAddresses(port)).toEqual(['0100007F']);
    } finally {
      relay.close();
    }
  });

  test('on a port of 127.0.0.1 the system picks (run --watch), it reaches the same port in the namespace', async () => {
    const relay = await startLoopbackRelay(inside.pid as number, port, 'Svc/Api', 0);
    try {
      expect(relay.port).not.toBe(port);
      expect(await (await fetch(`http://127.0.0.1:${relay.port}/health`)).text()).toBe('inside /health');
      expect(listeningAddresses(relay.port)).toEqual(['0100007F']);
      expect(listeningAddresses(port)).toEqual([]);
    } finally {
      relay.close();
    }
  });

  test("like a load balancer, it never reaches a service bound to its namespace's own loopback", async () => {
    const loopbackPort = await freePort();
    const loopbackOnly = await serverInOwnNamespace(loopbackPort, '127.0.0.1');
    const relay = await startLoopbackRelay(loopbackOnly.pid as number, loopbackPort, 'Svc/Api');
    try {
      await expect(fetch(`http://127.0.0.1:${loopbackPort}/health`)).rejects.toThrow();
      // What cdk-rust run reads to explain it: the namespace's own sockets, bound to 127.0.0.1 only.
      expect(listeningAddresses(loopbackPort, `/proc/${loopbackOnly.pid}/net`)).toEqual(['0100007F']);
    } finally {
      relay.close();
      loopbackOnly.kill();
    }
  });

  test('a port already taken on 127.0.0.1 is reported with the service and a fix', async () => {
    const relay = await startLoopbackRelay(inside.pid as number, port, 'Svc/Api');
    try {
      await expect(startLoopbackRelay(inside.pid as number, port, 'Svc/Other')).rejects.toThrow(
        /SERVICE_UNHEALTHY[^]*cannot listen on 127\.0\.0\.1:\d+ for Svc\/Other: the port is in use/,
      );
    } finally {
      relay.close();
    }
  });

  test('a process whose namespace cannot be entered is reported with the reason and the fix', async () => {
    await expect(startLoopbackRelay(2 ** 22 + 7, port, 'Svc/Api')).rejects.toThrow(
      /SERVICE_UNHEALTHY[^]*cannot relay 127\.0\.0\.1:\d+ into the container of Svc\/Api: nsenter[^]*Fix: [^]*root/,
    );
  });
});
