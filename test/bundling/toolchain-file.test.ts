import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_BUILDER_DOCKERFILE, DEFAULT_RUST_VERSION } from '../../lib/bundling/builder-image';
import {
  ToolchainCheckedPlan,
  checkPinnedToolchain,
  isDefaultImageToolchain,
  parseToolchainFile,
  readToolchainFile,
} from '../../lib/bundling/toolchain-file';
import { expectCdkRustError, tempDir } from '../support';

describe('toolchain-file: what rust-toolchain.toml or rust-toolchain pins is read as rustup reads it', () => {
  test('a rust-toolchain.toml pins its [toolchain] channel', () => {
    const text = '[toolchain]\nchannel = "1.80.0"\ncomponents = ["clippy"]\ntargets = ["x86_64-unknown-linux-musl"]\n';
    expect(parseToolchainFile(text, '/p/rust-toolchain.toml')).toEqual({ file: '/p/rust-toolchain.toml', channel: '1.80.0' });
  });

  test('a legacy rust-toolchain may be a bare channel name on one line', () => {
    expect(parseToolchainFile('nightly-2025-01-01\n', '/p/rust-toolchain')).toEqual({
      file: '/p/rust-toolchain',
      channel: 'nightly-2025-01-01',
    });
  });

  test('a legacy rust-toolchain may also be TOML', () => {
    expect(parseToolchainFile('[toolchain]\nchannel = "beta"\n', '/p/rust-toolchain').channel).toBe('beta');
  });

  test('a custom toolchain path is read, and a file with neither channel nor path pins nothing', () => {
    expect(parseToolchainFile('[toolchain]\npath = "/opt/my-rust"\n', '/p/rust-toolchain.toml').toolchainPath).toBe('/opt/my-rust');
    expect(parseToolchainFile('[toolchain]\nprofile = "minimal"\n', '/p/rust-toolchain.toml')).toEqual({ file: '/p/rust-toolchain.toml' });
  });

  test('a malformed file is an error naming the file', () => {
    expectCdkRustError(
      () => parseToolchainFile('[toolchain\nchannel = ', '/p/rust-toolchain.toml'),
      'INVALID_PROP',
      '/p/rust-toolchain.toml',
      'not valid TOML',
    );
    expectCdkRustError(() => parseToolchainFile('1.80.0\n', '/p/rust-toolchain.toml'), 'INVALID_PROP', '/p/rust-toolchain.toml');
    expectCdkRustError(() => parseToolchainFile('channel = "1.80.0"\n', '/p/rust-toolchain.toml'), 'INVALID_PROP', 'no [toolchain] table');
    expectCdkRustError(
      () => parseToolchainFile('[toolchain]\nchannel = 1.8\n', '/p/rust-toolchain.toml'),
      'INVALID_PROP',
      'channel is not a string',
    );
  });

  test('a directory without a toolchain file pins nothing', () => {
    expect(readToolchainFile(tempDir('no-toolchain'))).toBeUndefined();
  });

  test('when both files exist, the legacy rust-toolchain wins, as rustup has it', () => {
    const dir = tempDir('both-toolchains');
    fs.writeFileSync(path.join(dir, 'rust-toolchain'), '1.80.0\n');
    fs.writeFileSync(path.join(dir, 'rust-toolchain.toml'), '[toolchain]\nchannel = "nightly"\n');
    expect(readToolchainFile(dir)).toEqual({ file: path.join(dir, 'rust-toolchain'), channel: '1.80.0' });
  });

  test('a rust-toolchain.toml alone is read', () => {
    const dir = tempDir('toml-toolchain');
    fs.writeFileSync(path.join(dir, 'rust-toolchain.toml'), '[toolchain]\nchannel = "1.80.0"\n');
    expect(readToolchainFile(dir)?.channel).toBe('1.80.0');
  });
});

describe("toolchain-file: the default image's toolchain is the one rustup installed there, by its exact name", () => {
  test("the default builder image's FROM line uses DEFAULT_RUST_VERSION", () => {
    expect(DEFAULT_BUILDER_DOCKERFILE.split('\n')[0]).toBe(`FROM public.ecr.aws/docker/library/rust:${DEFAULT_RUST_VERSION}-bookworm`);
  });

  test('its exact version passes, with or without a Linux host triple', () => {
    expect(isDefaultImageToolchain('1.95.0', '1.95.0')).toBe(true);
    expect(isDefaultImageToolchain('1.95.0-x86_64-unknown-linux-gnu', '1.95.0')).toBe(true);
    expect(isDefaultImageToolchain('1.95.0-aarch64-unknown-linux-gnu', '1.95.0')).toBe(true);
  });

  test('stable and 1.95 name other rustup toolchains (stable-<host>, 1.95-<host>), as do other versions and channels', () => {
    for (const toolchain of ['stable', '1.95', '1.80.0', '1.96.0', 'beta', 'nightly', 'nightly-2025-01-01', '1.95.00']) {
      expect([toolchain, isDefaultImageToolchain(toolchain, '1.95.0')]).toEqual([toolchain, false]);
    }
  });
});

describe('toolchain-file: a Docker build in the default image with a toolchain it lacks fails at synth time', () => {
  const pinned = (channel: string): string => {
    const dir = tempDir('pinned');
    fs.writeFileSync(path.join(dir, 'rust-toolchain.toml'), `[toolchain]\nchannel = "${channel}"\n`);
    return dir;
  };
  const plan = (workspaceRoot: string, over: Partial<ToolchainCheckedPlan> = {}): ToolchainCheckedPlan => ({
    workspaceRoot,
    builderImage: undefined,
    buildEnvironment: {},
    target: 'x86_64-unknown-linux-musl',
    ...over,
  });

  test('a pinned older version names the file, both versions and every fix', () => {
    const dir = pinned('1.80.0');
    expectCdkRustError(
      () => checkPinnedToolchain(plan(dir)),
      'INVALID_PROP',
      path.join(dir, 'rust-toolchain.toml'),
      '"1.80.0"',
      `Rust ${DEFAULT_RUST_VERSION}`,
      `channel = "${DEFAULT_RUST_VERSION}"`,
      'bundling.builderImage',
      'x86_64-unknown-linux-musl',
      `RUSTUP_TOOLCHAIN: '${DEFAULT_RUST_VERSION}'`,
    );
  });

  test('nightlies, beta and stable are refused too', () => {
    for (const channel of ['nightly-2025-01-01', 'beta', 'stable']) {
      expectCdkRustError(() => checkPinnedToolchain(plan(pinned(channel))), 'INVALID_PROP', `"${channel}"`);
    }
  });

  test('a custom toolchain path is refused', () => {
    const dir = tempDir('custom-toolchain');
    fs.writeFileSync(path.join(dir, 'rust-toolchain.toml'), '[toolchain]\npath = "/opt/my-rust"\n');
    expectCdkRustError(() => checkPinnedToolchain(plan(dir)), 'INVALID_PROP', 'the custom toolchain at /opt/my-rust');
  });

  test("the image's own version passes, and so does no toolchain file", () => {
    expect(() => checkPinnedToolchain(plan(pinned(DEFAULT_RUST_VERSION)))).not.toThrow();
    expect(() => checkPinnedToolchain(plan(tempDir('unpinned')))).not.toThrow();
  });

  test("RUSTUP_TOOLCHAIN set to the image's version in bundling.buildEnvironment wins over the file", () => {
    const over = { buildEnvironment: { RUSTUP_TOOLCHAIN: DEFAULT_RUST_VERSION } };
    expect(() => checkPinnedToolchain(plan(pinned('1.80.0'), over))).not.toThrow();
  });

  test('RUSTUP_TOOLCHAIN naming a toolchain the image lacks is refused, even without a file', () => {
    const over = { buildEnvironment: { RUSTUP_TOOLCHAIN: 'nightly' } };
    expectCdkRustError(
      () => checkPinnedToolchain(plan(tempDir('unpinned'), over)),
      'INVALID_PROP',
      'bundling.buildEnvironment.RUSTUP_TOOLCHAIN',
      '"nightly"',
    );
  });

  test('another builder image is not checked', () => {
    expect(() => checkPinnedToolchain(plan(pinned('1.80.0'), { builderImage: 'my-builder:1.80' }))).not.toThrow();
  });
});
