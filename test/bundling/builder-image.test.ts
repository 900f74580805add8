import { DEFAULT_BUILDER_DOCKERFILE, DEFAULT_BUILDER_IMAGE, isDigestPinned } from '../../lib/bundling/builder-image';
import { shortHash } from '../../lib/private/short-hash';

describe('builder image: a pinned default recipe, and identities that follow contents', () => {
  test('the official Rust image at an exact version plus musl tools, both musl targets, git and openssh-client; no syntax line', () => {
    expect(DEFAULT_BUILDER_DOCKERFILE).toMatch(/^FROM public\.ecr\.aws\/docker\/library\/rust:1\.\d+\.\d+-bookworm\n/);
    for (const part of [
      'musl-tools',
      'git',
      'openssh-client',
      'gcc-aarch64-linux-gnu',
      'rustup target add x86_64-unknown-linux-musl aarch64-unknown-linux-musl',
      'linker = "aarch64-linux-gnu-gcc"',
    ]) {
      expect(DEFAULT_BUILDER_DOCKERFILE).toContain(part);
    }
    expect(DEFAULT_BUILDER_DOCKERFILE).not.toMatch(/^# syntax=/m);
  });

  test('its tag follows its Dockerfile, so a recipe change is a new image (and a new asset hash)', () => {
    expect(DEFAULT_BUILDER_IMAGE).toBe(`cdk-rust-builder:${shortHash(DEFAULT_BUILDER_DOCKERFILE)}`);
  });

  test('only a reference pinned by digest counts as the same image on every machine', () => {
    expect(isDigestPinned(`builder@sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(isDigestPinned(`registry:5000/team/builder:1.95@sha256:${'b'.repeat(64)}`)).toBe(true);
    expect(isDigestPinned('builder:1.95')).toBe(false);
    expect(isDigestPinned('registry:5000/builder')).toBe(false);
  });
});
