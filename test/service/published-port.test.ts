/**
 * The port Docker picked for a container published on an ephemeral port of 127.0.0.1, read from `docker port`.
 */
import { parsePublishedPort } from '../../lib/service/published-port';

describe("parsePublishedPort: the 127.0.0.1 port of `docker port`'s output, and no other address's", () => {
  test('one binding on 127.0.0.1', () => {
    expect(parsePublishedPort('127.0.0.1:49153\n')).toBe(49153);
  });

  test('a binding on another address is never taken', () => {
    expect(parsePublishedPort('0.0.0.0:49153\n[::]:49153\n')).toBeUndefined();
    expect(parsePublishedPort('0.0.0.0:49000\n127.0.0.1:49153\n')).toBe(49153);
  });

  test('no binding (the container is gone, or the port is not published), or not a port', () => {
    expect(parsePublishedPort('')).toBeUndefined();
    expect(parsePublishedPort('Error: No public port 8080/tcp published\n')).toBeUndefined();
    expect(parsePublishedPort('127.0.0.1:0\n127.0.0.1:70000\n')).toBeUndefined();
  });
});
