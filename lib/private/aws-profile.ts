/**
 * A named AWS profile, resolved to credentials for a local run (`--aws-profile NAME` of `cdk-rust invoke`, `watch`
 * and `run`). The AWS CLI v2 does the resolving (`aws configure export-credentials`): it knows every kind of profile
 * (IAM Identity Center, assumed roles, `credential_process`, static keys) and its caches, so cdk-rust reads no
 * credential file itself. What a local function or service gets is what that command prints: short-lived values for
 * every profile that has them.
 */
import { spawnSync } from 'child_process';
import { CdkRustError } from '../errors';
import { CREDENTIAL_VARIABLES } from './aws-credentials';

/** The credential variables of a profile, and its region when it has one. */
export interface ProfileCredentials {
  /** AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and (for temporary credentials) AWS_SESSION_TOKEN. */
  readonly variables: Record<string, string>;
  /** The profile's `region`, when set. */
  readonly region?: string;
  /** When the credentials expire (ISO 8601), when they do. */
  readonly expiration?: string;
}

/** What `aws configure export-credentials --format process` prints (credential_process's format, version 1). */
interface ProcessCredentials {
  readonly Version?: number;
  readonly AccessKeyId?: unknown;
  readonly SecretAccessKey?: unknown;
  readonly SessionToken?: unknown;
  readonly Expiration?: unknown;
}

/** Resolves `profile` with the AWS CLI (`aws`, or the command given). Throws CLI_USAGE naming the profile and the fix. */
export function profileCredentials(profile: string, aws = 'aws'): ProfileCredentials {
  if (!/^[A-Za-z0-9_.+@-]{1,128}$/.test(profile)) {
    throw new CdkRustError(
      'CLI_USAGE',
      `--aws-profile ${JSON.stringify(profile)}: not a profile name.`,
      'give the name of a profile of ~/.aws/config.',
    );
  }
  // The profile, not this shell's own credentials, decides: the CLI's environment names neither.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !CREDENTIAL_VARIABLES.includes(name) && name !== 'AWS_PROFILE'),
  );
  const run = (args: string[]) => spawnSync(aws, args, { encoding: 'utf-8', env, timeout: 120_000 });
  const exported = run(['configure', 'export-credentials', '--profile', profile, '--format', 'process']);
  if (exported.error) {
    throw new CdkRustError(
      'CLI_USAGE',
      `--aws-profile ${profile}: cannot run the AWS CLI (${aws}): ${exported.error.message}.`,
      'install the AWS CLI v2, which resolves profiles (aws configure export-credentials), or export the variables and pass --aws-credentials.',
    );
  }
  if (exported.status !== 0) throw failed(profile, exported.stderr);
  return { ...parseProcessCredentials(profile, exported.stdout), region: profileRegion(run, profile) };
}

function failed(profile: string, stderr: string): CdkRustError {
  const v1 = /invalid choice|export-credentials/i.test(stderr) && !/profile/i.test(stderr.split('\n').pop() ?? '');
  return new CdkRustError(
    'CLI_USAGE',
    `--aws-profile ${profile}: the AWS CLI could not resolve the profile:\n${stderr.trim()}`,
    v1
      ? 'this AWS CLI has no `configure export-credentials`: install the AWS CLI v2, or export the variables and pass --aws-credentials.'
      : `fix what the AWS CLI says (for IAM Identity Center: aws sso login --profile ${profile}), then run again.`,
  );
}

function parseProcessCredentials(profile: string, stdout: string): Omit<ProfileCredentials, 'region'> {
  let parsed: ProcessCredentials;
  try {
    parsed = JSON.parse(stdout) as ProcessCredentials;
  } catch {
    parsed = {};
  }
  const { AccessKeyId: key, SecretAccessKey: secret, SessionToken: token, Expiration: expiration } = parsed;
  if (typeof key !== 'string' || typeof secret !== 'string' || key === '' || secret === '') {
    throw new CdkRustError(
      'CLI_USAGE',
      `--aws-profile ${profile}: the AWS CLI printed no credentials (expected AccessKeyId and SecretAccessKey).`,
      'check the profile with `aws configure export-credentials --profile NAME`.',
    );
  }
  return {
    variables: {
      AWS_ACCESS_KEY_ID: key,
      AWS_SECRET_ACCESS_KEY: secret,
      ...(typeof token === 'string' && token !== '' ? { AWS_SESSION_TOKEN: token } : {}),
    },
    ...(typeof expiration === 'string' ? { expiration } : {}),
  };
}

function profileRegion(run: (args: string[]) => ReturnType<typeof spawnSync>, profile: string): string | undefined {
  const result = run(['configure', 'get', 'region', '--profile', profile]);
  const region = String(result.stdout ?? '').trim();
  return result.status === 0 && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region) ? region : undefined;
}
