/**
 * The one address of a service under `cdk-rust run --watch`, without Docker: two TCP servers on loopback stand for
 * the old and the new container.
 */
import * as net from 'net';
import { listeningAddresses } from '../../lib/service/listening-sockets';
import { ServiceFront } from '../../lib/service/service-front';

/** A server on an ephemeral port of 127.0.0.1 answering each message with `<name>:<message>`. */
async function container(name: string): Promise<{ port: number; server: net.Server }> {
  const server = net.createServer((socket) => socket.on('data', (data) => socket.write(`${name}:${data}`)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.address() as net.AddressInfo).port, server };
}

/** A connection to 127.0.0.1:`port`, and a way to send a message and read the answer. */
async function connect(port: number): Promise<{ socket: net.Socket; ask: (text: string) => Promise<string | undefined> }> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('error', reject));
  const ask = (text: string) =>
    new Promise<string | undefined>((resolve) => {
      socket.once('data', (data) => resolve(data.toString()));
      socket.once('close', () => resolve(undefined));
      socket.write(text);
    });
  return { socket, ask };
}

/** One message on a new connection: the answer, or undefined when the connection is closed without one. */
async function askOnce(port: number, text: string): Promise<string | undefined> {
  const { socket, ask } = await connect(port);
  try {
    return await ask(text);
  } finally {
    socket.destroy();
  }
}

describe('ServiceFront: one address on 127.0.0.1 for the whole session, relayed to the container serving now', () => {
  let front: ServiceFront;
  let old: { port: number; server: net.Server };
  let next: { port: number; server: net.Server };

  beforeEach(async () => {
    front = new ServiceFront('Svc/Api');
    old = await container('old');
    next = await container('new');
  });

  afterEach(async () => {
    await front.close();
    old.server.close();
    next.server.close();
  });

  test('it listens on 127.0.0.1 only, and refuses connections while no container serves', async () => {
    const port = await front.listen(0);
    expect(listeningAddresses(port)).toEqual(['0100007F']);
    expect(front.targetPort).toBeUndefined();
    expect(await askOnce(port, 'hello')).toBeUndefined();
  });

  test('connections reach the container it is switched to', async () => {
    const port = await front.listen(0);
    front.switchTo(old.port);
    expect(front.targetPort).toBe(old.port);
    expect(await askOnce(port, 'hello')).toBe('old:hello');
  });

  test('after a switch, new connections reach the new container while a connection under way stays with the old one', async () => {
    const port = await front.listen(0);
    front.switchTo(old.port);
    const held = await connect(port);
    expect(await held.ask('first')).toBe('old:first');
    front.switchTo(next.port);
    expect(await askOnce(port, 'hello')).toBe('new:hello');
    expect(await held.ask('second')).toBe('old:second');
    held.socket.destroy();
  });

  test('switched to nothing (the container exited), it refuses connections again', async () => {
    const port = await front.listen(0);
    front.switchTo(old.port);
    front.switchTo(undefined);
    expect(await askOnce(port, 'hello')).toBeUndefined();
  });

  test('close() cuts the connections under way and stops listening', async () => {
    const port = await front.listen(0);
    front.switchTo(old.port);
    const held = await connect(port);
    expect(await held.ask('first')).toBe('old:first');
    const cut = new Promise<void>((resolve) => held.socket.once('close', () => resolve()));
    await front.close();
    await cut;
    await expect(connect(port)).rejects.toThrow(/ECONNREFUSED/);
  });

  test('a port already taken is reported with the service and a fix', async () => {
    const port = await front.listen(0);
    await expect(new ServiceFront('Svc/Other').listen(port)).rejects.toThrow(
      /SERVICE_UNHEALTHY[^]*cannot listen on 127\.0\.0\.1:\d+ for Svc\/Other: the port is in use[^]*Fix: stop what listens/,
    );
  });
});
