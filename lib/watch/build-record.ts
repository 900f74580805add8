/**
 * The build record: what `cdk-rust watch` needs to build a function again "through the same hash and
 * build" as synth did. RustFunction records it as construct metadata (type `cdk-rust:build`), which
 * lands in the cloud assembly's manifest, never in the template; watch reads it back from there.
 *
 * It holds the Cargo manifest, the bin, the architecture and the bundling options, with nothing that is
 * only this machine's session: the SSH agent socket is left out (a rebuild uses `SSH_AUTH_SOCK`). It
 * holds no value of `bundling.buildEnvironment` (which may be a token someone put there), only each
 * variable's name and a digest of its value salted with the manifest's path: watch takes the values
 * from its own environment and builds only when they are the ones synth used. `bundling.buildSecrets`
 * holds where values come from (`env:NAME`, `file:PATH`), never a value, so it is recorded as it is.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { CdkRustError } from '../errors';
import { ArchitectureName, fromLambdaArchitecture } from '../private/architecture';
import { ArtifactFile } from '../bundling/artifact-file';
import { BuildPlan } from '../bundling/plan';
import { RustBundlingOptions } from '../bundling/rust-bundling-options';
import { AssemblyFunction, listAssemblyStacks } from '../invoke/assembly';
import { assemblyFile } from '../invoke/assembly-file';

/** The metadata type of a build record in the cloud assembly's manifest. */
export const BUILD_RECORD_TYPE = 'cdk-rust:build';

/**
 * The bundling options a build record keeps: all of RustBundlingOptions but the agent socket, with the
 * build environment's values replaced by their digests (see {@link environmentDigest}).
 */
export type RecordedBundlingOptions = Omit<RustBundlingOptions, 'sshAgentSocket' | 'buildEnvironment'> & {
  /** The digest of each `bundling.buildEnvironment` value, by variable name. */
  readonly buildEnvironmentDigests?: Record<string, string>;
};

/** How a function's code was built: enough to call `Bundling.prepare` again. */
export interface BuildRecord {
  /** The absolute path of the Cargo.toml that was built. */
  readonly manifestPath: string;
  readonly binaryName?: string;
  readonly architecture: ArchitectureName;
  readonly bundling: RecordedBundlingOptions;
  /** `files`, with absolute sources. Absent when the function ships none. */
  readonly files?: ArtifactFile[];
  /**
   * The hash `Bundling.prepare` gave at synth: the assembly's build is the sources' build while the hash of
   * the sources is this one (the asset directory's name is CDK's hash of it, which watch cannot recompute).
   */
  readonly assetHash: string;
}

/** What {@link recordBuild} records: the construct's props and what its build was. */
export interface RecordedBuild {
  readonly manifestPath: string;
  readonly binaryName?: string;
  readonly architecture: { readonly name: string };
  readonly bundling?: RustBundlingOptions;
  /** The plan the build was made from: its `files`, checked, are recorded with absolute sources. */
  readonly plan: Pick<BuildPlan, 'files'>;
  readonly assetHash: string;
}

/** Records how `construct`'s code is built, as `cdk-rust:build` metadata on it. */
export function recordBuild(construct: IConstruct, build: RecordedBuild): void {
  construct.node.addMetadata(BUILD_RECORD_TYPE, buildRecordOf(build));
}

/** The record of `build` (what {@link recordBuild} records; a RustServiceImage's record holds one too). */
export function buildRecordOf(build: RecordedBuild): BuildRecord {
  const { manifestPath, binaryName, architecture, bundling, assetHash } = build;
  const { sshAgentSocket: _socket, buildEnvironment, buildSecrets, ...kept } = bundling ?? {};
  const manifest = path.resolve(manifestPath);
  const recorded: RecordedBundlingOptions = {
    ...kept,
    ...(buildEnvironment
      ? { buildEnvironmentDigests: mapValues(buildEnvironment, (name, value) => environmentDigest(manifest, name, value)) }
      : {}),
    // A relative file is read from synth's directory, which need not be watch's.
    ...(buildSecrets
      ? {
          buildSecrets: mapValues(buildSecrets, (_id, source) => source.replace(/^file:(?!\/)(.+)$/, (_m, p) => `file:${path.resolve(p)}`)),
        }
      : {}),
  };
  const record: BuildRecord = {
    manifestPath: manifest,
    ...(binaryName !== undefined ? { binaryName } : {}),
    architecture: fromLambdaArchitecture(architecture),
    bundling: JSON.parse(JSON.stringify(recorded)),
    // Sources made absolute (watch may run elsewhere), destinations as checked: the same files, the same asset.
    ...(build.plan.files ? { files: build.plan.files.map((f) => ({ source: f.source, destination: f.destination })) } : {}),
    assetHash,
  };
  return record;
}

/**
 * The digest a build record keeps of a `bundling.buildEnvironment` value: SHA-256 over the manifest's path,
 * the name and the value. It proves that watch has the value synth used without telling it; like the asset
 * hash (which covers the values too), it cannot hide a value short enough to guess.
 */
export function environmentDigest(manifestPath: string, name: string, value: string): string {
  return crypto.createHash('sha256').update(`cdk-rust:build-environment\0${manifestPath}\0${name}\0${value}`).digest('hex');
}

/**
 * The bundling options of `record`, as `Bundling.prepare` takes them: the build environment's values are
 * taken from `env` (watch's own environment), and each must have the digest synth recorded. Throws
 * CLI_USAGE naming the variable when one is missing or differs, rather than build something else.
 */
export function recordedBundlingOptions(record: BuildRecord, env: NodeJS.ProcessEnv = process.env): RustBundlingOptions {
  const { buildEnvironmentDigests, ...rest } = record.bundling as RecordedBundlingOptions & { buildEnvironment?: Record<string, string> };
  if (!buildEnvironmentDigests) return rest; // no build environment (or an older record that kept the values)
  const buildEnvironment = mapValues(buildEnvironmentDigests, (name, digest) => {
    const value = env[name];
    if (value === undefined || environmentDigest(record.manifestPath, name, value) !== digest) {
      throw new CdkRustError(
        'CLI_USAGE',
        `${record.manifestPath}${record.binaryName ? ` (${record.binaryName})` : ''} was synthesized with bundling.buildEnvironment.${name}, ` +
          `whose value the cloud assembly does not keep, and ${name} ${value === undefined ? 'is not set' : 'has another value'} in this shell.`,
        `export ${name} with the value the app gives bundling.buildEnvironment.${name}, then start cdk-rust watch again ` +
          '(a value that must stay secret belongs in bundling.buildSecrets).',
      );
    }
    return value;
  });
  return { ...rest, buildEnvironment };
}

function mapValues<T, U>(record: Readonly<Record<string, T>>, f: (key: string, value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, f(key, value)]));
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
  const record = parseBuildRecord(entry?.data);
  if (!record) {
    throw new CdkRustError(
      'FUNCTION_NOT_FOUND',
      `${name} has no cdk-rust build record in ${assemblyDir}: it is not a RustFunction, or the assembly was synthesized by a cdk-rust without watch.`,
      'watch a RustFunction, and synthesize the app again (`cdk synth`) with this cdk-rust.',
    );
  }
  return record;
}

/** A build record as the assembly holds it (JSON), checked; undefined when `data` is not one. */
export function parseBuildRecord(data: any): BuildRecord | undefined {
  if (!data || typeof data.manifestPath !== 'string' || typeof data.architecture !== 'string' || typeof data.assetHash !== 'string') {
    return undefined;
  }
  return {
    manifestPath: data.manifestPath,
    binaryName: data.binaryName,
    architecture: data.architecture,
    bundling: data.bundling ?? {},
    ...(Array.isArray(data.files) ? { files: data.files } : {}),
    assetHash: data.assetHash,
  };
}

/** The stack's metadata by construct path: inline in the manifest, and in its additional metadata file. */
export function metadataOf(root: string, dir: string, artifactId: string): Record<string, any[]> {
  const manifest = JSON.parse(fs.readFileSync(assemblyFile(root, dir, 'manifest.json', 'its manifest'), 'utf-8'));
  const artifact = manifest.artifacts?.[artifactId] ?? {};
  const metadata: Record<string, any[]> = { ...(artifact.metadata ?? {}) };
  if (typeof artifact.additionalMetadataFile === 'string') {
    const file = assemblyFile(root, dir, artifact.additionalMetadataFile, `the metadata file of stack ${artifactId}`);
    if (fs.existsSync(file)) Object.assign(metadata, JSON.parse(fs.readFileSync(file, 'utf-8')));
  }
  return metadata;
}
