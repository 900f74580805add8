/**
 * rustup's toolchain file (`rust-toolchain.toml`, or the legacy `rust-toolchain`) at the workspace root, and
 * the synth-time check that cdk-rust's default builder image has the toolchain it pins.
 *
 * rustup reads the file whenever cargo runs in the workspace, in Docker too. The default image has one
 * toolchain, installed by rustup as `<DEFAULT_RUST_VERSION>-<host>`; any other name (an older or newer
 * version, `beta`, `nightly`, and also `stable` or `1.95`, which rustup resolves to toolchains of those
 * names, not to the installed `1.95.0`) makes rustup try to install it inside the build, whose compile
 * step has no network: the build would fail deep in Docker. The check says so before any build.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'smol-toml';
import { CdkRustError } from '../errors';
import { DEFAULT_RUST_VERSION } from './builder-image';
import type { BuildPlan } from './plan';

/** The toolchain file names, in rustup's order: when both exist, rustup uses the legacy `rust-toolchain` (and warns). */
export const TOOLCHAIN_FILES = ['rust-toolchain', 'rust-toolchain.toml'] as const;

/** What a toolchain file pins. */
export interface ToolchainFile {
  /** Absolute path of the file. */
  readonly file: string;
  /** `[toolchain] channel`, or the legacy file's single line; absent when the file pins no channel. */
  readonly channel?: string;
  /** `[toolchain] path`: a custom toolchain on the machine, absent when not set. */
  readonly toolchainPath?: string;
}

/**
 * Parses the text of a toolchain file. `file` is its path (named in errors; its base name decides the format):
 * `rust-toolchain.toml` is TOML; the legacy `rust-toolchain` is a bare channel name on one line, or TOML.
 */
export function parseToolchainFile(text: string, file: string): ToolchainFile {
  const trimmed = text.trim();
  if (path.basename(file) === 'rust-toolchain' && trimmed !== '' && !/[\n=[]/.test(trimmed)) {
    return { file, channel: trimmed };
  }
  let toml: Record<string, unknown>;
  try {
    toml = parse(text);
  } catch (error) {
    throw malformed(file, `it is not valid TOML: ${(error as Error).message.split('\n')[0]}`);
  }
  const table = toml.toolchain;
  if (typeof table !== 'object' || table === null || Array.isArray(table)) {
    throw malformed(file, 'it has no [toolchain] table');
  }
  const { channel, path: toolchainPath } = table as Record<string, unknown>;
  if (channel !== undefined && typeof channel !== 'string') throw malformed(file, '[toolchain] channel is not a string');
  if (toolchainPath !== undefined && typeof toolchainPath !== 'string') throw malformed(file, '[toolchain] path is not a string');
  return {
    file,
    ...(channel !== undefined ? { channel } : {}),
    ...(toolchainPath !== undefined ? { toolchainPath } : {}),
  };
}

/** The toolchain file rustup uses in `dir` (see {@link TOOLCHAIN_FILES}), parsed; undefined when there is none. */
export function readToolchainFile(dir: string): ToolchainFile | undefined {
  for (const name of TOOLCHAIN_FILES) {
    const file = path.join(dir, name);
    if (fs.existsSync(file) && fs.statSync(file).isFile()) return parseToolchainFile(fs.readFileSync(file, 'utf-8'), file);
  }
  return undefined;
}

/**
 * True when `toolchain` (a channel or a `RUSTUP_TOOLCHAIN` value) names the default image's toolchain as rustup
 * does: its exact version, optionally with a Linux host triple. `stable` and `1.95` name other toolchains.
 */
export function isDefaultImageToolchain(toolchain: string, version: string = DEFAULT_RUST_VERSION): boolean {
  const escaped = version.replace(/\./g, '\\.');
  return new RegExp(`^${escaped}(?:-(?:x86_64|aarch64)-unknown-linux-gnu)?$`).test(toolchain.trim());
}

/** What the check needs of a build plan. */
export type ToolchainCheckedPlan = Pick<BuildPlan, 'workspaceRoot' | 'builderImage' | 'buildEnvironment' | 'target'>;

/**
 * Throws when a Docker build in cdk-rust's default builder image would need a toolchain the image does not have:
 * the one `bundling.buildEnvironment.RUSTUP_TOOLCHAIN` names (rustup's variable wins over the file), else the
 * workspace root's toolchain file's. Builds in another image (`bundling.builderImage`, `CDK_RUST_BUILDER_IMAGE`)
 * are not checked. Called for Docker builds only (Bundling.prepare): on the host, rustup honours the file itself.
 */
export function checkPinnedToolchain(plan: ToolchainCheckedPlan): void {
  if (plan.builderImage !== undefined) return;
  const override = plan.buildEnvironment.RUSTUP_TOOLCHAIN;
  if (override !== undefined) {
    if (isDefaultImageToolchain(override)) return;
    throw unavailable('bundling.buildEnvironment.RUSTUP_TOOLCHAIN', `"${override}"`, plan.target, false);
  }
  const pinned = readToolchainFile(plan.workspaceRoot);
  if (pinned === undefined || (pinned.channel === undefined && pinned.toolchainPath === undefined)) return;
  if (pinned.toolchainPath === undefined && isDefaultImageToolchain(pinned.channel ?? '')) return;
  const what = pinned.toolchainPath !== undefined ? `the custom toolchain at ${pinned.toolchainPath}` : `"${pinned.channel}"`;
  throw unavailable(pinned.file, what, plan.target, true);
}

/** `pinned` is the toolchain as the message names it (quoted, or "the custom toolchain at ..."). */
function unavailable(source: string, pinned: string, target: string, isFile: boolean): CdkRustError {
  return new CdkRustError(
    'INVALID_PROP',
    `${source} pins the Rust toolchain ${pinned}, but the build runs in cdk-rust's default builder image, ` +
      `which has Rust ${DEFAULT_RUST_VERSION} only (rustup's toolchain "${DEFAULT_RUST_VERSION}"). rustup would try to install ` +
      `${pinned} inside the build, whose compile step has no network, and the build would fail there.`,
    (isFile
      ? `set channel = "${DEFAULT_RUST_VERSION}" in ${path.basename(source)}; or `
      : `set it to "${DEFAULT_RUST_VERSION}" or remove it; or `) +
      `set bundling.builderImage to an image that has that toolchain with its ${target} target installed` +
      (isFile
        ? `; or build with the image's toolchain anyway: bundling.buildEnvironment: { RUSTUP_TOOLCHAIN: '${DEFAULT_RUST_VERSION}' } ` +
          '(rustup lets the variable win over the file).'
        : '.'),
  );
}

function malformed(file: string, problem: string): CdkRustError {
  return new CdkRustError(
    'INVALID_PROP',
    `the toolchain file ${file} cannot be read: ${problem}.`,
    'write it as rustup documents it: [toolchain] with channel = "<version>" (or, for the legacy rust-toolchain file, ' +
      'just the version on one line); rustup would reject the file too.',
  );
}
