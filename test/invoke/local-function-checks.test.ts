/**
 * What a LocalFunction refuses before any process starts (lib/invoke/local-function-checks.ts): an architecture Lambda
 * does not name, and an event Lambda would refuse.
 */
import * as path from 'path';
import { LocalFunction } from '../../lib/invoke/local-function';
import { checkedEvent, eventAsJson } from '../../lib/invoke/local-function-checks';
import { LocalFunctionOptions } from '../../lib/invoke/local-function-options';
import { expectCdkRustError, tempDir } from '../support';

describe('LocalFunction: an event Lambda would refuse is refused with INVALID_EVENT before anything starts', () => {
  test('malformed event JSON is refused before anything starts', async () => {
    const fn = new LocalFunction({ code: path.join(tempDir('noasset'), 'asset.0123') });
    await expect(fn.invokeJson('{"name": ')).rejects.toMatchObject({
      code: 'INVALID_EVENT',
      message: expect.stringContaining('the event is not valid JSON'),
    });
    await expect(fn.invoke({ big: 'x'.repeat(6_291_456) })).rejects.toMatchObject({
      code: 'INVALID_EVENT',
      message: expect.stringContaining('the event is 6291466 bytes'),
    });
    await fn.close();
  });

  test('an event JSON cannot express is refused with INVALID_EVENT and a fix', async () => {
    const fn = new LocalFunction({ code: path.join(tempDir('noasset'), 'asset.0123') });
    await expect(fn.invoke(() => 1)).rejects.toMatchObject({
      code: 'INVALID_EVENT',
      message: expect.stringMatching(
        /the event \(function\) cannot be serialized as JSON\.\nFix: pass a value JSON\.stringify can serialize/,
      ),
    });
    await fn.close();
  });

  test('an event that is JSON and at most 6 MB passes as its bytes', () => {
    expect(checkedEvent('{"a":1}')).toEqual(Buffer.from('{"a":1}'));
    expect(eventAsJson({ a: 1 }, 'invokeJson()')).toBe('{"a":1}');
  });
});

describe('LocalFunction: the architecture prop takes the names Lambda gives architectures', () => {
  test('an architecture Lambda does not name is refused with INVALID_PROP naming the architecture prop, when the LocalFunction is created', () => {
    const code = tempDir('arch-asset');
    expectCdkRustError(
      () => new LocalFunction({ code, architecture: 'aarch64' as LocalFunctionOptions['architecture'] }),
      'INVALID_PROP',
      'architecture: "aarch64" is not an architecture Lambda runs.',
      "Fix: use 'x86_64' or 'arm64'",
    );
  });

  test('a lambda.Architecture given instead of its name is refused, saying to give its name', () => {
    const architecture = { name: 'arm64', dockerPlatform: 'linux/arm64' } as unknown as LocalFunctionOptions['architecture'];
    expectCdkRustError(
      () => new LocalFunction({ code: tempDir('arch-asset'), architecture }),
      'INVALID_PROP',
      'architecture: a lambda.Architecture (arm64) is not an architecture Lambda runs.',
      '(for a lambda.Architecture, its name)',
    );
  });

  test("'x86_64', 'arm64' and no architecture at all are accepted", () => {
    for (const architecture of ['x86_64', 'arm64', undefined] as const) {
      expect(() => new LocalFunction({ code: '/bin/true', architecture })).not.toThrow();
    }
  });
});
