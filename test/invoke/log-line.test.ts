/**
 * A function's log lines made readable for the terminal (lib/invoke/log-line.ts).
 */
import { formatLogLine, logColour } from '../../lib/invoke/log-line';

const REQUEST_ID = '9d70c1e2-5b1f-4c1e-9a3e-2f0d2b1c4a55';
const INVOKE_SPAN = { requestId: REQUEST_ID, xrayTraceId: 'Root=1-67891233-abcdef012345678912345678', name: 'Lambda runtime invoke' };

/** A line as lambda_runtime's init_default_subscriber() writes it with AWS_LAMBDA_LOG_FORMAT=JSON. */
function tracingLine(level: string, fields: Record<string, unknown>, spans: object[] = [INVOKE_SPAN]): string {
  return JSON.stringify({ level, fields, span: spans[spans.length - 1], spans });
}

describe('formatLogLine: tracing JSON lines become one readable line', () => {
  test("the level, the short request id of lambda_runtime's span, the message, then the fields", () => {
    const line = tracingLine('INFO', { message: 'greeting', name: 'world', request_id: REQUEST_ID });
    expect(formatLogLine(line)).toBe('INFO  [9d70c1e2] greeting name=world request_id=9d70c1e2…');
  });

  test.each([
    ['TRACE', 'TRACE'],
    ['DEBUG', 'DEBUG'],
    ['WARN', 'WARN '],
    ['ERROR', 'ERROR'],
    ['info', 'INFO '],
  ])('the level %s is shown as %j, padded to one width', (level, shown) => {
    expect(formatLogLine(tracingLine(level, { message: 'm' }, []))).toBe(`${shown} m`);
  });

  test('values are bare when they read unambiguously, JSON when they need quoting', () => {
    const fields = { message: 'm', n: 3, ok: true, none: null, text: 'two words', empty: '', quote: 'a"b', eq: 'a=b', list: [1, 'x'] };
    expect(formatLogLine(tracingLine('INFO', fields, []))).toBe(
      'INFO  m n=3 ok=true none=null text="two words" empty="" quote="a\\"b" eq="a=b" list=[1,"x"]',
    );
  });

  test('non-ASCII text stays bare; control characters are escaped', () => {
    expect(formatLogLine(tracingLine('INFO', { message: 'm', name: 'Zoë🦀', tab: 'a\tb' }, []))).toBe('INFO  m name=Zoë🦀 tab="a\\tb"');
  });

  test('nested fields are shown with dotted keys; an empty object as {}', () => {
    const line = tracingLine('INFO', { message: 'm', user: { id: 7, address: { city: 'Paris' } }, extra: {} }, []);
    expect(formatLogLine(line)).toBe('INFO  m user.id=7 user.address.city=Paris extra={}');
  });

  test("the spans the event is in are named outermost first, without lambda_runtime's own", () => {
    const spans = [{ task_id: '3', name: 'worker' }, INVOKE_SPAN, { name: 'handler', attempt: 2 }];
    expect(formatLogLine(tracingLine('DEBUG', { message: 'calling' }, spans))).toBe('DEBUG [9d70c1e2] worker>handler: calling');
  });

  test('with only `span` (no `spans` list), its name and request id are read from it', () => {
    const line = JSON.stringify({ level: 'INFO', fields: { message: 'm' }, span: { name: 'outer', requestId: 'abc' } });
    expect(formatLogLine(line)).toBe('INFO  [abc] outer: m');
  });

  test('an event without a message, or outside any invocation, keeps what it has', () => {
    expect(formatLogLine(tracingLine('INFO', { count: 2 }))).toBe('INFO  [9d70c1e2] count=2');
    expect(formatLogLine(JSON.stringify({ level: 'WARN', fields: { message: 'cold start' } }))).toBe('WARN  cold start');
  });

  test('a timestamp is shown as the time of day; target and thread are left out', () => {
    const line = JSON.stringify({
      timestamp: '2026-12-05T08:09:34.123456Z',
      level: 'INFO',
      fields: { message: 'm' },
      target: 'greeter',
      threadName: 'main',
    });
    expect(formatLogLine(line)).toBe('08:09:34.123 INFO  m');
  });

  test('a field holding another request id than the invocation is shown whole', () => {
    expect(formatLogLine(tracingLine('INFO', { message: 'm', upstream: 'f00dbabe-0000-4000-8000-000000000000' }))).toBe(
      'INFO  [9d70c1e2] m upstream=f00dbabe-0000-4000-8000-000000000000',
    );
  });
});

describe("formatLogLine: Lambda's own JSON records are read too", () => {
  test('an application log record: level, request id, message, and its other keys', () => {
    const line = JSON.stringify({
      timestamp: '2026-12-05T08:09:34Z',
      level: 'ERROR',
      requestId: REQUEST_ID,
      message: 'boom',
      errorType: 'Oops',
    });
    expect(formatLogLine(line)).toBe('08:09:34 ERROR [9d70c1e2] boom errorType=Oops');
  });

  test('an application record whose message is not text shows it as a field', () => {
    expect(formatLogLine(JSON.stringify({ level: 'INFO', message: { a: 1 } }))).toBe('INFO  message.a=1');
  });

  test('a platform record: its type, its request id, and its record as fields', () => {
    const start = { time: '2026-12-05T08:09:34.000Z', type: 'platform.start', record: { requestId: REQUEST_ID, version: '$LATEST' } };
    expect(formatLogLine(JSON.stringify(start))).toBe('08:09:34.000 platform.start [9d70c1e2] version=$LATEST');
    const report = { time: '2026-12-05T08:09:35Z', type: 'platform.report', record: { requestId: 'r1', metrics: { durationMs: 1.5 } } };
    expect(formatLogLine(JSON.stringify(report))).toBe('08:09:35 platform.report [r1] metrics.durationMs=1.5');
  });

  test('a platform record whose record is text shows it as the message', () => {
    expect(formatLogLine(JSON.stringify({ time: '2026-12-05T08:09:34Z', type: 'function', record: 'hello' }))).toBe(
      '08:09:34 function hello',
    );
  });
});

describe('formatLogLine: any other line is printed unchanged', () => {
  test.each([
    ['plain text', 'hello from main'],
    ['an empty line', ''],
    ["tracing's text format", ' INFO Lambda runtime invoke{requestId="1"}: greeting name=world'],
    ['JSON that is not an object', '[1,2,3]'],
    ['a JSON object of another shape', '{"status":"ok"}'],
    ['an unknown level', '{"level":"LOUD","fields":{"message":"m"}}'],
    ['broken JSON', '{"level":"INFO","fields":{'],
    ['JSON with text around it', 'log: {"level":"INFO","fields":{"message":"m"}}'],
  ])('%s', (_what, line) => {
    expect(formatLogLine(line)).toBe(line);
  });
});

describe('formatLogLine: colours, when asked for', () => {
  test('the level is coloured by severity; the request id, spans and keys are dimmed', () => {
    const line = tracingLine('ERROR', { message: 'failed', code: 7 }, [{ name: 'worker' }, INVOKE_SPAN]);
    expect(formatLogLine(line, true)).toBe(
      '\x1b[31mERROR\x1b[0m \x1b[2m[9d70c1e2]\x1b[0m \x1b[2mworker:\x1b[0m failed \x1b[2mcode=\x1b[0m7',
    );
  });

  test('WARN is yellow, INFO green, and a line that is not a record gets no colour', () => {
    expect(formatLogLine(tracingLine('WARN', { message: 'm' }, []), true)).toBe('\x1b[33mWARN \x1b[0m m');
    expect(formatLogLine(tracingLine('INFO', { message: 'm' }, []), true)).toBe('\x1b[32mINFO \x1b[0m m');
    expect(formatLogLine('plain', true)).toBe('plain');
  });
});

describe('logColour: colour only on a terminal, and never with NO_COLOR', () => {
  test.each([
    [true, {}, true],
    [false, {}, false],
    [undefined, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
  ])('isTTY %s with %j: %s', (isTTY, env, expected) => {
    expect(logColour({ isTTY }, env)).toBe(expected);
  });
});
