import * as fs from 'fs';
import * as path from 'path';
import {
  BuildSecret,
  buildSecretEnvironment,
  readBuildSecret,
  secretExports,
  secretMounts,
  writeSecretFiles,
} from '../../lib/bundling/build-secrets';
import { expectCdkRustError, tempDir } from '../support';

const VALUE = 'tok-3f9a1c-secret';

describe('build secrets: values are read when the build runs, and handed over by id only', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir('build-secrets')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('for Docker, each value is in a file only this user can read, in a directory of its own, removed afterwards', () => {
    fs.writeFileSync(path.join(dir, 'token'), `${VALUE}-file\n`);
    const secrets: BuildSecret[] = [
      { id: 'A', env: 'MY_TOKEN' },
      { id: 'B', file: path.join(dir, 'token') },
    ];
    const written = writeSecretFiles(secrets, { MY_TOKEN: VALUE });
    try {
      expect(Object.keys(written.files)).toEqual(['A', 'B']);
      const folder = path.dirname(written.files.A);
      expect(path.dirname(written.files.B)).toBe(folder);
      expect(fs.statSync(folder).mode & 0o777).toBe(0o700);
      expect(fs.statSync(written.files.A).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(written.files.A, 'utf-8')).toBe(VALUE);
      expect(fs.readFileSync(written.files.B, 'utf-8')).toBe(`${VALUE}-file\n`);
    } finally {
      written.remove();
    }
    expect(fs.existsSync(path.dirname(written.files.A))).toBe(false);
  });

  test('no secrets, no files', () => {
    expect(writeSecretFiles(undefined).files).toEqual({});
  });

  test('the Dockerfile mounts and exports each secret by id, and holds no value or source', () => {
    const secrets: BuildSecret[] = [
      { id: 'CARGO_REGISTRIES_MY_TOKEN', env: 'HOST_VARIABLE' },
      { id: 'B', file: '/run/user/1000/token' },
    ];
    expect(secretMounts(secrets)).toEqual([
      '--mount=type=secret,id=CARGO_REGISTRIES_MY_TOKEN,target=/run/secrets/CARGO_REGISTRIES_MY_TOKEN,required=true',
      '--mount=type=secret,id=B,target=/run/secrets/B,required=true',
    ]);
    expect(secretExports(secrets)).toEqual([
      'export CARGO_REGISTRIES_MY_TOKEN="$(cat /run/secrets/CARGO_REGISTRIES_MY_TOKEN)" B="$(cat /run/secrets/B)"',
    ]);
    expect([...secretMounts(secrets), ...secretExports(secrets)].join('\n')).not.toMatch(/HOST_VARIABLE|\/run\/user/);
    expect(secretExports(undefined)).toEqual([]);
  });

  test('for a host build, the values go into the environment, without trailing line breaks (as $(cat) drops them)', () => {
    fs.writeFileSync(path.join(dir, 'token'), `${VALUE}\n\n`);
    expect(
      buildSecretEnvironment(
        [
          { id: 'T', file: path.join(dir, 'token') },
          { id: 'U', env: 'X' },
        ],
        { X: 'x-value' },
      ),
    ).toEqual({
      T: VALUE,
      U: 'x-value',
    });
  });

  test('a source that disappeared after synth fails the build with the secret named', () => {
    expectCdkRustError(() => readBuildSecret({ id: 'T', env: 'GONE' }, {}), 'INVALID_PROP', 'bundling.buildSecrets.T', 'GONE is not set');
    expectCdkRustError(() => writeSecretFiles([{ id: 'T', file: path.join(dir, 'gone') }], {}), 'INVALID_PROP', 'bundling.buildSecrets.T');
  });
});
