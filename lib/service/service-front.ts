/**
 * The one address of a service under `cdk-rust run --watch`: cdk-rust itself listens on 127.0.0.1:PORT (the
 * service's port, on this machine's loopback only) and relays each TCP connection to the container serving now,
 * which is reachable on a port of 127.0.0.1 the system picked. Replacing the container moves new connections to the
 * new one; a connection under way stays with the container it reached until either end closes it (as a load
 * balancer drains a target it deregisters), so the URL stays the same for the whole session.
 */
import * as net from 'net';
import { listenOnLoopback } from './loopback-relay';

/** A TCP relay on 127.0.0.1:PORT to whichever container serves now. */
export class ServiceFront {
  private server?: net.Server;
  private target?: number;
  private readonly connections = new Set<net.Socket>();

  /** `serviceName`: who the port is for, in errors. */
  constructor(private readonly serviceName: string) {}

  /** The port of 127.0.0.1 new connections are relayed to; undefined while no container serves. */
  public get targetPort(): number | undefined {
    return this.target;
  }

  /** Listens on 127.0.0.1:`port` (0: a port the system picks); returns the port. Fails when it is taken. */
  public async listen(port: number): Promise<number> {
    const server = await listenOnLoopback(port, this.serviceName);
    server.on('connection', (client) => this.relay(client));
    this.server = server;
    return (server.address() as net.AddressInfo).port;
  }

  /** Relays new connections to 127.0.0.1:`port`; with undefined, refuses them (closes them at once). */
  public switchTo(port: number | undefined): void {
    this.target = port;
  }

  /** Stops listening and cuts every connection under way. */
  public async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.target = undefined;
    for (const socket of this.connections) socket.destroy();
    this.connections.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private relay(client: net.Socket): void {
    const target = this.target;
    if (target === undefined) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.connections.add(socket);
      socket.on('close', () => this.connections.delete(socket));
    }
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  }
}
