/**
 * 127.0.0.1:PORT of this machine, relayed into a container that has a network namespace of its own and no other
 * network (`docker run --network none`), for engines without a bridge network (see service-network.ts).
 *
 * This process listens on 127.0.0.1:PORT, then hands the listening socket to a small Node.js relay started in the
 * container's network namespace (`nsenter --net=/proc/<pid>/ns/net`): the socket stays on this machine's loopback
 * while each connection the relay accepts is joined to 127.0.0.1:PORT inside the container. Nothing listens on any
 * other interface. Entering the namespace needs root (or CAP_SYS_ADMIN) on Linux; without it the relay fails with
 * the reason. The relay exits when this process goes away (its IPC channel closes).
 */
import { ChildProcess, spawn } from 'child_process';
import * as net from 'net';
import { CdkRustError } from '../errors';

/**
 * The relay's own code: run by `node -e` in the container's namespace, with the port as its argument. Like a load
 * balancer, which reaches a task on its own address and never on its loopback, it relays a connection only while
 * something listens on the port on an address other than loopback (0.0.0.0, ::, the task's own): a service bound
 * to 127.0.0.1 in its container gets no traffic here, as it would get none on Fargate.
 */
const RELAY_SCRIPT = `
const fs = require('fs');
const net = require('net');
const port = Number(process.argv[1]);
const hexPort = ':' + port.toString(16).toUpperCase().padStart(4, '0');
const loopback = (hex) => (hex.length === 8 ? hex.endsWith('7F') : hex === '00000000000000000000000001000000' || /^0{16}FFFF0{4}[0-9A-F]{6}7F$/.test(hex));
const reachable = () => ['tcp', 'tcp6'].some((file) => {
  try {
    return fs.readFileSync('/proc/net/' + file, 'utf-8').split('\\n').slice(1).map((l) => l.trim().split(/\\s+/))
      .some((f) => f.length > 3 && f[3] === '0A' && f[1].endsWith(hexPort) && !loopback(f[1].split(':')[0]));
  } catch { return false; }
});
process.on('disconnect', () => process.exit(0));
process.once('message', (_message, server) => {
  server.on('connection', (client) => {
    if (!reachable()) return void client.destroy();
    const upstream = net.connect(port, '127.0.0.1');
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  process.send('ready');
});
`;

/** How long the relay may take to start and take the socket. */
const START_TIMEOUT_MS = 10_000;

/** A relay under way. */
export interface LoopbackRelay {
  /** The port of this machine's 127.0.0.1 it listens on. */
  readonly port: number;
  /** Stops relaying (connections under way are cut). */
  close(): void;
}

/**
 * Relays 127.0.0.1:`hostPort` of this machine (0: a port the system picks, see {@link LoopbackRelay.port}) to
 * 127.0.0.1:`port` in the network namespace of process `pid`.
 */
export async function startLoopbackRelay(pid: number, port: number, serviceName: string, hostPort = port): Promise<LoopbackRelay> {
  const server = await listenOnLoopback(hostPort, serviceName);
  const listening = (server.address() as net.AddressInfo).port;
  const child = spawn('nsenter', [`--net=/proc/${pid}/ns/net`, '--', process.execPath, '-e', RELAY_SCRIPT, String(port)], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await handOver(child, server);
  } catch (error) {
    child.kill('SIGKILL');
    throw new CdkRustError(
      'SERVICE_UNHEALTHY',
      `cannot relay 127.0.0.1:${listening} into the container of ${serviceName}: ${stderr.trim() || (error as Error).message}.`,
      "this Docker engine has no bridge network, so cdk-rust enters the container's network namespace with nsenter, which needs root on Linux: run cdk-rust run as root (e.g. sudo -E), or give the engine its default bridge network so that the port is published on 127.0.0.1.",
    );
  } finally {
    // The relay holds the socket now (or nothing does): this process no longer accepts on it.
    server.close();
  }
  return { port: listening, close: () => child.kill() };
}

/** A server listening on 127.0.0.1:`port` (0: a port the system picks); a port in use is reported for `serviceName`. */
export function listenOnLoopback(port: number, serviceName: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new CdkRustError(
          'SERVICE_UNHEALTHY',
          `cannot listen on 127.0.0.1:${port} for ${serviceName}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : error.message}.`,
          `stop what listens on port ${port}, or give the service another port.`,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Sends the listening socket to the relay; resolves once it serves, rejects when it exits first or takes too long. */
function handOver(child: ChildProcess, server: net.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the relay did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      reject(error);
    };
    child.once('error', fail);
    child.once('close', (code, signal) => fail(new Error(`the relay exited (${signal ?? `exit ${code}`})`)));
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    child.send('listen', server, (error) => error && fail(error));
  });
}
