/**
 * The environment `cdk-rust invoke`, `watch` and `run` give what they run: the `--env` pairs, and AWS credentials
 * only when asked, either this shell's (`--aws-credentials`) or a named profile's (`--aws-profile NAME`, resolved to
 * short-lived values by the AWS CLI; see lib/private/aws-profile.ts).
 */
import { CdkRustError } from '../errors';
import { profileCredentials } from '../private/aws-profile';
import { progress } from '../private/progress';

/** The flags that decide a local run's environment. */
export interface LocalEnvironmentFlags {
  readonly env?: string[];
  readonly awsCredentials?: boolean;
  readonly awsProfile?: string;
}

/** The environment to pass, and whether this shell's credentials go with it. */
export interface LocalEnvironment {
  readonly environment: Record<string, string>;
  readonly passCredentials: boolean;
}

/** Resolves the flags; a profile's credentials (and region) come first, so `--env` may still override them. */
export function localEnvironment(flags: LocalEnvironmentFlags, resolve = profileCredentials): LocalEnvironment {
  const own = parseEnv(flags.env ?? []);
  if (flags.awsProfile === undefined) return { environment: own, passCredentials: flags.awsCredentials === true };
  if (flags.awsCredentials === true) {
    throw new CdkRustError(
      'CLI_USAGE',
      '--aws-credentials and --aws-profile both say where the credentials come from.',
      "give one: --aws-credentials for this shell's variables, --aws-profile NAME for a profile's.",
    );
  }
  const profile = resolve(flags.awsProfile);
  const region: Record<string, string> = profile.region ? { AWS_REGION: profile.region, AWS_DEFAULT_REGION: profile.region } : {};
  progress(
    `passing the credentials of profile ${flags.awsProfile}` +
      (profile.expiration ? ` (they expire at ${profile.expiration})` : '') +
      ` : ${Object.keys(profile.variables).join(', ')}`,
  );
  return { environment: { ...profile.variables, ...region, ...own }, passCredentials: false };
}

/** `NAME=VALUE` pairs of a repeated flag (`--env` unless told), `form` saying what each should look like. */
export function parseEnv(pairs: string[], flag = '--env', form = 'NAME=VALUE'): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      throw new CdkRustError(
        'CLI_USAGE',
        `${flag} ${pair}: expected ${form}.`,
        `give each ${flag === '--build-secret' ? 'secret' : 'variable'} as ${flag} ${form}, e.g. ${flag} ${flag === '--build-secret' ? 'NPM_TOKEN=env:NPM_TOKEN' : 'TABLE_NAME=my-table'} (repeat ${flag} for several).`,
      );
    }
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}
