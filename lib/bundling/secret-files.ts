/**
 * Which files of a project hold credentials or private keys, by name and by content. Such a file is
 * never a build input: it reaches neither the asset hash, nor the build context, nor a build script.
 *
 * Names are matched without regard to case where the tools that write them do not care either
 * (`.ENV`, `PROD.env`, `KEY.PPK`). Contents are scanned whole, in chunks that overlap, so a key at
 * the end of a large file is found as surely as one at its start.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Directories of credentials, skipped at any depth. */
export const SECRET_DIRS: ReadonlySet<string> = new Set(['.ssh', '.aws', '.gnupg', '.docker']);

/**
 * File names of credentials: dotenv files (`.env`, `.env.local`, `prod.env`) and direnv's `.envrc`,
 * netrc and package-registry logins, git's stored credentials, Docker's old login file, PostgreSQL's
 * password file, Vault's token, an AWS shared credentials file (a file named exactly `credentials`),
 * and SSH keys under their default names.
 */
const SECRET_NAMES =
  /^(?:\.env(?:\..*)?|.+\.env|\.envrc|\.netrc|\.npmrc|\.pypirc|\.git-credentials|\.dockercfg|\.pgpass|\.vault-token|credentials|id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?)$/i;

/** Key stores, PuTTY keys and Terraform state (which holds every secret a configuration manages). */
const SECRET_EXTENSIONS = /\.(?:p12|pfx|jks|keystore|ppk|tfstate|tfstate\.backup)$/i;

/** Cargo's registry tokens, in a project's `.cargo/` as in `$CARGO_HOME`. */
const CARGO_CREDENTIALS = /^credentials(?:\.toml)?$/i;

/** A private key in PEM or OpenSSH form (RSA, EC, PKCS#8, encrypted, OpenSSH, PGP). */
const PRIVATE_KEY_PEM = /-----BEGIN [A-Z0-9 ]{0,64}PRIVATE KEY(?: BLOCK)?-----/;

/**
 * An AWS secret access key as the shared credentials and config files write it: a line
 * `aws_secret_access_key = <40 characters>`. Code that merely names the setting is not matched.
 */
const AWS_SECRET_LINE = /(?:^|[\r\n])[ \t]*aws_secret_access_key[ \t]*[=:][ \t]*["']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/i;

/** Cheap byte searches that must succeed before the patterns above are tried. */
const MARKERS = [
  { needle: Buffer.from('PRIVATE KEY'), pattern: PRIVATE_KEY_PEM },
  { needle: Buffer.from('ws_secret_access_key'), pattern: AWS_SECRET_LINE },
  { needle: Buffer.from('WS_SECRET_ACCESS_KEY'), pattern: AWS_SECRET_LINE },
];

/** How much of a file is read at a time. */
const CHUNK_BYTES = 1024 * 1024;

/** How much of the previous chunk is searched again, so a marker across a chunk boundary is found (longer than any match). */
const OVERLAP_BYTES = 256;

/** True when `file`'s name (and, for Cargo's `credentials.toml`, its directory) says it holds credentials. */
export function hasSecretName(file: string): boolean {
  const name = path.basename(file);
  if (SECRET_NAMES.test(name) || SECRET_EXTENSIONS.test(name)) return true;
  return CARGO_CREDENTIALS.test(name) && path.basename(path.dirname(file)) === '.cargo';
}

/**
 * True when `file` holds a private key or an AWS secret access key anywhere in it. The whole file is
 * read, a chunk at a time, and reading stops at the first match.
 */
export function hasSecretContent(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(OVERLAP_BYTES + CHUNK_BYTES);
    let kept = 0;
    for (;;) {
      const read = fs.readSync(fd, buffer, kept, CHUNK_BYTES, null);
      if (read === 0) return false;
      const window = buffer.subarray(0, kept + read);
      if (matchesMarker(window)) return true;
      kept = Math.min(OVERLAP_BYTES, window.length);
      window.copy(buffer, 0, window.length - kept);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** True for files that hold credentials or private keys, by name or by content. */
export function looksSecret(file: string): boolean {
  return hasSecretName(file) || hasSecretContent(file);
}

function matchesMarker(window: Buffer): boolean {
  for (const { needle, pattern } of MARKERS) {
    if (window.indexOf(needle) >= 0 && pattern.test(window.toString('latin1'))) return true;
  }
  return false;
}
