import { spawnSync } from 'child_process';
import { BUILDER_RECIPE, RECIPE_C_TOOLCHAINS } from '../../lib/bundling/builder-recipe';

describe('builder recipe: one provisioning script for every builder image', () => {
  test('is a POSIX shell script that stops at the first failing step and needs CARGO_HOME', () => {
    expect(BUILDER_RECIPE.split('\n').slice(0, 3)).toEqual(['#!/bin/sh', expect.stringContaining('cdk-rust builder recipe'), 'set -eu']);
    expect(BUILDER_RECIPE).toContain('${CARGO_HOME:?');
    const syntax = spawnSync('sh', ['-n'], { input: BUILDER_RECIPE, encoding: 'utf-8' });
    expect(syntax.stderr).toBe('');
    expect(syntax.status).toBe(0);
  });

  test('installs what C dependencies need for both musl targets, plus the packages its caller names', () => {
    const install = /apt-get install -y -qq --no-install-recommends \\\n([^\n]*\\\n)*[^\n]*/.exec(BUILDER_RECIPE)?.[0] ?? '';
    const packages = install.split(/\s+/);
    for (const p of [
      'musl-tools', // musl-gcc and musl for x86_64
      'gcc-aarch64-linux-gnu', // the cross compiler behind aarch64-linux-musl-gcc
      'musl-dev:arm64', // musl's arm64 headers, crt objects and libc.a
      'perl', // openssl-src runs OpenSSL's Configure
      'make',
      'git',
      'openssh-client',
      'ca-certificates',
    ]) {
      expect(packages).toContain(p);
    }
    expect(packages).toContain('"$@"');
    expect(BUILDER_RECIPE).toContain('dpkg --add-architecture arm64');
  });

  test('provides a C compiler for each musl target, names it and its archiver to cc-rs, and proves both compile', () => {
    expect(RECIPE_C_TOOLCHAINS.map((t) => t.target)).toEqual(['x86_64-unknown-linux-musl', 'aarch64-unknown-linux-musl']);
    expect(BUILDER_RECIPE).toMatch(/> \/usr\/local\/bin\/aarch64-linux-musl-gcc$/m);
    expect(BUILDER_RECIPE).toContain('exec aarch64-linux-gnu-gcc "$@" -specs /usr/local/lib/aarch64-linux-musl/musl-gcc.specs');
    const cargoConfig = /^printf '%s\\n' (.*) >> "\$CARGO_HOME\/config.toml"$/m.exec(BUILDER_RECIPE)?.[1];
    expect(cargoConfig).toBe(
      [
        '[env]',
        'CC_x86_64_unknown_linux_musl = "musl-gcc"',
        'AR_x86_64_unknown_linux_musl = "ar"',
        'CC_aarch64_unknown_linux_musl = "aarch64-linux-musl-gcc"',
        'AR_aarch64_unknown_linux_musl = "aarch64-linux-gnu-ar"',
      ]
        .map((line) => `'${line}'`)
        .join(' '),
    );
    for (const { cc } of RECIPE_C_TOOLCHAINS) {
      expect(BUILDER_RECIPE).toContain(`${cc} -static -o /tmp/cdk-rust-probe /tmp/cdk-rust-probe.c`);
    }
  });

  test('leaves the link step of Rust to each image: it sets no linker and no rustflags', () => {
    expect(BUILDER_RECIPE).not.toMatch(/linker|rustflags|\[target\./);
  });
});
