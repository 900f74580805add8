/**
 * The builder image: cdk-rust's default recipe, and the identity of whichever image a build runs in.
 *
 * A tag is not a toolchain: the same name can stand for different compilers on a laptop and on a CI
 * runner, or on one machine before and after a pull. So the asset hash covers the image's identity:
 * the digest when the reference is pinned by one (the same on every machine), else the local image
 * id that Docker reports (the exact image on this machine).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { DockerClient, dockerEnv, failedStepOutput } from './docker';
import { checkBuilderClient, isRemoteBuilder, remoteBuilderImageError } from './buildx-builder';
import { BUILDER_RECIPE } from './builder-recipe';
import { progress } from '../private/progress';
import { shortHash } from '../private/short-hash';
import { runStreaming } from './process';
import { isVerbose } from '../private/verbose';

/** The name of the shared recipe in the default image's build context (and in the image). */
export const BUILDER_RECIPE_FILE = 'builder-recipe.sh';

/**
 * The Rust version of cdk-rust's default builder image: rustup's only toolchain there, installed as
 * `<version>-<host>` (see toolchain-file.ts for what a workspace's toolchain file may pin).
 */
export const DEFAULT_RUST_VERSION = '1.95.0';

/**
 * The Dockerfile of cdk-rust's default builder image: the official Rust image at an exact version
 * and rustup's two musl targets (the only steps that need a registry), then the shared builder
 * recipe (lib/bundling/builder-recipe.ts: packages and a C compiler for each musl target, the same
 * script the tested offline image runs), then how rustup's toolchain links aarch64: its
 * self-contained musl objects with the GNU cross gcc as the driver (x86_64 keeps rustup's default).
 * The recipe comes from the build context; the image keeps it, to show how it was made.
 */
export const DEFAULT_BUILDER_DOCKERFILE = [
  `FROM public.ecr.aws/docker/library/rust:${DEFAULT_RUST_VERSION}-bookworm`,
  'RUN rustup target add x86_64-unknown-linux-musl aarch64-unknown-linux-musl',
  `COPY ${BUILDER_RECIPE_FILE} /usr/local/share/cdk-rust/${BUILDER_RECIPE_FILE}`,
  `RUN sh /usr/local/share/cdk-rust/${BUILDER_RECIPE_FILE} \\`,
  ' && rm -rf /var/lib/apt/lists/* \\',
  " && printf '%s\\n' '[target.aarch64-unknown-linux-musl]' 'linker = \"aarch64-linux-gnu-gcc\"' >> \"$CARGO_HOME/config.toml\"",
  '',
].join('\n');

/** The tag of the default builder image: it changes whenever its Dockerfile or the shared recipe does. */
export const DEFAULT_BUILDER_IMAGE = `cdk-rust-builder:${shortHash(DEFAULT_BUILDER_DOCKERFILE + BUILDER_RECIPE)}`;

/**
 * Writes the default image's build context (its Dockerfile and the shared recipe) into a new
 * temporary directory, and returns that directory; the caller removes it.
 */
export function writeDefaultBuilderContext(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-builder-'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), DEFAULT_BUILDER_DOCKERFILE);
  fs.writeFileSync(path.join(dir, BUILDER_RECIPE_FILE), BUILDER_RECIPE, { mode: 0o755 });
  return dir;
}

/** True when `image` names its content by digest (`name@sha256:...`), so it is the same everywhere. */
export function isDigestPinned(image: string): boolean {
  return /@[A-Za-z0-9+._-]+:[0-9a-fA-F]{32,}$/.test(image);
}

/**
 * The identity of `image` for the asset hash: the reference itself when it is pinned by digest;
 * otherwise the id of the local image, which is built first (the default image) or pulled (any
 * other) when this machine does not have it yet. `docker` is asked for the client only then: a
 * digest-pinned image needs no Docker at all. `builder` is `bundling.builder`: on a remote builder (which cannot
 * see this machine's images) the default image cannot be used, nor a tag this machine lacks (nothing is pulled
 * here just to learn what the tag stands for).
 */
export function builderImageIdentity(image: string, docker: () => DockerClient, builder?: string): string {
  if (isDigestPinned(image)) return image;
  const client = docker();
  checkBuilderClient(client, builder);
  let id = localImageId(client, image);
  if ((id === undefined || image === DEFAULT_BUILDER_IMAGE) && isRemoteBuilder(client, builder)) {
    throw remoteBuilderImageError(
      image,
      image === DEFAULT_BUILDER_IMAGE
        ? "is cdk-rust's default image, which is built into the local daemon only"
        : 'is a tag that the local daemon does not have, so cdk-rust cannot tell which image it stands for',
    );
  }
  if (id === undefined) {
    if (image === DEFAULT_BUILDER_IMAGE) buildDefaultBuilderImage(client);
    else pullImage(client, image);
    id = localImageId(client, image);
  }
  if (id === undefined) {
    throw new CdkRustError(
      'BUILDER_IMAGE_UNAVAILABLE',
      `the builder image ${image} is not on this machine, even after pulling it.`,
      'build or pull it first, or set bundling.builderImage (or CDK_RUST_BUILDER_IMAGE) to an image you have.',
    );
  }
  return `${image}@${id}`;
}

function localImageId(client: DockerClient, image: string): string | undefined {
  const inspect = spawnSync(client.command, ['image', 'inspect', '--format', '{{.Id}}', image], { encoding: 'utf-8', env: process.env });
  return inspect.status === 0 && inspect.stdout.trim() ? inspect.stdout.trim() : undefined;
}

function pullImage(client: DockerClient, image: string): void {
  progress(`pulling the builder image ${image}`);
  const result = runStreaming(client.command, ['pull', image], {
    env: process.env,
    display: { label: 'builder image', verbose: isVerbose(), status: `pulling ${image}` },
  });
  if (result.status !== 0) {
    throw new CdkRustError(
      'BUILDER_IMAGE_UNAVAILABLE',
      `could not pull the builder image ${image}:\n${result.output.trim()}`,
      'check the name and your registry login (docker login), or build the image locally first.',
    );
  }
}

function buildDefaultBuilderImage(client: DockerClient): void {
  progress(`building the default builder image ${DEFAULT_BUILDER_IMAGE} (once per machine)`);
  const args = [
    ...(client.mode === 'buildx' ? ['buildx', 'build', '--load'] : ['build']),
    '--progress',
    'plain',
    // apt-get reaches Debian's mirror through the host's network, as the crate builds do: never a bridge.
    '--network',
    'host',
    '--tag',
    DEFAULT_BUILDER_IMAGE,
  ];
  const context = writeDefaultBuilderContext();
  let result;
  try {
    result = runStreaming(client.command, [...args, context], {
      env: dockerEnv(client),
      display: { label: 'builder image', verbose: isVerbose(), status: `building ${DEFAULT_BUILDER_IMAGE}` },
    });
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
  if (result.status !== 0) {
    throw new CdkRustError(
      'BUILDER_IMAGE_UNAVAILABLE',
      `could not build the default builder image ${DEFAULT_BUILDER_IMAGE}:\n${failedStepOutput(result.output)}`,
      'check that Docker can pull public.ecr.aws/docker/library/rust, or set bundling.builderImage ' +
        '(or CDK_RUST_BUILDER_IMAGE) to an image you have.',
    );
  }
}
