/**
 * One invocation of the Runtime API emulator (lib/invoke/invocation.ts): how it ends.
 */
import { createInvocation, Invocation } from '../../lib/invoke/invocation';
import { InvocationOutcome } from '../../lib/invoke/runtime-api-options';

describe('createInvocation: an invocation ends once, and everything waiting on it learns so', () => {
  test('it has a fresh request id and an X-Ray trace header', () => {
    const a = createInvocation(Buffer.from('{}'), () => undefined);
    const b = createInvocation(Buffer.from('{}'), () => undefined);
    expect(a.pending.requestId).toBe(a.invocation.requestId);
    expect(a.invocation.requestId).not.toBe(b.invocation.requestId);
    expect(a.invocation.traceId).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
  });

  test('settling resolves the outcome, ends the body, resolves a head never set, and calls onEnd first', async () => {
    const order: string[] = [];
    const ended: Invocation[] = [];
    const { invocation, pending } = createInvocation(Buffer.from('{}'), (i) => {
      order.push('onEnd');
      ended.push(i);
    });
    void pending.outcome.then(() => order.push('outcome'));
    const outcome: InvocationOutcome = { ok: true, requestId: invocation.requestId, payload: Buffer.from('1') };
    invocation.settle(outcome);
    invocation.settle({ ok: false, requestId: invocation.requestId, kind: 'exit', error: { errorType: 'x', errorMessage: 'y' } });

    expect(await pending.outcome).toBe(outcome);
    expect(await pending.head).toBeUndefined();
    expect(invocation.body.writableEnded).toBe(true);
    expect(ended).toEqual([invocation]);
    expect(order).toEqual(['onEnd', 'outcome']);
  });

  test('settling stops its timer and cuts off a response still streaming', () => {
    const { invocation } = createInvocation(Buffer.from('{}'), () => undefined);
    const fired = jest.fn();
    invocation.timer = setTimeout(fired, 10);
    const destroy = jest.fn();
    invocation.streaming = { destroy } as unknown as Invocation['streaming'];
    invocation.settle({ ok: true, requestId: invocation.requestId, payload: Buffer.alloc(0) });
    expect(destroy).toHaveBeenCalledTimes(1);
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        expect(fired).not.toHaveBeenCalled();
        resolve();
      }, 30),
    );
  });
});
