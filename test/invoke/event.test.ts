/**
 * Events: JSON text checked before anything runs, from a string, a file or stdin.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseEvent, readEventFile } from '../../lib/invoke/event';
import { expectCdkRustError, tempDir } from '../support';

function eventFile(content: string): string {
  const file = path.join(tempDir('event'), 'event.json');
  fs.writeFileSync(file, content);
  return file;
}

describe('parseEvent: only JSON is an event, as in Lambda', () => {
  test('JSON text is parsed: an object, or any other JSON value', () => {
    expect(parseEvent('{"name": "Ferris", "n": [1, 2]}')).toEqual({ name: 'Ferris', n: [1, 2] });
    expect(parseEvent('"text"')).toBe('text');
    expect(parseEvent('null')).toBeNull();
  });

  test("text that is not JSON fails with INVALID_EVENT, naming the event's source and where the JSON breaks, with a fix", () => {
    expectCdkRustError(() => parseEvent('{"name": '), 'INVALID_EVENT', 'the event is not valid JSON: ');
    expectCdkRustError(
      () => parseEvent('{name: 1}', 'the event in event.json'),
      'INVALID_EVENT',
      'the event in event.json is not valid JSON: ',
      'position 1',
      'Fix: give a JSON document, e.g. {"name": "Ferris"}',
    );
  });
});

describe('readEventFile: the event file is read and checked, and any failure is an INVALID_EVENT naming the file', () => {
  test('a file of JSON gives its text as it is', () => {
    const text = '{ "action": "echo" }\n';
    expect(readEventFile(eventFile(text), '--event')).toBe(text);
  });

  test('a file that is not JSON fails with INVALID_EVENT naming the file', () => {
    const file = eventFile('{"action":');
    expectCdkRustError(() => readEventFile(file, '--event'), 'INVALID_EVENT', `the event in ${file} is not valid JSON`, 'Fix:');
  });

  test('a missing file fails with INVALID_EVENT (not a usage error about the function), naming the flag and the file', () => {
    const file = path.join(tempDir('event'), 'missing.json');
    expectCdkRustError(
      () => readEventFile(file, '--event'),
      'INVALID_EVENT',
      `--event: no file at ${file}.`,
      'Fix: give the path of a JSON file, or - to read the event from stdin.',
    );
  });

  test('a path that cannot be read as a file (a directory) fails with INVALID_EVENT, naming the flag and the file', () => {
    const dir = tempDir('event');
    expectCdkRustError(
      () => readEventFile(dir, '--event'),
      'INVALID_EVENT',
      `--event: ${dir} is a directory.`,
      'Fix: give the path of a JSON file',
    );
  });

  test('without a flag, messages name it as the event file', () => {
    const file = path.join(tempDir('event'), 'missing.json');
    expectCdkRustError(() => readEventFile(file), 'INVALID_EVENT', `the event file: no file at ${file}.`);
  });
});
