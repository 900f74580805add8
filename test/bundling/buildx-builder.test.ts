import * as fs from 'fs';
import * as path from 'path';
import { builderImageIdentity, DEFAULT_BUILDER_IMAGE } from '../../lib/bundling/builder-image';
import { builderArgs, builderDriver, isRemoteBuilder } from '../../lib/bundling/buildx-builder';
import { DockerClient } from '../../lib/bundling/docker';
import { expectCdkRustError, tempDir } from '../support';

/**
 * A fake buildx client: `buildx inspect [NAME]` reports `drivers[NAME or '']` (fails for a name it lacks),
 * `image inspect IMAGE` knows only `local`; every call is logged, one line per call.
 */
function fakeBuildx(drivers: Record<string, string>, local: string[] = []): { client: DockerClient; calls: () => string[] } {
  const dir = tempDir('fake-buildx');
  const command = path.join(dir, 'docker');
  const cases = Object.entries(drivers)
    .map(([name, driver]) => `  "buildx inspect${name ? ` ${name}` : ''}") printf 'Name: x\\nDriver:        ${driver}\\n' ;;`)
    .join('\n');
  const images = local.map((image) => `  "image inspect --format {{.Id}} ${image}") echo sha256:${'c'.repeat(64)} ;;`).join('\n');
  fs.writeFileSync(command, `#!/bin/sh\necho "$*" >> ${dir}/calls\ncase "$*" in\n${cases}\n${images}\n  *) exit 1 ;;\nesac\n`, {
    mode: 0o755,
  });
  const calls = () => fs.readFileSync(path.join(dir, 'calls'), 'utf-8').trim().split('\n');
  return { client: { command, mode: 'buildx' }, calls };
}

/** Runs `fn` with BUILDX_BUILDER unset (a developer's shell may set it). */
function withoutBuildxBuilder<T>(fn: () => T): T {
  const saved = process.env.BUILDX_BUILDER;
  delete process.env.BUILDX_BUILDER;
  try {
    return fn();
  } finally {
    if (saved !== undefined) process.env.BUILDX_BUILDER = saved;
  }
}

describe('buildx-builder: the build runs on the named builder, and a remote one gets images it can pull', () => {
  const pinned = `127.0.0.1:22225/builder@sha256:${'a'.repeat(64)}`;

  test('the driver comes from `docker buildx inspect` of the named builder, or of the selected one', () => {
    withoutBuildxBuilder(() => {
      const { client } = fakeBuildx({ '': 'docker', 'ci-remote': 'remote' });
      expect(builderDriver(client, 'ci-remote')).toBe('remote');
      expect(isRemoteBuilder(client, 'ci-remote')).toBe(true);
      expect(builderDriver(client, undefined)).toBe('docker');
      expect(isRemoteBuilder(client, undefined)).toBe(false);
      expect(builderDriver(client, 'unknown')).toBeUndefined();
    });
  });

  test('a classic client builds on its own daemon: its driver is `docker`, and it takes no --builder', () => {
    const classic: DockerClient = { command: '/nonexistent/docker', mode: 'classic' };
    expect(builderDriver(classic, undefined)).toBe('docker');
    expect(builderArgs(classic, undefined)).toEqual([]);
  });

  test('a digest-pinned builder image needs no Docker at all, whatever the builder', () => {
    const noDocker = (): DockerClient => {
      throw new Error('Docker was asked');
    };
    expect(builderImageIdentity(pinned, noDocker, 'ci-remote')).toBe(pinned);
  });

  test('on a remote builder, a tag the local daemon lacks is an error naming bundling.builderImage and the fix (pin a digest); nothing is pulled', () => {
    withoutBuildxBuilder(() => {
      const { client, calls } = fakeBuildx({ 'ci-remote': 'remote' });
      expectCdkRustError(
        () => builderImageIdentity('registry.example.com/rust-builder:1.95', () => client, 'ci-remote'),
        'BUILDER_IMAGE_UNAVAILABLE',
        'bundling.builderImage: the build runs on a remote builder',
        'registry.example.com/rust-builder:1.95 is a tag that the local daemon does not have',
        'Fix: push the builder image to a registry the builder can pull from',
        '@sha256:<digest>',
      );
      expect(calls().filter((call) => call.startsWith('pull'))).toEqual([]);
    });
  });

  test("on a remote builder, cdk-rust's default image (built into the local daemon only) is refused too, even when built", () => {
    withoutBuildxBuilder(() => {
      const { client } = fakeBuildx({ 'ci-remote': 'remote' }, [DEFAULT_BUILDER_IMAGE]);
      expectCdkRustError(
        () => builderImageIdentity(DEFAULT_BUILDER_IMAGE, () => client, 'ci-remote'),
        'BUILDER_IMAGE_UNAVAILABLE',
        "is cdk-rust's default image",
      );
    });
  });

  test('on the local daemon (docker driver), a local tag is identified by its image id as before', () => {
    withoutBuildxBuilder(() => {
      const { client } = fakeBuildx({ '': 'docker' }, ['mine:1']);
      expect(builderImageIdentity('mine:1', () => client)).toBe(`mine:1@sha256:${'c'.repeat(64)}`);
    });
  });

  test('a classic client with bundling.builder is refused when the image is looked up, before any build', () => {
    const { client } = fakeBuildx({});
    expectCdkRustError(
      () => builderImageIdentity('mine:1', () => ({ ...client, mode: 'classic' }), 'ci-remote'),
      'BUILDKIT_UNAVAILABLE',
      'bundling.builder is "ci-remote"',
    );
  });
});
