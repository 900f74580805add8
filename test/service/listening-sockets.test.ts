/**
 * Reading a namespace's listening sockets from /proc, and telling a service a load balancer can reach from one
 * bound to its container's own loopback.
 */
import * as fs from 'fs';
import * as path from 'path';
import { addressText, isLoopbackAddress, listeners, unreachableBecause } from '../../lib/service/listening-sockets';
import { tempDir } from '../support';

/** A /proc net directory with these sockets (`address:port` hex pairs) in LISTEN, and one established connection. */
function procNet(tcp: string[], tcp6: string[] = []): string {
  const dir = tempDir('proc-net');
  const table = (rows: string[]) =>
    ['  sl  local_address rem_address   st tx_queue rx_queue', ...rows.map((r, i) => `   ${i}: ${r} 00000000:0000 0A 00000000:00000000`)]
      .concat(['   9: 0100007F:1F90 0100007F:D2F0 01 00000000:00000000'])
      .join('\n');
  fs.writeFileSync(path.join(dir, 'tcp'), table(tcp));
  fs.writeFileSync(path.join(dir, 'tcp6'), table(tcp6));
  return dir;
}

describe('listening-sockets: what a namespace listens on, as /proc says', () => {
  test('listening sockets of both families, decoded port; established connections are not listeners', () => {
    expect(listeners(procNet(['0100007F:0BB8'], ['00000000000000000000000000000000:1F90']))).toEqual([
      { address: '0100007F', port: 3000 },
      { address: '00000000000000000000000000000000', port: 8080 },
    ]);
    expect(listeners('/nonexistent/net')).toBeUndefined();
  });

  test('loopback addresses, IPv4 and IPv6 (mapped too), and how people write addresses', () => {
    expect(['0100007F', '0101007F', '00000000000000000000000001000000', '0000000000000000FFFF00000100007F'].map(isLoopbackAddress)).toEqual(
      [true, true, true, true],
    );
    expect(['00000000', '0F02000A', '00000000000000000000000000000000'].map(isLoopbackAddress)).toEqual([false, false, false]);
    expect(['0100007F', '00000000', '00000000000000000000000000000000', '00000000000000000000000001000000'].map(addressText)).toEqual([
      '127.0.0.1',
      '0.0.0.0',
      '[::]',
      '[::1]',
    ]);
  });
});

describe('listening-sockets: unreachableBecause names the bind address a load balancer cannot reach', () => {
  test('bound to 127.0.0.1 only: the problem says so, the fix names 0.0.0.0 and the port', () => {
    const why = unreachableBecause(listeners(procNet(['0100007F:1F90'])), 8080);
    expect(why?.problem).toContain("listens on 127.0.0.1:8080 only, its container's own loopback");
    expect(why?.fix).toMatch(/^bind 0\.0\.0\.0:8080 \(or \[::\]:8080\)/);
  });

  test('listening on another port: the problem names it, the fix names PORT', () => {
    const why = unreachableBecause(listeners(procNet(['0100007F:0BB8'])), 8080);
    expect(why?.problem).toBe('nothing listens on port 8080; it listens on 127.0.0.1:3000.');
    expect(why?.fix).toContain('PORT variable (8080)');
  });

  test('bound to 0.0.0.0 or [::], or nothing known: no reason is made up', () => {
    expect(unreachableBecause(listeners(procNet(['00000000:1F90'])), 8080)).toBeUndefined();
    expect(unreachableBecause(listeners(procNet([], ['00000000000000000000000000000000:1F90'])), 8080)).toBeUndefined();
    expect(unreachableBecause(undefined, 8080)).toBeUndefined();
    expect(unreachableBecause([], 8080)).toBeUndefined();
  });
});
