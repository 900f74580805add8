/**
 * `cdk-rust invoke` as a user runs it (the command line in a process of its own), on a hand-written cloud assembly
 * whose function is a Lambda runtime written in Node.js (test/fixtures/node-runtime), so no Docker or build is
 * needed: the function gets this shell's AWS credentials only with --aws-credentials.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../support';
import { workspace } from '../invoke/synthetic-assembly';

const ROOT = path.join(__dirname, '..', '..');

/** `cdk-rust invoke Api/Fn` on `assembly`, with credentials in its environment, and `flags`. */
function invoke(
  assembly: string,
  flags: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'bin', 'cdk-rust.ts'), 'invoke', 'Api/Fn', '--app', assembly, ...flags],
    {
      cwd: ROOT,
      encoding: 'utf-8',
      env: {
        ...process.env,
        TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
        AWS_ACCESS_KEY_ID: 'AKIADEVELOPER',
        AWS_SECRET_ACCESS_KEY: 'developer-secret',
        AWS_SESSION_TOKEN: 'developer-token',
        AWS_REGION: 'eu-west-3',
        ...extraEnv,
      },
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cdk-rust invoke: the function gets the AWS credentials of this shell only when asked', () => {
  let assembly: string;
  beforeAll(() => {
    assembly = workspace().root;
    fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'node-runtime', 'bootstrap'), path.join(assembly, 'asset.abc123', 'bootstrap'));
  });

  test('without --aws-credentials the function gets none (only the region of its stack), and stderr says how to pass them', () => {
    const result = invoke(assembly, []);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ credentials: [], region: 'eu-west-1' });
    expect(result.stderr).toContain('the function gets no AWS credentials');
    expect(result.stderr).toContain('--aws-credentials');
  });

  test('with --aws-credentials the function gets the key, the secret and the session token', () => {
    const result = invoke(assembly, ['--aws-credentials']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      credentials: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'],
      accessKeyId: 'AKIADEVELOPER',
      region: 'eu-west-1',
    });
    expect(result.stderr).not.toContain('gets no AWS credentials');
  });

  test("with --aws-profile the function gets the profile's credentials (resolved by the AWS CLI), not this shell's", () => {
    // A stand-in for the AWS CLI v2 (not installable here): it prints what `aws configure export-credentials` prints.
    const bin = tempDir('aws-bin');
    fs.writeFileSync(
      path.join(bin, 'aws'),
      [
        '#!/bin/sh',
        'case "$*" in',
        '  "configure export-credentials --profile sso-dev --format process") echo \'{"Version":1,"AccessKeyId":"ASIAPROFILE","SecretAccessKey":"s","SessionToken":"t"}\' ;;',
        '  *) exit 1 ;;',
        'esac',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const result = invoke(assembly, ['--aws-profile', 'sso-dev'], { PATH: `${bin}:${process.env.PATH}` });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      credentials: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'],
      accessKeyId: 'ASIAPROFILE',
      region: 'eu-west-1',
    });
    expect(result.stderr).toContain('passing the credentials of profile sso-dev');
    expect(result.stderr).not.toContain('gets no AWS credentials');
    expect(invoke(assembly, ['--aws-profile', 'sso-dev', '--aws-credentials']).stderr).toContain('[CLI_USAGE]');
  });
});

describe('cdk-rust invoke: an --app that is not a complete cloud assembly is a usage error', () => {
  test('a template that is not JSON exits 2 with INVALID_ASSEMBLY, naming the file and saying to synthesize again', () => {
    const assembly = workspace().root;
    fs.writeFileSync(path.join(assembly, 'Api.template.json'), '{ truncated');
    const result = invoke(assembly, []);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/\[INVALID_ASSEMBLY\] cannot read .*Api\.template\.json: .*\nFix: synthesize the app again/);
  });
});
