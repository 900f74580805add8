/**
 * The Host and Origin checks of cdk-rust's local servers, as pure rules on request headers.
 */
import { requestRefusal } from '../../lib/private/request-guard';

const PORT = 9000;
const OWN = { host: `127.0.0.1:${PORT}` };

describe('requestRefusal: a local server serves only requests addressed to its loopback address and port', () => {
  test.each(['127.0.0.1:9000', 'localhost:9000', 'LOCALHOST:9000', '[::1]:9000'])('the Host %s is served', (host) => {
    expect(requestRefusal({ host }, PORT, 'none')).toBeUndefined();
    expect(requestRefusal({ host }, PORT, 'same-origin')).toBeUndefined();
  });

  test.each(['evil.example:9000', 'evil.example', '127.0.0.1:9001', '127.0.0.1', '127.0.0.1.evil.example:9000', '0.0.0.0:9000'])(
    'the Host %s (DNS rebinding, another port, no port) is refused, whatever the browser policy',
    (host) => {
      for (const policy of ['none', 'same-origin'] as const) {
        expect(requestRefusal({ host }, PORT, policy)).toEqual({ reason: 'host', carries: `the Host ${JSON.stringify(host)}` });
      }
    },
  );

  test('a request without a Host header is refused', () => {
    expect(requestRefusal({}, PORT, 'same-origin')).toEqual({ reason: 'host', carries: 'no Host header' });
  });
});

describe("requestRefusal: a server for programs refuses every request a browser marks; a developer's server only those of other origins", () => {
  test('for programs (the Runtime API), any Origin, Sec-Fetch-Site or Sec-Fetch-Mode is refused, even its own origin', () => {
    expect(requestRefusal({ ...OWN, origin: `http://127.0.0.1:${PORT}` }, PORT, 'none')).toEqual({ reason: 'origin', carries: 'origin' });
    expect(requestRefusal({ ...OWN, 'sec-fetch-site': 'none' }, PORT, 'none')).toEqual({ reason: 'origin', carries: 'sec-fetch-site' });
    expect(requestRefusal({ ...OWN, 'sec-fetch-mode': 'no-cors' }, PORT, 'none')).toEqual({ reason: 'origin', carries: 'sec-fetch-mode' });
  });

  test.each([
    ['a page of another site', { origin: 'http://evil.example' }, 'the Origin "http://evil.example"'],
    ['a page on another local port', { origin: 'http://127.0.0.1:3000' }, 'the Origin "http://127.0.0.1:3000"'],
    ['an https page of the same host', { origin: `https://localhost:${PORT}` }, `the Origin "https://localhost:${PORT}"`],
    ['a sandboxed frame or a file: page', { origin: 'null' }, 'the Origin "null"'],
    ['an image or script tag of another site (no Origin)', { 'sec-fetch-site': 'cross-site' }, 'Sec-Fetch-Site: cross-site'],
    ['a link from another port of localhost', { 'sec-fetch-site': 'same-site' }, 'Sec-Fetch-Site: same-site'],
    [
      'a CORS preflight from another origin',
      { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
      'the Origin "http://evil.example"',
    ],
  ])('for a developer (watch), a request from %s is refused', (_what, headers, carries) => {
    expect(requestRefusal({ ...OWN, ...headers }, PORT, 'same-origin')).toEqual({ reason: 'origin', carries });
  });

  test.each([
    ['curl or a test (no browser headers)', {}],
    ['the address bar', { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' }],
    ['its own page posting a form', { origin: `http://127.0.0.1:${PORT}`, 'sec-fetch-site': 'same-origin' }],
    ['its own page, opened as localhost', { origin: `http://localhost:${PORT}`, 'sec-fetch-site': 'same-origin' }],
  ])('for a developer (watch), a request from %s is served', (_what, headers) => {
    expect(requestRefusal({ ...OWN, ...headers }, PORT, 'same-origin')).toBeUndefined();
  });
});
