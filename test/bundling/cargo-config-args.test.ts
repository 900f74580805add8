import * as fs from 'fs';
import * as path from 'path';
import { cargoConfigFileArgs } from '../../lib/bundling/cargo-config-args';
import { expectCdkRustError, tempDir } from '../support';

describe('cargo --config arguments: files are told from inline TOML as cargo tells them', () => {
  let root: string;
  beforeEach(() => {
    root = fs.realpathSync(tempDir('config-args'));
    fs.mkdirSync(path.join(root, 'ci'));
    fs.writeFileSync(path.join(root, 'ci/a.toml'), '[build]\n');
    fs.writeFileSync(path.join(root, 'b.toml'), '[build]\n');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('both spellings name files relative to the workspace root, each with its place in cargoArgs', () => {
    expect(cargoConfigFileArgs(['--verbose', '--config', 'ci/a.toml', '--config=b.toml', '--config', 'build.jobs=2'], root)).toEqual([
      { absolute: path.join(root, 'ci/a.toml'), prop: 'bundling.cargoArgs[2]' },
      { absolute: path.join(root, 'b.toml'), prop: 'bundling.cargoArgs[3]' },
    ]);
  });

  test('a --config without a value is left to cargo', () => {
    expect(cargoConfigFileArgs(['--config'], root)).toEqual([]);
  });

  test('a directory is not a configuration file', () => {
    expectCdkRustError(() => cargoConfigFileArgs(['--config', 'ci'], root), 'INVALID_PROP', 'bundling.cargoArgs[1]', 'not a file');
  });

  test('a link leading out of the workspace is refused', () => {
    const outside = tempDir('config-outside');
    fs.writeFileSync(path.join(outside, 'x.toml'), '[build]\n');
    fs.symlinkSync(path.join(outside, 'x.toml'), path.join(root, 'link.toml'));
    try {
      expectCdkRustError(
        () => cargoConfigFileArgs(['--config=link.toml'], root),
        'INVALID_PROP',
        'bundling.cargoArgs[0]',
        'outside the workspace',
      );
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});
