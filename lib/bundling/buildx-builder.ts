/**
 * The buildx builder a build runs on: `bundling.builder`, else buildx's own choice (`BUILDX_BUILDER`, then
 * `docker buildx use`). Every buildx command cdk-rust runs names it (`--builder`), and a builder other than the
 * local daemon (a remote BuildKit: buildx's `remote`, `docker-container` or `kubernetes` driver) cannot see the
 * local daemon's images, which the builder image must then allow for.
 */
import { spawnSync } from 'child_process';
import { CdkRustError } from '../errors';
import type { DockerClient } from './docker';

/**
 * The `--builder NAME` arguments of a buildx command: `builder` (`bundling.builder`), else `BUILDX_BUILDER`;
 * none when neither is set (buildx then uses the builder chosen with `docker buildx use`). A classic client
 * takes none, and refuses `bundling.builder` (see {@link checkBuilderClient}).
 */
export function builderArgs(client: DockerClient, builder: string | undefined): string[] {
  checkBuilderClient(client, builder);
  if (client.mode !== 'buildx') return [];
  const name = builder ?? (process.env.BUILDX_BUILDER || undefined);
  return name !== undefined ? ['--builder', name] : [];
}

/** Throws when `bundling.builder` is set but the client has no buildx (a classic client builds on its daemon only). */
export function checkBuilderClient(client: DockerClient, builder: string | undefined): void {
  if (builder === undefined || client.mode === 'buildx') return;
  throw new CdkRustError(
    'BUILDKIT_UNAVAILABLE',
    `bundling.builder is "${builder}", but the Docker client "${client.command}" has no buildx plugin: ` +
      'only buildx can build on a named builder.',
    'install the docker-buildx plugin (or set CDK_DOCKER to a client that has it), or remove bundling.builder to ' +
      "build on the client's own daemon.",
  );
}

/** Drivers whose builder is the local Docker daemon itself, which sees the daemon's images. */
const LOCAL_DRIVERS = new Set(['docker']);

/** Answers of {@link builderDriver}, per client, builder and buildx configuration, for this process. */
const drivers = new Map<string, string | undefined>();

/**
 * The driver of the builder a build runs on (`docker`, `remote`, `docker-container`, `kubernetes`, ...), from
 * `docker buildx inspect`; `docker` for a classic client (it builds on its daemon), undefined when buildx
 * cannot tell (the build then reports what is wrong).
 */
export function builderDriver(client: DockerClient, builder: string | undefined): string | undefined {
  if (client.mode !== 'buildx') return 'docker';
  const args = ['buildx', 'inspect', ...builderArgs(client, builder).slice(1)];
  const key = [
    client.command,
    ...args,
    process.env.DOCKER_CONFIG ?? '',
    process.env.DOCKER_HOST ?? '',
    process.env.DOCKER_CONTEXT ?? '',
  ].join('\0');
  if (!drivers.has(key)) {
    const inspect = spawnSync(client.command, args, { encoding: 'utf-8', env: process.env });
    const driver = inspect.status === 0 ? /^Driver:\s+(\S+)\s*$/m.exec(inspect.stdout)?.[1] : undefined;
    drivers.set(key, driver);
  }
  return drivers.get(key);
}

/** True when the build runs on a builder that cannot see the local daemon's images (see {@link builderDriver}). */
export function isRemoteBuilder(client: DockerClient, builder: string | undefined): boolean {
  const driver = builderDriver(client, builder);
  return driver !== undefined && !LOCAL_DRIVERS.has(driver);
}

/**
 * The error for a builder image that a remote builder cannot use: one the local daemon has (or would build)
 * but no registry serves as such, or a tag whose content cdk-rust cannot learn without pulling it here.
 */
export function remoteBuilderImageError(image: string, why: string): CdkRustError {
  return new CdkRustError(
    'BUILDER_IMAGE_UNAVAILABLE',
    `bundling.builderImage: the build runs on a remote builder, which cannot see this machine's images, and ${image} ${why}.`,
    'push the builder image to a registry the builder can pull from and set bundling.builderImage (or ' +
      'CDK_RUST_BUILDER_IMAGE) to it pinned by digest, e.g. "registry.example.com/rust-builder@sha256:<digest>" ' +
      '(`docker buildx imagetools inspect <image>` prints the digest).',
  );
}

/** The fix of a build that failed because of its builder (see buildFailureFix in docker.ts); undefined otherwise. */
export function builderFailureFix(log: string): string | undefined {
  if (/^ERROR: no builder ".*" found$/m.test(log)) {
    return (
      'buildx knows no builder of that name (bundling.builder, or BUILDX_BUILDER): `docker buildx ls` lists the builders ' +
      'of this client (DOCKER_CONFIG); create it with `docker buildx create --name NAME ...`, or fix the name.'
    );
  }
  // buildx asks for the entitlement itself with --network host; a builder of its own (buildkitd) must allow it.
  if (/network\.host is not allowed/.test(log)) {
    return (
      'the builder does not allow --network host (bundling.network defaults to "host"): start its buildkitd with ' +
      '--allow-insecure-entitlement network.host (or insecure-entitlements = ["network.host"] in buildkitd.toml; ' +
      '`docker buildx create --buildkitd-flags` passes it), or set bundling.network to "default".'
    );
  }
  return undefined;
}
