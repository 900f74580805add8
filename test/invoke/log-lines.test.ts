/**
 * A process's output, arriving in chunks, cut into whole lines before they are formatted (lib/invoke/log-lines.ts).
 */
import { LogLines, MAX_PARTIAL_LINE } from '../../lib/invoke/log-lines';

/** Marks each line it is given, so that the tests see which lines were formatted, and how they were cut. */
const mark = (line: string) => `<${line}>`;

describe('LogLines: only whole lines are formatted, however the output is cut', () => {
  test('every line a chunk completes is formatted, each ending with a newline', () => {
    const lines = new LogLines(mark);
    expect(lines.write(Buffer.from('one\ntwo\n'))).toBe('<one>\n<two>\n');
    expect(lines.write('')).toBe('');
  });

  test('a trailing partial line waits until a later chunk completes it', () => {
    const lines = new LogLines(mark);
    expect(lines.write('{"level":"IN')).toBe('');
    expect(lines.write('FO"}\nnext')).toBe('<{"level":"INFO"}>\n');
    expect(lines.write(' line\n')).toBe('<next line>\n');
  });

  test('at the end, a last line without its newline is formatted and given one; nothing is left after', () => {
    const lines = new LogLines(mark);
    expect(lines.write('done\npartial')).toBe('<done>\n');
    expect(lines.end()).toBe('<partial>\n');
    expect(lines.end()).toBe('');
  });

  test('output that ended with its newline has nothing more at the end', () => {
    const lines = new LogLines(mark);
    lines.write('whole\n');
    expect(lines.end()).toBe('');
  });

  test('empty lines are lines too', () => {
    expect(new LogLines(mark).write('\n\na\n')).toBe('<>\n<>\n<a>\n');
  });

  test('a character whose UTF-8 bytes are split between chunks comes out whole', () => {
    const bytes = Buffer.from('{"name":"Zoë🦀"}\n');
    const crab = bytes.indexOf(Buffer.from('🦀'));
    const lines = new LogLines(mark);
    expect(lines.write(bytes.subarray(0, crab + 2))).toBe('');
    expect(lines.write(bytes.subarray(crab + 2, crab + 3))).toBe('');
    expect(lines.write(bytes.subarray(crab + 3))).toBe('<{"name":"Zoë🦀"}>\n');
  });

  test('a character cut by the end of the output is not lost silently', () => {
    const lines = new LogLines(mark);
    expect(lines.write(Buffer.from('é').subarray(0, 1))).toBe('');
    expect(lines.end()).toBe('<\ufffd>\n');
  });

  test('carriage returns stay in the line given to the formatter', () => {
    expect(new LogLines(mark).write('a\r\n')).toBe('<a\r>\n');
  });

  test('a partial line longer than MAX_PARTIAL_LINE is passed on as it is, rather than held', () => {
    const lines = new LogLines(mark);
    const long = 'x'.repeat(MAX_PARTIAL_LINE + 1);
    expect(lines.write(long)).toBe(long);
    expect(lines.write('y\n')).toBe('<y>\n');
  });
});
