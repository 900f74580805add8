import * as fs from 'fs';
import * as path from 'path';
import {
  BUILDER_RECIPE_FILE,
  DEFAULT_BUILDER_DOCKERFILE,
  DEFAULT_BUILDER_IMAGE,
  isDigestPinned,
  writeDefaultBuilderContext,
} from '../../lib/bundling/builder-image';
import { BUILDER_RECIPE } from '../../lib/bundling/builder-recipe';
import { shortHash } from '../../lib/private/short-hash';

describe('builder image: a pinned default recipe, and identities that follow contents', () => {
  test('the official Rust image at an exact version, then rustup adds both musl targets; no syntax line, no heredoc', () => {
    const lines = DEFAULT_BUILDER_DOCKERFILE.split('\n');
    expect(lines[0]).toMatch(/^FROM public\.ecr\.aws\/docker\/library\/rust:1\.\d+\.\d+-bookworm$/);
    expect(lines[1]).toBe('RUN rustup target add x86_64-unknown-linux-musl aarch64-unknown-linux-musl');
    expect(DEFAULT_BUILDER_DOCKERFILE).not.toMatch(/^# syntax=/m);
    expect(DEFAULT_BUILDER_DOCKERFILE).not.toContain('<<');
  });

  test('it then runs the shared builder recipe from its build context, and only adds how rustup links aarch64', () => {
    const lines = DEFAULT_BUILDER_DOCKERFILE.split('\n');
    const recipeInImage = `/usr/local/share/cdk-rust/${BUILDER_RECIPE_FILE}`;
    expect(lines[2]).toBe(`COPY ${BUILDER_RECIPE_FILE} ${recipeInImage}`);
    expect(lines[3]).toBe(`RUN sh ${recipeInImage} \\`);
    // Nothing the recipe provides is repeated here: packages and C compilers come from it alone.
    expect(DEFAULT_BUILDER_DOCKERFILE).not.toMatch(/apt-get install|musl-tools|CC_/);
    expect(DEFAULT_BUILDER_DOCKERFILE).toContain(`'linker = "aarch64-linux-gnu-gcc"'`);
    expect(DEFAULT_BUILDER_DOCKERFILE).toContain('"$CARGO_HOME/config.toml"');
  });

  test('its build context holds exactly the Dockerfile and the recipe, byte for byte', () => {
    const dir = writeDefaultBuilderContext();
    try {
      expect(fs.readdirSync(dir).sort()).toEqual(['Dockerfile', BUILDER_RECIPE_FILE]);
      expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf-8')).toBe(DEFAULT_BUILDER_DOCKERFILE);
      expect(fs.readFileSync(path.join(dir, BUILDER_RECIPE_FILE), 'utf-8')).toBe(BUILDER_RECIPE);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('its tag follows its Dockerfile and the shared recipe, so a change of either is a new image (and a new asset hash)', () => {
    expect(DEFAULT_BUILDER_IMAGE).toBe(`cdk-rust-builder:${shortHash(DEFAULT_BUILDER_DOCKERFILE + BUILDER_RECIPE)}`);
    expect(DEFAULT_BUILDER_IMAGE).not.toBe(`cdk-rust-builder:${shortHash(DEFAULT_BUILDER_DOCKERFILE)}`);
  });

  test('only a reference pinned by digest counts as the same image on every machine', () => {
    expect(isDigestPinned(`builder@sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(isDigestPinned(`registry:5000/team/builder:1.95@sha256:${'b'.repeat(64)}`)).toBe(true);
    expect(isDigestPinned('builder:1.95')).toBe(false);
    expect(isDigestPinned('registry:5000/builder')).toBe(false);
  });
});
