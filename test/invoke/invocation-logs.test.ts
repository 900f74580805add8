/**
 * How a local function's output is shared out between its invocations (lib/invoke/invocation-logs.ts).
 */
import { InvocationLogs } from '../../lib/invoke/invocation-logs';
import { InvocationSlots } from '../../lib/invoke/invocation-slots';

describe('InvocationLogs: each invocation gets what was printed while it ran', () => {
  test('one at a time, every line goes to exactly one invocation, what came while none ran to the next', () => {
    const logs = new InvocationLogs();
    logs.append('init\n');
    const first = logs.begin();
    logs.append('one\n');
    expect(logs.finish(first)).toBe('init\none\n');
    logs.append('between\n');
    const second = logs.begin();
    logs.append('two\n');
    expect(logs.finish(second)).toBe('between\ntwo\n');
  });

  test('overlapping invocations share the lines printed while both ran, and not those from before one began', () => {
    const logs = new InvocationLogs();
    const a = logs.begin();
    logs.append('a starts\n');
    const b = logs.begin();
    logs.append('b starts\n');
    logs.append('a ends\n');
    expect(logs.finish(a)).toBe('a starts\nb starts\na ends\n');
    logs.append('b ends\n');
    expect(logs.finish(b)).toBe('b starts\na ends\nb ends\n');
  });
});

describe('InvocationSlots: at most n tasks at once, the others in the order they came', () => {
  test('with 2 slots, the third task starts once one of the first two is over, and errors free their slot', async () => {
    const slots = new InvocationSlots(2);
    const started: string[] = [];
    const release: Record<string, () => void> = {};
    const task =
      (name: string, fail = false) =>
      () =>
        new Promise<string>((resolve, reject) => {
          started.push(name);
          release[name] = () => (fail ? reject(new Error(name)) : resolve(name));
        });
    const a = slots.run(task('a', true));
    const b = slots.run(task('b'));
    const c = slots.run(task('c'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['a', 'b']);
    release.a();
    await expect(a).rejects.toThrow('a');
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['a', 'b', 'c']);
    release.b();
    release.c();
    expect(await Promise.all([b, c])).toEqual(['b', 'c']);
  });
});
