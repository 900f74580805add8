import * as fs from 'fs';
import * as path from 'path';
import { App, AssetHashType, DockerImage, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CdkRustError } from '../lib/errors';
import { tempDir, thrownBy } from './support';

describe('CdkRustError: one shape for every failure', () => {
  test('the message gives the code, says where and what is wrong, then the fix; code, problem and fix are fields too', () => {
    const error = new CdkRustError(
      'INVALID_PROP',
      'bundling.profile: "rel ease" is not a valid Cargo profile name.',
      'use "release".',
      'Svc/Api',
    );
    expect(error.message).toBe(
      '[INVALID_PROP] Svc/Api: bundling.profile: "rel ease" is not a valid Cargo profile name.\nFix: use "release".',
    );
    expect(error).toMatchObject({ name: 'CdkRustError', code: 'INVALID_PROP', constructPath: 'Svc/Api', fix: 'use "release".' });
    expect(new CdkRustError('CLI_USAGE', 'x.', 'y.').message).toBe('[CLI_USAGE] x.\nFix: y.');
    expect(String(error)).toBe(`CdkRustError: ${error.message}`);
  });

  test('the fix is a required argument: the compiler refuses an error without one', () => {
    // `npm run lint` type-checks this file: it fails if this line stops being an error.
    // @ts-expect-error: no fix
    const error = new CdkRustError('INVALID_PROP', 'no fix given');
    expect(error.code).toBe('INVALID_PROP');
  });

  test('an error from shared code is reported for the construct it came from, once', () => {
    const inner = new CdkRustError('MANIFEST_NOT_FOUND', 'manifestPath: no Cargo.toml at /x.', 'point manifestPath at a Cargo.toml.');
    const outer = CdkRustError.inConstruct(inner, 'Svc/Api') as CdkRustError;
    expect(outer.message).toBe(
      '[MANIFEST_NOT_FOUND] Svc/Api: manifestPath: no Cargo.toml at /x.\nFix: point manifestPath at a Cargo.toml.',
    );
    expect(CdkRustError.inConstruct(outer, 'Other')).toBe(outer);
    const plain = new Error('not ours');
    expect(CdkRustError.inConstruct(plain, 'Svc/Api')).toBe(plain);
  });

  test('the code survives when CDK re-throws a bundling error as text, and unwrap gets it back', () => {
    const source = tempDir('unwrap');
    fs.writeFileSync(path.join(source, 'x'), '');
    const app = new App({ outdir: tempDir('unwrap-out') });
    const stack = new Stack(app, 'Stack');
    // CDK bundles while the function is constructed.
    const wrapped = thrownBy(
      () =>
        new lambda.Function(stack, 'Fn', {
          runtime: lambda.Runtime.PROVIDED_AL2023,
          handler: 'bootstrap',
          code: lambda.Code.fromAsset(source, {
            assetHash: 'fixed',
            assetHashType: AssetHashType.CUSTOM,
            bundling: {
              image: DockerImage.fromRegistry('unused'),
              local: {
                tryBundle: () => {
                  throw new CdkRustError('BUILD_FAILED', 'error[E0425]: cannot find value `x`.', 'fix the error above.', 'Stack/Fn');
                },
              },
            },
          }),
        }),
    ) as Error;
    expect(wrapped.message).toContain('Failed to bundle asset');
    const unwrapped = CdkRustError.unwrap(wrapped);
    expect(unwrapped).toBeInstanceOf(CdkRustError);
    expect(unwrapped?.code).toBe('BUILD_FAILED');
    expect(unwrapped?.message).toBe('[BUILD_FAILED] Stack/Fn: error[E0425]: cannot find value `x`.\nFix: fix the error above.');
    expect(CdkRustError.unwrap(new Error('something else'))).toBeUndefined();
  });
});
