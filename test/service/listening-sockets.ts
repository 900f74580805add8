/**
 * What listens on a TCP port in this machine's network namespace, read from /proc/net/tcp and /proc/net/tcp6: how the
 * tests of `cdk-rust run` show that a service is reachable on 127.0.0.1 only, without sending anything to another
 * address.
 */
import * as fs from 'fs';

/** The local addresses (hex, as /proc writes them: `0100007F` is 127.0.0.1, `00000000` is 0.0.0.0) listening on `port`. */
export function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    fs
      .readFileSync(file, 'utf-8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields.length > 3 && fields[3] === '0A' && fields[1].endsWith(`:${hexPort}`))
      .map((fields) => fields[1].split(':')[0]),
  );
}
