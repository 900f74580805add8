/**
 * Lambda's 6 MB payload limit on events.
 */
import { checkEventSize, MAX_PAYLOAD_BYTES } from '../../lib/invoke/payload';
import { expectCdkRustError } from '../support';

describe("checkEventSize: an event over Lambda's 6 MB limit is refused before it is sent", () => {
  test('the limit is 6 MB: 6,291,456 bytes', () => {
    expect(MAX_PAYLOAD_BYTES).toBe(6_291_456);
  });

  test('an event of exactly the limit passes', () => {
    expect(() => checkEventSize(Buffer.alloc(MAX_PAYLOAD_BYTES))).not.toThrow();
    expect(() => checkEventSize(Buffer.alloc(0))).not.toThrow();
  });

  test('an event one byte over the limit fails with INVALID_EVENT, giving both sizes and a fix', () => {
    expectCdkRustError(
      () => checkEventSize(Buffer.alloc(MAX_PAYLOAD_BYTES + 1)),
      'INVALID_EVENT',
      'the event is 6291457 bytes; Lambda accepts at most 6291456 bytes (6 MB) for a synchronous invocation.',
      'Fix: send a smaller event (put large data in S3 and pass its key).',
    );
  });

  test('a smaller limit, when given, is the one applied', () => {
    expect(() => checkEventSize(Buffer.alloc(10), 10)).not.toThrow();
    expectCdkRustError(
      () => checkEventSize(Buffer.alloc(11), 10),
      'INVALID_EVENT',
      'the event is 11 bytes; Lambda accepts at most 10 bytes',
    );
  });
});
