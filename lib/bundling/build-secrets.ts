/**
 * `bundling.buildSecrets`: values a build needs but must never keep (a private registry's token).
 *
 * The plan holds where each value comes from (`env:NAME`, `file:PATH`), never the value. The value is
 * read when the build runs: for Docker, written to a file readable by this user only, in a fresh
 * directory outside the build context, and handed to BuildKit with `--secret id=ID,src=FILE`; the
 * fetch and compile steps mount it (`--mount=type=secret`) and export it as the variable `ID` for
 * their command only. For the host toolchain, it is in the environment of cargo. So the value is in
 * no Dockerfile, build context, image layer, asset, template, assembly metadata, log or asset hash:
 * only the ids are (the hash covers them).
 */
import * as fs from 'fs';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { writePrivateFiles } from '../private/private-files';

/** Where the fetch and compile steps mount a secret: `/run/secrets/<id>`. */
export const SECRETS_DIR = '/run/secrets';

/** One build secret: its id (also the variable the build reads) and where its value comes from. */
export type BuildSecret =
  | { readonly id: string; readonly env: string; readonly file?: undefined }
  | { readonly id: string; readonly file: string; readonly env?: undefined };

/** A variable name, as the shell and BuildKit take it. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Ids cdk-rust's own builds need for themselves. */
const RESERVED_IDS = new Set([
  'PATH',
  'HOME',
  'CARGO_HOME',
  'CARGO_TARGET_DIR',
  'CARGO_BUILD_TARGET_DIR',
  'SSH_AUTH_SOCK',
  'GIT_SSH_COMMAND',
  'GIT_SSH',
]);

const SHAPE_FIX =
  'give the source as "env:NAME" (a variable of the shell that synthesizes) or "file:PATH" (a file on this machine), ' +
  'e.g. buildSecrets: { CARGO_REGISTRIES_MY_TOKEN: "env:MY_TOKEN" }.';

/**
 * Validates `bundling.buildSecrets` and checks that every value can be read now, at synth time, before
 * anything asks Docker. Returns the secrets sorted by id, with file paths made absolute (relative ones
 * are read from the current directory, as `manifestPath` is).
 */
export function planBuildSecrets(
  secrets: Readonly<Record<string, string>>,
  buildEnvironment: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv,
): BuildSecret[] {
  return Object.keys(secrets)
    .sort()
    .map((id) => {
      validateId(id, buildEnvironment);
      const secret = parseSource(id, secrets[id]);
      readBuildSecret(secret, env);
      return secret;
    });
}

/** The value of `secret`, read now. Throws INVALID_PROP naming `bundling.buildSecrets.<id>` when it cannot be read or is empty. */
export function readBuildSecret(secret: BuildSecret, env: NodeJS.ProcessEnv = process.env): string {
  const where = `bundling.buildSecrets.${secret.id}`;
  if (secret.env !== undefined) {
    const value = env[secret.env];
    if (!value) {
      throw new CdkRustError(
        'INVALID_PROP',
        `${where}: the environment variable ${secret.env} is ${value === undefined ? 'not set' : 'empty'}.`,
        `set ${secret.env} in the shell that synthesizes (in CI, from the job's secrets), or point ${where} at a file with "file:PATH".`,
      );
    }
    return value;
  }
  let value: Buffer;
  try {
    if (!fs.statSync(secret.file).isFile()) throw new Error('not a regular file');
    value = fs.readFileSync(secret.file);
  } catch (error) {
    throw new CdkRustError(
      'INVALID_PROP',
      `${where}: cannot read the file ${secret.file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
      `create the file, or point ${where} at the file that holds the value ("file:/absolute/path").`,
    );
  }
  if (value.length === 0) {
    throw new CdkRustError('INVALID_PROP', `${where}: the file ${secret.file} is empty.`, 'write the value into the file.');
  }
  return value.toString('utf-8');
}

/**
 * The values, by id, for a build on the host: they go into cargo's environment. Trailing line breaks are
 * dropped, as the shell's `$(cat FILE)` drops them in a Docker build.
 */
export function buildSecretEnvironment(
  secrets: readonly BuildSecret[] | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  return Object.fromEntries((secrets ?? []).map((s) => [s.id, readBuildSecret(s, env).replace(/\n+$/, '')]));
}

/** Files holding the values for BuildKit's `--secret`, in a directory of their own; `remove` deletes them. */
export interface SecretFiles {
  /** The file of each id. */
  readonly files: Readonly<Record<string, string>>;
  /** Deletes the files and their directory. */
  remove(): void;
}

/**
 * Writes each value to a file only this user can read (0600, in a fresh 0700 directory outside any
 * build context). Call `remove` when the build ends, whatever happens.
 */
export function writeSecretFiles(secrets: readonly BuildSecret[] | undefined, env: NodeJS.ProcessEnv = process.env): SecretFiles {
  const values = (secrets ?? []).map((s) => [s.id, readBuildSecret(s, env)] as const);
  if (values.length === 0) return { files: {}, remove: () => undefined };
  const written = writePrivateFiles('cdk-rust-secrets-', Object.fromEntries(values));
  return { files: written.paths, remove: written.remove };
}

/** The `RUN --mount` options that give a step the secrets (ids only). */
export function secretMounts(secrets: readonly BuildSecret[] | undefined): string[] {
  return (secrets ?? []).map((s) => `--mount=type=secret,id=${s.id},target=${SECRETS_DIR}/${s.id},required=true`);
}

/**
 * The shell command that makes each mounted secret the variable `ID` of the step's command (BuildKit's
 * own `env=` mount option is missing from the Dockerfile frontend of Docker 20.10): none without secrets.
 */
export function secretExports(secrets: readonly BuildSecret[] | undefined): string[] {
  if (!secrets || secrets.length === 0) return [];
  return [`export ${secrets.map((s) => `${s.id}="$(cat ${SECRETS_DIR}/${s.id})"`).join(' ')}`];
}

function validateId(id: string, buildEnvironment: Readonly<Record<string, string>>): void {
  const where = `bundling.buildSecrets.${id}`;
  if (!VARIABLE_NAME.test(id)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `bundling.buildSecrets: "${id}" is not a valid environment variable name (the build reads the secret from the variable of that name).`,
      'use letters, digits and underscores, not starting with a digit.',
    );
  }
  if (RESERVED_IDS.has(id)) {
    throw new CdkRustError('INVALID_PROP', `${where}: ${id} is managed by cdk-rust.`, 'give the secret another id.');
  }
  if (id in buildEnvironment) {
    throw new CdkRustError(
      'INVALID_PROP',
      `${where}: bundling.buildEnvironment sets ${id} too.`,
      `remove ${id} from bundling.buildEnvironment: a value that must stay secret belongs in bundling.buildSecrets only.`,
    );
  }
}

function parseSource(id: string, source: unknown): BuildSecret {
  const where = `bundling.buildSecrets.${id}`;
  if (typeof source === 'string' && source.startsWith('env:')) {
    const name = source.slice('env:'.length);
    if (!VARIABLE_NAME.test(name)) {
      throw new CdkRustError('INVALID_PROP', `${where}: "${name}" is not a valid environment variable name.`, SHAPE_FIX);
    }
    return { id, env: name };
  }
  if (typeof source === 'string' && source.startsWith('file:') && source.length > 'file:'.length && !/[\r\n\0]/.test(source)) {
    return { id, file: path.resolve(source.slice('file:'.length)) };
  }
  throw new CdkRustError('INVALID_PROP', `${where}: ${JSON.stringify(source)} is not a secret source.`, SHAPE_FIX);
}
