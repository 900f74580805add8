/**
 * The build record: what `cdk-rust watch` needs to build a function again "through the same hash and
 * build" as synth did. RustFunction records it as construct metadata (type `cdk-rust:build`), which
 * lands in the cloud assembly's manifest, never in the template; watch reads it back from there.
 *
 * It holds the Cargo manifest, the bin, the architecture and the bundling options, with nothing that is
 * only this machine's session: the SSH agent socket is left out (a rebuild uses `SSH_AUTH_SOCK`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { CdkRustError } from '../errors';
import { ArchitectureName } from '../private/architecture';
import { RustBundlingOptions } from '../bundling/rust-bundling-options';
import { AssemblyFunction, assemblyFile, listAssemblyStacks } from '../invoke/assembly';

/** The metadata type of a build record in the cloud assembly's manifest. */
export const BUILD_RECORD_TYPE = 'cdk-rust:build';

/** The bundling options a build record keeps: all of RustBundlingOptions but the agent socket. */
export type RecordedBundlingOptions = Omit<RustBundlingOptions, 'sshAgentSocket'>;

/** How a function's code was built: enough to call `Bundling.prepare` again. */
export interface BuildRecord {
  /** The absolute path of the Cargo.toml that was built. */
  readonly manifestPath: string;
  readonly binaryName?: string;
  readonly architecture: ArchitectureName;
  readonly bundling: RecordedBundlingOptions;
  /**
   * The hash `Bundling.prepare` gave at synth: the assembly's build is the sources' build while the hash of
   * the sources is this one (the asset directory's name is CDK's hash of it, which watch cannot recompute).
   */
  readonly assetHash: string;
}

/** Records how `construct`'s code is built, as `cdk-rust:build` metadata on it. */
export function recordBuild(
  construct: IConstruct,
  manifestPath: string,
  binaryName: string | undefined,
  architecture: { readonly name: string },
  bundling: RustBundlingOptions | undefined,
  assetHash: string,
): void {
  const { sshAgentSocket: _socket, ...kept } = bundling ?? {};
  const record: BuildRecord = {
    manifestPath: path.resolve(manifestPath),
    ...(binaryName !== undefined ? { binaryName } : {}),
    architecture: architecture.name === 'arm64' ? 'arm64' : 'x86_64',
    bundling: JSON.parse(JSON.stringify(kept)),
    assetHash,
  };
  construct.node.addMetadata(BUILD_RECORD_TYPE, record);
}

/**
 * The build record of a function of the cloud assembly in `assemblyDir`. Fails with `FUNCTION_NOT_FOUND` when
 * it has none (a function that is not a RustFunction, or an assembly synthesized by an older cdk-rust).
 */
export function readBuildRecord(assemblyDir: string, fn: AssemblyFunction): BuildRecord {
  const name = fn.constructPath ?? `${fn.stackName}/${fn.logicalId}`;
  const stack = listAssemblyStacks(assemblyDir).find((s) => s.artifactId === fn.stackArtifactId);
  const entries = stack && fn.constructPath ? metadataOf(stack.root, stack.dir, stack.artifactId)[`/${fn.constructPath}`] : undefined;
  const entry = (Array.isArray(entries) ? entries : []).find((e) => e?.type === BUILD_RECORD_TYPE);
  const record = entry?.data;
  if (
    !record ||
    typeof record.manifestPath !== 'string' ||
    typeof record.architecture !== 'string' ||
    typeof record.assetHash !== 'string'
  ) {
    throw new CdkRustError(
      'FUNCTION_NOT_FOUND',
      `${name} has no cdk-rust build record in ${assemblyDir}: it is not a RustFunction, or the assembly was synthesized by a cdk-rust without watch.`,
      'watch a RustFunction, and synthesize the app again (`cdk synth`) with this cdk-rust.',
    );
  }
  return {
    manifestPath: record.manifestPath,
    binaryName: record.binaryName,
    architecture: record.architecture,
    bundling: record.bundling ?? {},
    assetHash: record.assetHash,
  };
}

/** The stack's metadata by construct path: inline in the manifest, and in its additional metadata file. */
function metadataOf(root: string, dir: string, artifactId: string): Record<string, any[]> {
  const manifest = JSON.parse(fs.readFileSync(assemblyFile(root, dir, 'manifest.json', 'its manifest'), 'utf-8'));
  const artifact = manifest.artifacts?.[artifactId] ?? {};
  const metadata: Record<string, any[]> = { ...(artifact.metadata ?? {}) };
  if (typeof artifact.additionalMetadataFile === 'string') {
    const file = assemblyFile(root, dir, artifact.additionalMetadataFile, `the metadata file of stack ${artifactId}`);
    if (fs.existsSync(file)) Object.assign(metadata, JSON.parse(fs.readFileSync(file, 'utf-8')));
  }
  return metadata;
}
