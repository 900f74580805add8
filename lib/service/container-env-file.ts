/**
 * A container's environment, kept off every command line: written to a file only this user can read (mode 0600,
 * in a directory of its own, mode 0700) that `docker run --env-file` reads, so that `ps` shows its path, never a
 * value. The caller removes it as soon as the container exists (the Docker client reads it before creating the
 * container), and in any case when this process exits.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CdkRustError } from '../errors';

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
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-env-'));
  const file = path.join(dir, 'env');
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    process.removeListener('exit', remove);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', remove);
  try {
    fs.writeFileSync(file, lines.map((line) => `${line}\n`).join(''), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    remove();
    throw error;
  }
  return { path: file, remove };
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
