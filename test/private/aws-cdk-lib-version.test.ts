import * as fs from 'fs';
import * as path from 'path';
import { awsCdkLibVersion, isAtLeast, scopesGranularAcknowledgements } from '../../lib/private/aws-cdk-lib-version';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8'));

describe('aws-cdk-lib-version: behaviour that changed between aws-cdk-lib releases is decided by version', () => {
  test('the tests run with the pinned aws-cdk-lib, and the floor project with the peer dependency floor', () => {
    const floor = pkg.peerDependencies['aws-cdk-lib'].replace(/^\^/, '');
    const pinned = pkg.devDependencies['aws-cdk-lib'];
    expect(awsCdkLibVersion()).toBe(process.env.CDK_RUST_TEST_AT_FLOOR ? floor : pinned);
  });

  test('versions compare numerically, part by part', () => {
    expect(isAtLeast('2.270.0', '2.269.0')).toBe(true);
    expect(isAtLeast('2.269.0', '2.269.0')).toBe(true);
    expect(isAtLeast('2.268.9', '2.269.0')).toBe(false);
    expect(isAtLeast('2.1000.0', '2.269.0')).toBe(true);
    expect(isAtLeast('3.0.0', '2.999.999')).toBe(true);
  });

  test('acknowledgements of rule ids with "::" are scoped from aws-cdk-lib 2.269.0', () => {
    expect(scopesGranularAcknowledgements('2.262.0')).toBe(false);
    expect(scopesGranularAcknowledgements('2.268.0')).toBe(false);
    expect(scopesGranularAcknowledgements('2.269.0')).toBe(true);
  });
});
