/**
 * The shared provisioning recipe of both builder images: the default image that users build with
 * (lib/bundling/builder-image.ts) and the offline image that the dev environment and CI test with
 * (scripts/dev-env.sh, which extracts this text with ts-node and runs it inside its Debian rootfs).
 *
 * It gives a Debian bookworm system what a crate with C code needs for both musl targets: the
 * packages (musl-tools, the aarch64 cross gcc, arm64 musl through multiarch, perl and make for
 * vendored OpenSSL, git and openssh-client for private dependencies), a C compiler per target
 * (`musl-gcc`, and `aarch64-linux-musl-gcc`: the cross gcc driven by musl's specs for arm64), and a
 * cargo configuration that names them to cc-rs (`CC_<target>` / `AR_<target>` in `[env]`: cargo
 * passes these to every build script, and a variable the user sets still wins).
 *
 * How Rust itself links stays with each image, because the toolchains differ: rustup's musl targets
 * (default image) carry their own crt objects and musl libc; the offline image's Debian rustc
 * builds the std from source and links against Debian's musl (`link-self-contained=no`).
 */

/** The targets whose C compiler the recipe provides, with the compiler and archiver cc-rs uses. */
export const RECIPE_C_TOOLCHAINS: ReadonlyArray<{ readonly target: string; readonly cc: string; readonly ar: string }> = [
  { target: 'x86_64-unknown-linux-musl', cc: 'musl-gcc', ar: 'ar' },
  { target: 'aarch64-unknown-linux-musl', cc: 'aarch64-linux-musl-gcc', ar: 'aarch64-linux-gnu-ar' },
];

/** Where the recipe keeps musl's gcc specs for arm64 (next to the wrapper that uses them). */
const AARCH64_SPECS_DIR = '/usr/local/lib/aarch64-linux-musl';

/** A cc-rs variable name for `target`: `CC_aarch64_unknown_linux_musl`. */
function ccRsVariable(tool: 'CC' | 'AR', target: string): string {
  return `${tool}_${target.replace(/-/g, '_')}`;
}

const CARGO_ENV_LINES = [
  '[env]',
  ...RECIPE_C_TOOLCHAINS.flatMap(({ target, cc, ar }) => [
    `${ccRsVariable('CC', target)} = "${cc}"`,
    `${ccRsVariable('AR', target)} = "${ar}"`,
  ]),
];

/**
 * The recipe: a POSIX shell script, run as root on Debian bookworm with `CARGO_HOME` set. Its
 * arguments are extra Debian packages to install in the same apt transaction (the offline image
 * adds its Rust toolchain that way). It leaves apt's lists in place for the caller to remove.
 */
export const BUILDER_RECIPE = [
  '#!/bin/sh',
  '# cdk-rust builder recipe: C compilers for both musl targets, shared by all builder images.',
  'set -eu',
  ': "${CARGO_HOME:?CARGO_HOME must name the cargo home whose config.toml gets the C compilers}"',
  'export DEBIAN_FRONTEND=noninteractive',
  '# arm64 multiarch: musl-dev:arm64 brings musl headers, crt objects and libc.a for aarch64.',
  'dpkg --add-architecture arm64',
  'apt-get update -qq',
  'apt-get install -y -qq --no-install-recommends \\',
  '  ca-certificates git openssh-client make perl gcc libc6-dev musl-tools \\',
  '  gcc-aarch64-linux-gnu libc6-dev-arm64-cross musl-dev:arm64 "$@"',
  "# aarch64-linux-musl-gcc: the cross gcc with Debian's musl specs, its paths switched to arm64.",
  `mkdir -p ${AARCH64_SPECS_DIR}`,
  `sed 's/x86_64/aarch64/g' /usr/lib/x86_64-linux-musl/musl-gcc.specs > ${AARCH64_SPECS_DIR}/musl-gcc.specs`,
  `printf '#!/bin/sh\\nexec aarch64-linux-gnu-gcc "$@" -specs ${AARCH64_SPECS_DIR}/musl-gcc.specs\\n' > /usr/local/bin/aarch64-linux-musl-gcc`,
  'chmod 755 /usr/local/bin/aarch64-linux-musl-gcc',
  '# The C compiler and archiver per target, for cc-rs in every build script.',
  'mkdir -p "$CARGO_HOME"',
  `printf '%s\\n' ${CARGO_ENV_LINES.map((line) => `'${line}'`).join(' ')} >> "$CARGO_HOME/config.toml"`,
  '# Both compilers must turn C into a static executable of their target, or the image is not made.',
  "printf 'int main(void) { return 0; }\\n' > /tmp/cdk-rust-probe.c",
  ...RECIPE_C_TOOLCHAINS.map(({ cc }) => `${cc} -static -o /tmp/cdk-rust-probe /tmp/cdk-rust-probe.c`),
  'rm -f /tmp/cdk-rust-probe /tmp/cdk-rust-probe.c',
  '',
].join('\n');
