import * as fs from 'fs';
import * as path from 'path';
import { hasSecretContent, hasSecretName, looksSecret } from '../../lib/bundling/secret-files';
import { tempDir } from '../support';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('secret files: credentials are known by their names', () => {
  test.each([
    ['.envrc'],
    ['.ENV'],
    ['.Env.Local'],
    ['prod.env'],
    ['STAGING.ENV'],
    ['.cargo/credentials.toml'],
    ['.cargo/credentials'],
    ['credentials'],
    ['.aws-backup/Credentials'],
    ['.pgpass'],
    ['.vault-token'],
    ['deploy.ppk'],
    ['DEPLOY.PPK'],
    ['infra/terraform.tfstate'],
    ['infra/terraform.tfstate.backup'],
    ['.netrc'],
    ['id_ed25519'],
  ])('%s holds credentials', (file) => {
    expect(hasSecretName(path.join('/project', file))).toBe(true);
  });

  test.each([
    ['src/credentials.rs', 'a Rust module named credentials'],
    ['src/credentials/mod.rs', 'a module directory named credentials'],
    ['config/credentials.toml', 'credentials.toml outside .cargo/'],
    ['src/env.rs', 'a module named env'],
    ['environment.md', 'prose'],
    ['src/tfstate.rs', 'a module about Terraform state'],
    ['.cargo/config.toml', "Cargo's configuration"],
  ])('%s is an input (%s)', (file) => {
    expect(hasSecretName(path.join('/project', file))).toBe(false);
  });
});

describe('secret files: private keys and AWS keys are found anywhere in a file', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir('secret-files')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: string | Buffer) => {
    fs.writeFileSync(path.join(dir, name), content);
    return path.join(dir, name);
  };

  test('a private key after the first 64 KiB of a file', () => {
    expect(hasSecretContent(write('bundle.txt', 'x'.repeat(64 * 1024 + 17) + KEY))).toBe(true);
  });

  test('a private key at the end of a file of several MiB', () => {
    expect(hasSecretContent(write('data.bin', Buffer.concat([Buffer.alloc(5 * 1024 * 1024 + 3, 0x61), Buffer.from(KEY)])))).toBe(true);
  });

  test.each([1, 5, 11, 20, 30])('a private key marker across a chunk boundary (split %i bytes in)', (split) => {
    const marker = '-----BEGIN RSA PRIVATE KEY-----';
    const chunk = 1024 * 1024;
    const file = write('split.txt', 'y'.repeat(chunk - split) + marker + '\nMIIE\n');
    expect(hasSecretContent(file)).toBe(true);
  });

  test('an AWS shared credentials file under any name', () => {
    expect(
      looksSecret(write('aws-creds.ini', `[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = ${AWS_SECRET}\n`)),
    ).toBe(true);
  });

  test('code that only names the setting is an input', () => {
    const code =
      'let aws_secret_access_key = std::env::var("AWS_SECRET_ACCESS_KEY")?;\n// aws_secret_access_key = <from the environment>\n';
    expect(looksSecret(write('config.rs', code))).toBe(false);
  });

  test('a certificate and a large file without keys are inputs', () => {
    expect(looksSecret(write('ca.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'))).toBe(false);
    expect(looksSecret(write('big.bin', Buffer.alloc(3 * 1024 * 1024 + 5, 0x62)))).toBe(false);
    expect(looksSecret(write('empty.rs', ''))).toBe(false);
  });
});
