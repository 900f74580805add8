/**
 * A container's environment, kept off every command line: written to a file only this user can read (mode 0600,
 * in a directory of its own, mode 0700) that `docker run --env-file` reads, so that `ps` shows its path, never a
 * value. The caller removes it as soon as the container exists (the Docker client reads it before creating the
 * container), and in any case when this process exits.
 */
import { CdkRustError } from '../errors';
import { writePrivateFiles } from '../private/private-files';

/** An environment file on disk. */
export interface ContainerEnvFile {
  /** Its path, for `--env-file`. */
  readonly path: string;
  /** Removes it (and its directory); safe to call more than once. */
  remove(): void;
}

/** Writes `environment` as a file for `docker run --env-file`; refuses what that format cannot carry. */
export function writeContainerEnvFile(environment: Record<string, string>, serviceName: string): ContainerEnvFile {
  const lines = Object.entries(environment).map(([name, value]) => envFileLine(name, value, serviceName));
  const written = writePrivateFiles('cdk-rust-env-', { env: lines.map((line) => `${line}\n`).join('') });
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    process.removeListener('exit', remove);
    written.remove();
  };
  process.on('exit', remove);
  return { path: written.paths.env, remove };
}

/**
 * `NAME=VALUE`, as Docker's env-file format reads it back: the value verbatim up to the end of the line. A name it
 * would misread (blank, with `=` or white space, starting with `#`) or a value with a line break cannot be written.
 */
function envFileLine(name: string, value: string, serviceName: string): string {
  if (name === '' || /[=\s]/.test(name) || name.startsWith('#')) {
    throw new CdkRustError(
      'CLI_USAGE',
      `${serviceName}: the environment variable name ${JSON.stringify(name)} cannot be passed to a container.`,
      'use a name without "=", white space or a leading "#", e.g. --env TABLE_NAME=my-table.',
    );
  }
  if (/[\r\n]/.test(value)) {
    throw new CdkRustError(
      'CLI_USAGE',
      `${serviceName}: the value of environment variable ${name} holds a line break, which Docker's --env-file cannot carry.`,
      `pass ${name} on one line (for example base64-encoded, decoded by the service).`,
    );
  }
  return `${name}=${value}`;
}
