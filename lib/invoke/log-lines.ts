/**
 * A process's output, as it arrives in chunks, cut into whole lines for {@link formatLogLine} (log-line.ts): a chunk
 * may end mid-line, or even mid-character, so a trailing partial line waits for the rest of it (or for the end of
 * the output) before it is formatted.
 */
import { StringDecoder } from 'string_decoder';

/** A partial line longer than this is passed on as it is, rather than held without end. */
export const MAX_PARTIAL_LINE = 1024 * 1024;

/** One output stream's lines, each passed through `format` once it is whole. */
export class LogLines {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly format: (line: string) => string) {}

  /** The lines `chunk` completes, formatted, each ending with a newline; '' when it completes none. */
  public write(chunk: Buffer | string): string {
    const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const lastNewline = text.lastIndexOf('\n');
    if (lastNewline < 0) {
      const tooLong = text.length > MAX_PARTIAL_LINE;
      this.partial = tooLong ? '' : text;
      return tooLong ? text : '';
    }
    this.partial = text.slice(lastNewline + 1);
    return this.formatLines(text.slice(0, lastNewline));
  }

  /** At the end of the output: its last line, when it had no newline, formatted and ended with one; '' otherwise. */
  public end(): string {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    return rest ? this.formatLines(rest) : '';
  }

  private formatLines(text: string): string {
    return text
      .split('\n')
      .map((line) => `${this.format(line)}\n`)
      .join('');
  }
}
