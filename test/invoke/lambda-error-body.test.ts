/**
 * The errors an invocation ends with (lib/invoke/lambda-error-body.ts).
 */
import { errorBody, functionError } from '../../lib/invoke/lambda-error-body';

describe('errorBody: an error the runtime posted is read as Lambda reads it', () => {
  test('a JSON body gives the type, the message and the stack trace', () => {
    const body = Buffer.from(JSON.stringify({ errorType: 'Oops', errorMessage: 'it broke', stackTrace: ['a', 2] }));
    expect(errorBody(body, 'Ignored')).toEqual({ errorType: 'Oops', errorMessage: 'it broke', stackTrace: ['a', '2'] });
  });

  test('a body without a type takes the Lambda-Runtime-Function-Error-Type header, then Unhandled', () => {
    expect(errorBody(Buffer.from('{"errorMessage":"m"}'), ['Header.Type', 'Other'])).toEqual({
      errorType: 'Header.Type',
      errorMessage: 'm',
    });
    expect(errorBody(Buffer.from('{"errorType":"","errorMessage":"m"}'), undefined)).toEqual({ errorType: 'Unhandled', errorMessage: 'm' });
  });

  test('a body that is not JSON is the message, as posted', () => {
    expect(errorBody(Buffer.from('plain text'), 'Runtime.Panic')).toEqual({ errorType: 'Runtime.Panic', errorMessage: 'plain text' });
  });
});

describe('functionError: an error the emulator reports is a function error of the invocation', () => {
  test('it carries the request id, the kind "function", the type and the message', () => {
    expect(functionError('id-1', 'Function.ResponseSizeTooLarge', 'too big')).toEqual({
      ok: false,
      requestId: 'id-1',
      kind: 'function',
      error: { errorType: 'Function.ResponseSizeTooLarge', errorMessage: 'too big' },
    });
  });
});
