/**
 * The invocations a local function runs at once: up to its concurrency, the others waiting their turn in the order
 * they came (with a concurrency of 1, one after the other, as a classic Lambda environment runs them).
 */

/** At most `size` tasks at once, first come first served. */
export class InvocationSlots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  /** Runs `task` once a slot is free; settles as it settles. */
  public async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes to the next task as it is (`running` unchanged), or is freed.
      if (next) next();
      else this.running -= 1;
    }
  }
}
