/**
 * What `cdk-rust watch`'s servers answer to requests a web page sends (the attack: a page invoking a function that
 * holds the developer's credentials, or reading its answer through DNS rebinding), through a real HTTP server.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { guardWatchRequests } from '../../lib/watch/watch-request-guard';

interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

function request(port: number, method: string, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: '/secret', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf-8') }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? '{"delete":"everything"}' : undefined);
  });
}

describe('guardWatchRequests: watch serves its own origin and programs, never a web page of another origin', () => {
  let server: http.Server;
  let port: number;
  let invoked: string[];

  beforeEach(async () => {
    invoked = [];
    server = http.createServer(
      { requireHostHeader: false },
      guardWatchRequests((req, res) => {
        invoked.push(`${req.method} ${req.headers.origin ?? '-'}`);
        res.end('the function answered with secrets');
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  test('a page of another origin posting to the function gets 403 with a JSON message, and the function is not invoked', async () => {
    const refused = await request(port, 'POST', { Host: `127.0.0.1:${port}`, Origin: 'http://evil.example' });
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toBe('application/json');
    expect(refused.headers.connection).toBe('close');
    expect(JSON.parse(refused.body).message).toContain('the Origin "http://evil.example"');
    expect(invoked).toEqual([]);
  });

  test('a CORS preflight from another origin gets 403, so the browser never sends the request it asks about', async () => {
    const preflight = await request(port, 'OPTIONS', {
      Host: `localhost:${port}`,
      Origin: 'http://evil.example',
      'Access-Control-Request-Method': 'POST',
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(invoked).toEqual([]);
  });

  test('a request addressed to another host (DNS rebinding: evil.example resolved to 127.0.0.1) gets 403 and no answer from the function', async () => {
    const rebound = await request(port, 'GET', { Host: `evil.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).message).toContain(`the Host "evil.example:${port}"`);
    expect(rebound.body).not.toContain('secrets');
    const crossSite = await request(port, 'GET', {
      Host: `127.0.0.1:${port}`,
      'Sec-Fetch-Site': 'cross-site',
      'Sec-Fetch-Mode': 'no-cors',
    });
    expect(crossSite.status).toBe(403);
    expect(invoked).toEqual([]);
  });

  test('curl, the address bar and the page itself are served', async () => {
    expect((await request(port, 'GET', { Host: `127.0.0.1:${port}` })).status).toBe(200);
    expect((await request(port, 'GET', { Host: `localhost:${port}`, 'Sec-Fetch-Site': 'none', 'Sec-Fetch-Mode': 'navigate' })).status).toBe(
      200,
    );
    const own = await request(port, 'POST', {
      Host: `127.0.0.1:${port}`,
      Origin: `http://127.0.0.1:${port}`,
      'Sec-Fetch-Site': 'same-origin',
    });
    expect(own.body).toBe('the function answered with secrets');
    expect(invoked).toEqual(['GET -', 'GET -', `POST http://127.0.0.1:${port}`]);
  });
});
