/**
 * What listens on a TCP port in a network namespace, read from its /proc/net/tcp and /proc/net/tcp6: how `cdk-rust
 * run` tells a service that a load balancer could reach (bound to 0.0.0.0, `::` or the task's address) from one bound
 * to its container's own loopback, which a load balancer never reaches, without sending anything anywhere.
 */
import * as fs from 'fs';

/** /proc's LISTEN state. */
const TCP_LISTEN = '0A';

/**
 * The local addresses listening on `port`, as /proc writes them (hex, in the kernel's byte order: `0100007F` is
 * 127.0.0.1, `00000000` is 0.0.0.0), from `procNet` (`/proc/net` for this process's namespace, `/proc/<pid>/net` for
 * another's). Undefined when they cannot be read (no /proc, no permission).
 */
export function listeningAddresses(port: number, procNet = '/proc/net'): string[] | undefined {
  return listeners(procNet)
    ?.filter((l) => l.port === port)
    .map((l) => l.address);
}

/** A listening TCP socket: its local address (hex, as /proc writes it) and port. */
export interface Listener {
  readonly address: string;
  readonly port: number;
}

/** Every listening TCP socket of the namespace whose /proc net directory is `procNet`; undefined when unreadable. */
export function listeners(procNet = '/proc/net'): Listener[] | undefined {
  try {
    return ['tcp', 'tcp6'].flatMap((file) =>
      fs
        .readFileSync(`${procNet}/${file}`, 'utf-8')
        .split('\n')
        .slice(1)
        .map((line) => line.trim().split(/\s+/))
        .filter((fields) => fields.length > 3 && fields[3] === TCP_LISTEN)
        .map((fields) => {
          const [address, port] = fields[1].split(':');
          return { address, port: parseInt(port, 16) };
        }),
    );
  } catch {
    return undefined;
  }
}

/**
 * Why a load balancer could not reach a service whose sockets are `found` (see {@link listeners}) on `port`, with
 * the fix; undefined when something listens on the port on an address a load balancer reaches, or nothing is known.
 */
export function unreachableBecause(found: readonly Listener[] | undefined, port: number): { problem: string; fix: string } | undefined {
  if (found === undefined) return undefined;
  const onPort = found.filter((l) => l.port === port);
  const shown = (list: readonly Listener[]) => [...new Set(list.map((l) => `${addressText(l.address)}:${l.port}`))].join(', ');
  if (onPort.length > 0 && onPort.every((l) => isLoopbackAddress(l.address))) {
    return {
      problem:
        `it listens on ${shown(onPort)} only, its container's own loopback. A load balancer reaches a Fargate task on the ` +
        "task's own address, never its loopback, so every health check would fail there and the deployment would roll back.",
      fix: `bind 0.0.0.0:${port} (or [::]:${port}), e.g. TcpListener::bind(("0.0.0.0", port)) or SocketAddr::from(([0, 0, 0, 0], port)).`,
    };
  }
  if (onPort.length === 0 && found.length > 0) {
    return {
      problem: `nothing listens on port ${port}; it listens on ${shown(found)}.`,
      fix: `listen on the port in the PORT variable (${port}), on 0.0.0.0: RustService sets PORT to its port.`,
    };
  }
  return undefined;
}

/** True for a loopback address as /proc writes it: 127.0.0.0/8 (IPv4, little-endian: its last byte is 7F), or ::1. */
export function isLoopbackAddress(hex: string): boolean {
  if (hex.length === 8) return hex.slice(6, 8) === '7F';
  // ::1 as four little-endian words; and ::ffff:127.x.y.z, an IPv4 loopback mapped into IPv6.
  return hex === '00000000000000000000000001000000' || /^0000000000000000FFFF0000[0-9A-F]{6}7F$/.test(hex);
}

/** The address as people write it (`127.0.0.1`, `0.0.0.0`, `[::]`, `[::1]`). */
export function addressText(hex: string): string {
  if (hex.length === 8) return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
  if (/^0+$/.test(hex)) return '[::]';
  if (hex === '00000000000000000000000001000000') return '[::1]';
  return `[${hex}]`;
}
