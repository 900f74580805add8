/**
 * One line of a function's logs, made readable for a person: a JSON log record becomes one line such as
 * `INFO  [9d70c1e2] worker: greeting name=world request_id=9d70c1e2…`; any other line is left as it is.
 *
 * Three shapes of JSON records are read:
 * - tracing-subscriber's JSON (what `lambda_runtime::tracing::init_default_subscriber()` writes when
 *   `AWS_LAMBDA_LOG_FORMAT` is `JSON`): `level`, `fields` (its `message` and the event's fields), `span` and `spans`
 *   (lambda_runtime's `Lambda runtime invoke` span carries the `requestId`), and `timestamp` when the subscriber
 *   writes one;
 * - Lambda's JSON application logs (`timestamp`, `level`, `message`, `requestId`, and more keys);
 * - Lambda's JSON platform records (`time`, `type` such as `platform.start`, `record`).
 *
 * This is only for printing: the logs an invocation returns are what the function wrote.
 */

/** The span lambda_runtime opens around each invocation: the line shows its request id rather than its name. */
const INVOKE_SPAN = 'Lambda runtime invoke';

/** Characters of a request id the line shows: the first group of a UUID. */
const SHORT_ID = 8;

const LEVELS = new Set(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']);

/** The parts of a readable line, from whichever shape the record had. */
interface LogRecord {
  /** The level (`INFO`), or a platform record's type (`platform.start`). */
  readonly head: string;
  readonly time?: string;
  readonly requestId?: string;
  /** The names of the spans the event is in, outermost first (without lambda_runtime's own). */
  readonly spans: string[];
  readonly message?: string;
  readonly fields: Record<string, unknown>;
}

type JsonObject = Record<string, unknown>;

/**
 * `line` made readable when it is a JSON log record (see the module's comment), with ANSI colours when `colour`;
 * any other line is returned unchanged.
 */
export function formatLogLine(line: string, colour = false): string {
  const record = logRecord(line);
  return record ? render(record, colour ? ANSI : PLAIN) : line;
}

/** Whether lines printed to `stream` are coloured: on a terminal, unless `NO_COLOR` is set (and not empty). */
export function logColour(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

/** The record `line` holds, or undefined when it is not a JSON object of a known shape. */
function logRecord(line: string): LogRecord | undefined {
  const text = line.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  return tracingRecord(value) ?? applicationRecord(value) ?? platformRecord(value);
}

/** tracing-subscriber's JSON: `{"level":"INFO","fields":{"message":...},"span":{...},"spans":[...]}`. */
function tracingRecord(json: JsonObject): LogRecord | undefined {
  const level = levelOf(json.level);
  if (!level || !isObject(json.fields)) return undefined;
  const { message, ...fields } = json.fields;
  const spans = (Array.isArray(json.spans) ? json.spans : [json.span]).filter(isObject);
  const requestId = spans.map((span) => span.requestId).find((id): id is string => typeof id === 'string');
  return {
    head: level,
    time: stringOf(json.timestamp),
    requestId,
    spans: spans.map((span) => span.name).filter((name): name is string => typeof name === 'string' && name !== INVOKE_SPAN),
    ...messageAndFields(message, fields),
  };
}

/** Lambda's JSON application logs: `{"timestamp":...,"level":"INFO","message":...,"requestId":...}`. */
function applicationRecord(json: JsonObject): LogRecord | undefined {
  const level = levelOf(json.level);
  if (!level || !('message' in json)) return undefined;
  const { timestamp, level: _level, message, requestId, ...fields } = json;
  return { head: level, time: stringOf(timestamp), requestId: stringOf(requestId), spans: [], ...messageAndFields(message, fields) };
}

/** Lambda's JSON platform records: `{"time":...,"type":"platform.start","record":{"requestId":...}}`. */
function platformRecord(json: JsonObject): LogRecord | undefined {
  if (typeof json.type !== 'string' || typeof json.time !== 'string' || !('record' in json)) return undefined;
  const head = json.type;
  if (!isObject(json.record)) return { head, time: json.time, spans: [], ...messageAndFields(json.record, {}) };
  const { requestId, ...fields } = json.record;
  return { head, time: json.time, requestId: stringOf(requestId), spans: [], fields };
}

/** A message that is text is the message; any other value is shown as a field named `message`. */
function messageAndFields(message: unknown, fields: JsonObject): { message?: string; fields: JsonObject } {
  if (typeof message === 'string') return { message, fields };
  return { fields: message === undefined ? fields : { message, ...fields } };
}

/** How the parts of a line are coloured. */
interface Palette {
  level(level: string, text: string): string;
  dim(text: string): string;
}

const PLAIN: Palette = { level: (_level, text) => text, dim: (text) => text };

const LEVEL_COLOURS: Record<string, number> = { TRACE: 35, DEBUG: 34, INFO: 32, WARN: 33, ERROR: 31, FATAL: 31 };

const ANSI: Palette = {
  level: (level, text) => `\x1b[${LEVEL_COLOURS[level] ?? 36}m${text}\x1b[0m`,
  dim: (text) => `\x1b[2m${text}\x1b[0m`,
};

/** The one line of `record`. */
function render(record: LogRecord, paint: Palette): string {
  const short = record.requestId?.slice(0, SHORT_ID);
  const parts = [
    ...(record.time ? [paint.dim(clockTime(record.time))] : []),
    paint.level(record.head, record.head.padEnd(5)),
    ...(short ? [paint.dim(`[${short}]`)] : []),
    ...(record.spans.length > 0 ? [paint.dim(`${record.spans.join('>')}:`)] : []),
    ...(record.message !== undefined && record.message !== '' ? [record.message] : []),
    ...flatten(record.fields).map(([key, value]) => paint.dim(`${key}=`) + fieldValue(value, record.requestId)),
  ];
  return parts.join(' ');
}

/** `12:03:04.123` from an ISO timestamp; the timestamp itself when it is not one. */
function clockTime(time: string): string {
  return /T(\d\d:\d\d:\d\d(?:\.\d{1,3})?)/.exec(time)?.[1] ?? time;
}

/** Fields as `[key, value]` pairs, nested objects as dotted keys (`user.id`). */
function flatten(fields: JsonObject, prefix = ''): Array<[string, unknown]> {
  return Object.entries(fields).flatMap(([key, value]): Array<[string, unknown]> =>
    isObject(value) && Object.keys(value).length > 0 ? flatten(value, `${prefix}${key}.`) : [[`${prefix}${key}`, value]],
  );
}

/** A field's value: bare when it reads unambiguously, JSON otherwise; the invocation's request id shortened. */
function fieldValue(value: unknown, requestId: string | undefined): string {
  if (typeof value !== 'string') return JSON.stringify(value) ?? String(value);
  if (requestId !== undefined && value === requestId && value.length > SHORT_ID) return `${value.slice(0, SHORT_ID)}…`;
  return /^[^\s"'=\\\p{Cc}]+$/u.test(value) ? value : JSON.stringify(value);
}

/** The level, upper case, when `value` is one of tracing's or Lambda's. */
function levelOf(value: unknown): string | undefined {
  const level = typeof value === 'string' ? value.toUpperCase() : undefined;
  return level !== undefined && LEVELS.has(level) ? level : undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
