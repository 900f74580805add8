/**
 * The output of a local function's process, shared out between its invocations: each gets what the process printed
 * while it ran, from its start to its end. Invocations that overlap (a concurrency above 1) share the lines printed
 * while both ran; output printed while none ran goes to the next one to start (with its init, when it starts the
 * process), so one at a time every line goes to exactly one invocation.
 */

/** A marker of where an invocation's logs start, from {@link InvocationLogs.begin}. */
export interface LogMark {
  readonly offset: number;
}

/** The output of one process (and the processes after it), and the invocations reading it. */
export class InvocationLogs {
  /** Output not yet passed by every invocation running, nor by the last end. */
  private text = '';
  /** The offset of `text`'s first character in everything ever appended. */
  private base = 0;
  /** Where the last invocation to end stopped reading. */
  private lastEnd = 0;
  private readonly open: LogMark[] = [];

  /** Adds output of the process. */
  public append(output: string): void {
    this.text += output;
  }

  /** Starts an invocation's logs: now, or where the last one ended when none is running. */
  public begin(): LogMark {
    const mark = { offset: this.open.length === 0 ? this.lastEnd : this.end };
    this.open.push(mark);
    return mark;
  }

  /** Ends the invocation begun with `mark`: what was printed since it began. */
  public finish(mark: LogMark): string {
    const index = this.open.indexOf(mark);
    if (index >= 0) this.open.splice(index, 1);
    const logs = this.text.slice(Math.max(0, mark.offset - this.base));
    this.lastEnd = this.end;
    this.trim();
    return logs;
  }

  private get end(): number {
    return this.base + this.text.length;
  }

  /** Drops the output that no running invocation, and no next one, will read. */
  private trim(): void {
    const keep = Math.min(this.lastEnd, ...this.open.map((m) => m.offset));
    if (keep <= this.base) return;
    this.text = this.text.slice(keep - this.base);
    this.base = keep;
  }
}
