/**
 * The port Docker picked for a container published on an ephemeral port of 127.0.0.1 (`--publish 127.0.0.1::PORT`),
 * read back with `docker port`: how `cdk-rust run --watch` reaches each container it starts while its own relay
 * holds the service's port.
 */
import { execFile } from 'child_process';
import { promisify } from 'util';

/**
 * The 127.0.0.1 port in `docker port`'s output (`127.0.0.1:49153`, one line per binding); undefined when it names
 * none (a binding on another address is never taken).
 */
export function parsePublishedPort(output: string): number | undefined {
  for (const line of output.split('\n')) {
    const match = /^127\.0\.0\.1:(\d+)$/.exec(line.trim());
    if (match && Number(match[1]) > 0 && Number(match[1]) <= 65535) return Number(match[1]);
  }
  return undefined;
}

/** The port of 127.0.0.1 that `container`'s `port`/tcp is published on; undefined when Docker names none. */
export async function publishedPort(docker: string, container: string, port: number): Promise<number | undefined> {
  try {
    const { stdout } = await promisify(execFile)(docker, ['port', container, `${port}/tcp`], { encoding: 'utf-8' });
    return parsePublishedPort(stdout);
  } catch {
    return undefined;
  }
}
