import { InvokeResult } from '../../lib/invoke/invoke-result';
import { functionUrlEvent, UrlRequest, urlResponse } from '../../lib/watch/function-url-event';

const CONTEXT = { requestId: 'req-1', urlId: 'abcdef', region: 'eu-west-1', time: new Date(Date.UTC(2026, 2, 5, 7, 8, 9)) };

function request(overrides: Partial<UrlRequest> = {}): UrlRequest {
  return {
    method: 'GET',
    url: '/',
    headers: { host: ['127.0.0.1:9000'], 'user-agent': ['curl/8.0'] },
    body: Buffer.alloc(0),
    sourceIp: '127.0.0.1',
    protocol: 'HTTP/1.1',
    ...overrides,
  };
}

function success(payloadText: string): InvokeResult {
  let payload: unknown = payloadText;
  try {
    payload = JSON.parse(payloadText);
  } catch {
    // text
  }
  return { ok: true, requestId: 'r', payload, payloadText, streamed: false, logs: '', durationMs: 1 };
}

describe('functionUrlEvent: an HTTP request as the payload format 2.0 event a function URL sends', () => {
  test('a GET carries the path, the raw query, the parsed query (repeated names joined by commas) and the request context', () => {
    const event = functionUrlEvent(request({ url: '/greet/x%20y?name=Ferris&tag=a&tag=b' }), CONTEXT);
    expect(event).toEqual({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/greet/x%20y',
      rawQueryString: 'name=Ferris&tag=a&tag=b',
      headers: { host: '127.0.0.1:9000', 'user-agent': 'curl/8.0' },
      queryStringParameters: { name: 'Ferris', tag: 'a,b' },
      requestContext: {
        accountId: 'anonymous',
        apiId: 'abcdef',
        domainName: 'abcdef.lambda-url.eu-west-1.on.aws',
        domainPrefix: 'abcdef',
        http: { method: 'GET', path: '/greet/x%20y', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8.0' },
        requestId: 'req-1',
        routeKey: '$default',
        stage: '$default',
        time: '05/Mar/2026:07:08:09 +0000',
        timeEpoch: CONTEXT.time.getTime(),
      },
      isBase64Encoded: false,
    });
  });

  test('cookies move from the cookie header to the cookies list; repeated headers are joined by commas', () => {
    const event = functionUrlEvent(request({ headers: { cookie: ['a=1; b=2'], 'x-multi': ['one', 'two'] } }), CONTEXT);
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.headers).toEqual({ 'x-multi': 'one,two' });
  });

  test('a JSON or text body is passed as text; any other body is base64-encoded', () => {
    const jsonBody = functionUrlEvent(
      request({ method: 'POST', headers: { 'content-type': ['application/json'] }, body: Buffer.from('{"name":"Ferris"}') }),
      CONTEXT,
    );
    expect(jsonBody).toMatchObject({ body: '{"name":"Ferris"}', isBase64Encoded: false });
    const binary = Buffer.from([0, 1, 2, 255]);
    const octets = functionUrlEvent(
      request({ method: 'PUT', headers: { 'content-type': ['application/octet-stream'] }, body: binary }),
      CONTEXT,
    );
    expect(octets).toMatchObject({ body: binary.toString('base64'), isBase64Encoded: true });
    expect(functionUrlEvent(request({ body: Buffer.from('plain') }), CONTEXT)).toMatchObject({ isBase64Encoded: true });
  });
});

describe('urlResponse: the function result as the HTTP response a function URL returns', () => {
  test('a response object gives its status, headers, cookies and body', () => {
    const response = urlResponse(
      success(
        JSON.stringify({ statusCode: 201, headers: { 'Content-Type': 'text/plain', 'X-N': 3 }, cookies: ['a=1', 'b=2'], body: 'made' }),
      ),
    );
    expect(response.statusCode).toBe(201);
    expect(response.headers).toEqual({ 'content-type': 'text/plain', 'x-n': '3', 'set-cookie': ['a=1', 'b=2'] });
    expect(response.body.toString()).toBe('made');
  });

  test('a base64-encoded body is decoded', () => {
    const response = urlResponse(
      success(JSON.stringify({ statusCode: 200, body: Buffer.from([9, 8, 7]).toString('base64'), isBase64Encoded: true })),
    );
    expect([...response.body]).toEqual([9, 8, 7]);
  });

  test('any other payload (an object without statusCode, a string, an array) is a 200 JSON body, as sent', () => {
    for (const text of ['{"message":"hi"}', '"just a string"', '[1,2]']) {
      const response = urlResponse(success(text));
      expect(response).toEqual({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(text) });
    }
  });

  test('a failed invocation is a 502 naming the error', () => {
    const response = urlResponse({
      ok: false,
      requestId: 'r',
      kind: 'function',
      error: { errorType: 'Boom', errorMessage: 'it broke' },
      logs: '',
      durationMs: 1,
    });
    expect(response.statusCode).toBe(502);
    expect(JSON.parse(response.body.toString())).toEqual({ message: 'Internal Server Error', errorType: 'Boom', errorMessage: 'it broke' });
  });
});
