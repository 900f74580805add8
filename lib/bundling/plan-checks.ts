/**
 * Checks of the bundling props that need nothing but the props: the profile, features, cargo arguments, build
 * environment and builder image. Each throws a CdkRustError naming the prop as the user wrote it.
 */
import { CdkRustError } from '../errors';

/** cargo arguments that have a dedicated option, by the option's name as the user writes it. */
const ARGS_WITH_OPTIONS: Readonly<Record<string, string>> = {
  '--target': 'bundling.target',
  '--bin': 'binaryName',
  '--bins': 'binaryName',
  '--package': 'manifestPath',
  '-p': 'manifestPath',
  '--manifest-path': 'manifestPath',
  '--profile': 'bundling.profile',
  '--release': 'bundling.profile',
  '-r': 'bundling.profile',
  '--features': 'bundling.features',
  '-F': 'bundling.features',
  '--no-default-features': 'bundling.noDefaultFeatures',
};

/**
 * cargo arguments cdk-rust owns with no option to replace them, and why: cdk-rust passes
 * `--target-dir` itself (which wins over `CARGO_TARGET_DIR` and `build.target-dir`) and copies the
 * binary from there, and the compile step is always offline.
 */
const OWNED_ARGS: Readonly<Record<string, string>> = {
  '--target-dir': 'cdk-rust picks the target directory and copies the binary from there',
  '--out-dir': 'cdk-rust picks the target directory and copies the binary from there',
  '--artifact-dir': 'cdk-rust picks the target directory and copies the binary from there',
  '--offline': 'the compile step is always offline, after a fetch step',
  '--frozen': 'the compile step is always offline, after a fetch step',
};

/**
 * Variables of `bundling.buildEnvironment` that cdk-rust owns: the target directory (see above),
 * and the SSH agent, which is never given to the compile step.
 */
const RESERVED_ENVIRONMENT = new Set(['CARGO_TARGET_DIR', 'CARGO_BUILD_TARGET_DIR', 'SSH_AUTH_SOCK', 'GIT_SSH_COMMAND', 'GIT_SSH']);

/** A line break or NUL: never valid in a path, argument or value that reaches a Dockerfile or a command line. */
export const CONTROL = /[\r\n\0]/;

/**
 * A Docker image reference: `[host[:port]/]path[:tag][@digest]`, lower-case path components, as
 * Docker's reference grammar has it.
 */
const IMAGE_REFERENCE =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$/;

/** `bundling.profile`, checked to be a Cargo profile name. */
export function validateProfile(profile: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(profile)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `bundling.profile: "${profile}" is not a valid Cargo profile name.`,
      'use "release", "dev" or the name of a [profile.<name>] table in the workspace Cargo.toml.',
    );
  }
  return profile;
}

/** The features, de-duplicated and sorted (their order cannot change the binary). */
export function validateFeatures(features: readonly string[]): string[] {
  const unique = [...new Set(features)].sort();
  for (const feature of unique) {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_\-+./]*$/.test(feature)) {
      throw new CdkRustError(
        'INVALID_PROP',
        `bundling.features: "${feature}" is not a valid feature name.`,
        'give one feature per array element, e.g. ["json", "my-dep/tls"].',
      );
    }
  }
  return unique;
}

/** `bundling.cargoArgs`, refusing what cdk-rust sets itself. */
export function validateCargoArgs(cargoArgs: readonly string[]): string[] {
  cargoArgs.forEach((arg, i) => {
    const flag = arg.split('=')[0];
    if (CONTROL.test(arg)) {
      throw new CdkRustError(
        'INVALID_PROP',
        `bundling.cargoArgs[${i}] contains a line break or NUL character.`,
        'give one single-line argument per array element.',
      );
    }
    if (flag in ARGS_WITH_OPTIONS) {
      throw new CdkRustError(
        'INVALID_PROP',
        `bundling.cargoArgs: "${arg}" is set by cdk-rust from ${ARGS_WITH_OPTIONS[flag]}.`,
        `remove it from bundling.cargoArgs and set ${ARGS_WITH_OPTIONS[flag]} instead.`,
      );
    }
    const owned = OWNED_ARGS[flag] ?? (/target-dir|TARGET_DIR/.test(arg) ? OWNED_ARGS['--target-dir'] : undefined);
    if (owned) {
      throw new CdkRustError(
        'INVALID_PROP',
        `bundling.cargoArgs: "${arg}" is owned by cdk-rust: ${owned}.`,
        'remove it from bundling.cargoArgs.',
      );
    }
  });
  return [...cargoArgs];
}

/** `bundling.buildEnvironment`, refusing what cdk-rust manages. */
export function validateBuildEnvironment(buildEnvironment: Readonly<Record<string, string>>): Record<string, string> {
  for (const [key, value] of Object.entries(buildEnvironment)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new CdkRustError(
        'INVALID_PROP',
        `bundling.buildEnvironment: "${key}" is not a valid environment variable name.`,
        'use letters, digits and underscores, not starting with a digit.',
      );
    }
    if (RESERVED_ENVIRONMENT.has(key)) {
      throw new CdkRustError(
        'INVALID_PROP',
        `bundling.buildEnvironment.${key} is managed by cdk-rust.`,
        key.includes('TARGET_DIR')
          ? 'remove it: cdk-rust picks the target directory and copies the binary from there.'
          : 'remove it: the SSH agent reaches the fetch step only (see bundling.sshAgentSocket and bundling.knownHosts).',
      );
    }
    if (typeof value !== 'string' || CONTROL.test(value)) {
      throw new CdkRustError(
        'INVALID_PROP',
        `bundling.buildEnvironment.${key} must be a single-line string.`,
        'remove line breaks from the value.',
      );
    }
  }
  return { ...buildEnvironment };
}

/** `bundling.builderImage` or `CDK_RUST_BUILDER_IMAGE`, checked to be an image reference. */
export function resolveBuilderImage(prop: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const [image, name] =
    prop !== undefined ? [prop, 'bundling.builderImage'] : [env.CDK_RUST_BUILDER_IMAGE || undefined, 'CDK_RUST_BUILDER_IMAGE'];
  if (image !== undefined && !IMAGE_REFERENCE.test(image)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `${name}: ${JSON.stringify(image)} is not a Docker image reference.`,
      'give a reference such as "my-builder:1.95" or "registry.example.com/rust-builder@sha256:<digest>".',
    );
  }
  return image;
}

/**
 * `bundling.builder`, checked to be a buildx builder name: letters, digits, `-`, `_` and `.`, starting with a
 * letter or digit (buildx's own rule for `docker buildx create --name`).
 */
export function validateBuilder(builder: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(builder)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `bundling.builder: ${JSON.stringify(builder)} is not a buildx builder name.`,
      'give the name of a builder that `docker buildx ls` lists (letters, digits, "-", "_" and "."), e.g. "ci-builder".',
    );
  }
  return builder;
}

/** The directory under `target/<triple>/` that `profile` writes to. */
export function profileDirectory(profile: string): string {
  if (profile === 'dev' || profile === 'test') return 'debug';
  if (profile === 'bench') return 'release';
  return profile;
}
