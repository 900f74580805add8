/**
 * The builder image: cdk-rust's default recipe, and the identity of whichever image a build runs in.
 *
 * A tag is not a toolchain: the same name can stand for different compilers on a laptop and on a CI
 * runner, or on one machine before and after a pull. So the asset hash covers the image's identity:
 * the digest when the reference is pinned by one (the same on every machine), else the local image
 * id that Docker reports (the exact image on this machine).
 */
import { spawnSync } from 'child_process';
import { CdkRustError } from '../errors';
import { DockerClient, dockerEnv, failedStepOutput } from './docker';
import { progress } from '../private/progress';
import { shortHash } from '../private/short-hash';
import { runStreaming } from './process';

/**
 * The Dockerfile of cdk-rust's default builder image: the official Rust image at an exact version,
 * plus musl tools, both musl targets, git and openssh-client. aarch64 links with the GNU cross gcc as
 * the driver and the target's own (self-contained) musl objects, which covers pure-Rust crates; crates
 * that compile C code for aarch64 need a builder image with an aarch64 musl C compiler.
 */
export const DEFAULT_BUILDER_DOCKERFILE = [
  'FROM public.ecr.aws/docker/library/rust:1.95.0-bookworm',
  'RUN apt-get update \\',
  ' && apt-get install -y --no-install-recommends musl-tools gcc-aarch64-linux-gnu git openssh-client \\',
  ' && rm -rf /var/lib/apt/lists/* \\',
  ' && rustup target add x86_64-unknown-linux-musl aarch64-unknown-linux-musl \\',
  " && printf '%s\\n' '[target.aarch64-unknown-linux-musl]' 'linker = \"aarch64-linux-gnu-gcc\"' >> /usr/local/cargo/config.toml",
  '',
].join('\n');

/** The tag of the default builder image: it changes whenever its Dockerfile does. */
export const DEFAULT_BUILDER_IMAGE = `cdk-rust-builder:${shortHash(DEFAULT_BUILDER_DOCKERFILE)}`;

/** True when `image` names its content by digest (`name@sha256:...`), so it is the same everywhere. */
export function isDigestPinned(image: string): boolean {
  return /@[A-Za-z0-9+._-]+:[0-9a-fA-F]{32,}$/.test(image);
}

/**
 * The identity of `image` for the asset hash: the reference itself when it is pinned by digest;
 * otherwise the id of the local image, which is built first (the default image) or pulled (any
 * other) when this machine does not have it yet. `docker` is asked for the client only then: a
 * digest-pinned image needs no Docker at all.
 */
export function builderImageIdentity(image: string, docker: () => DockerClient): string {
  if (isDigestPinned(image)) return image;
  const client = docker();
  let id = localImageId(client, image);
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
  const result = runStreaming(client.command, ['pull', image], { env: process.env });
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
    '--tag',
    DEFAULT_BUILDER_IMAGE,
    '-',
  ];
  const result = runStreaming(client.command, args, { env: dockerEnv(client), input: DEFAULT_BUILDER_DOCKERFILE });
  if (result.status !== 0) {
    throw new CdkRustError(
      'BUILDER_IMAGE_UNAVAILABLE',
      `could not build the default builder image ${DEFAULT_BUILDER_IMAGE}:\n${failedStepOutput(result.output)}`,
      'check that Docker can pull public.ecr.aws/docker/library/rust, or set bundling.builderImage ' +
        '(or CDK_RUST_BUILDER_IMAGE) to an image you have.',
    );
  }
}
