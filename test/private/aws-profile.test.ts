/**
 * `--aws-profile NAME`: a profile's credentials, resolved by the AWS CLI v2. The v2 CLI cannot be installed on these
 * machines (it is not on PyPI), so a stand-in script prints what `aws configure export-credentials` prints; the AWS
 * CLI v1 that is installed here is run for real, to show the error that names the fix.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { profileCredentials } from '../../lib/private/aws-profile';
import { expectCdkRustError, tempDir } from '../support';

/**
 * An `aws` that answers as the v2 CLI does for the profiles `sso-dev` (temporary credentials, a region) and
 * `expired` (the SSO token has expired); it fails when this shell's credentials reach it.
 */
function awsV2(): string {
  const file = path.join(tempDir('aws-v2'), 'aws');
  fs.writeFileSync(
    file,
    [
      '#!/bin/sh',
      'if [ -n "$AWS_ACCESS_KEY_ID$AWS_SECRET_ACCESS_KEY$AWS_PROFILE" ]; then echo "the shell credentials reached the CLI" >&2; exit 9; fi',
      'case "$*" in',
      '  "configure export-credentials --profile sso-dev --format process")',
      '    echo \'{"Version": 1, "AccessKeyId": "ASIAPROFILE", "SecretAccessKey": "profile-secret", "SessionToken": "profile-token", "Expiration": "2026-12-04T20:00:00+00:00"}\' ;;',
      '  "configure get region --profile sso-dev") echo eu-central-1 ;;',
      '  "configure export-credentials --profile expired --format process")',
      '    echo "Error when retrieving token from sso: Token has expired and refresh failed" >&2; exit 255 ;;',
      '  *) echo "unexpected: $*" >&2; exit 2 ;;',
      'esac',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return file;
}

describe('aws-profile: a named profile becomes credential variables, resolved by the AWS CLI v2', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIASHELL', AWS_SECRET_ACCESS_KEY: 'shell-secret', AWS_PROFILE: 'other' });
  });
  afterEach(() => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  test("temporary credentials, their expiry and the profile's region; the shell's own credentials never reach the CLI", () => {
    expect(profileCredentials('sso-dev', awsV2())).toEqual({
      variables: { AWS_ACCESS_KEY_ID: 'ASIAPROFILE', AWS_SECRET_ACCESS_KEY: 'profile-secret', AWS_SESSION_TOKEN: 'profile-token' },
      expiration: '2026-12-04T20:00:00+00:00',
      region: 'eu-central-1',
    });
  });

  test("a profile the CLI cannot resolve shows the CLI's words and the SSO login as the fix", () => {
    expectCdkRustError(
      () => profileCredentials('expired', awsV2()),
      'CLI_USAGE',
      '--aws-profile expired',
      'Token has expired',
      'aws sso login --profile expired',
    );
  });

  test('a name that is no profile name, and a missing CLI, are CLI_USAGE with the fix', () => {
    expectCdkRustError(() => profileCredentials('dev; rm -rf /', awsV2()), 'CLI_USAGE', 'not a profile name');
    expectCdkRustError(() => profileCredentials('dev', path.join(tempDir('no-aws'), 'aws')), 'CLI_USAGE', 'install the AWS CLI v2');
  });

  const v1 = spawnSync('aws', ['--version'], { encoding: 'utf-8' });
  const withV1 = v1.status === 0 && /aws-cli\/1\./.test(`${v1.stdout}${v1.stderr}`) ? test : test.skip;
  withV1('the AWS CLI v1 (installed here, run for real) has no export-credentials: the error says to install v2', () => {
    expectCdkRustError(() => profileCredentials('dev'), 'CLI_USAGE', '--aws-profile dev', 'install the AWS CLI v2');
  });
});
