/**
 * Finds Lambda functions in a synthesized cloud assembly (`cdk.out`), and runs one locally.
 *
 * It reads `manifest.json` (and nested assemblies of stages), each stack's template, and the construct
 * paths the assembly records: the `aws:cdk:path` metadata of each resource, and the manifest's
 * `aws:cdk:logicalId` entries (inline, or in the stack's `additionalMetadataFile`).
 *
 * An assembly is data that may come from elsewhere (a CI artifact, a colleague's checkout), and `invoke` runs the
 * `bootstrap` it points at: every path it names (nested assemblies, templates, metadata files, code directories,
 * the bootstrap) is resolved to its real path and must lie inside the assembly directory's real path, and each
 * nested assembly is read once.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { fromTemplateArchitectures } from '../private/architecture';
import { assetDirectory } from '../private/asset-directory';
import { assetImageTag, tarballImageAssets } from './assembly-images';
import { assemblyFile } from './assembly-file';
import { realPathInside } from './confined-path';
import { templateConcurrency } from './environment-concurrency';
import { LocalArchitecture } from './local-function-options';
import { resolveRegion } from './region';

/**
 * A Lambda function of a cloud assembly, with what running it locally needs.
 *
 * @jsii ignore Node.js only (other languages use the `cdk-rust` CLI).
 */
export interface AssemblyFunction {
  /** The stack's artifact id in the manifest. */
  readonly stackArtifactId: string;
  /** The stack's CloudFormation name. */
  readonly stackName: string;
  /** The function's logical id in its template. */
  readonly logicalId: string;
  /** Its construct path without the trailing `/Resource`, e.g. `MyStack/Api`, when the assembly records it. */
  readonly constructPath?: string;
  /** The asset directory holding its code (which may be missing): its real path, always inside the assembly. */
  readonly codeDirectory?: string;
  /** Why there is no code directory, when there is none (inline code, a container image, ...). */
  readonly codeProblem?: string;
  /**
   * The function's container image, when its code is an image that is a tarball asset of the assembly (a
   * RustFunction with `packaging: FunctionPackaging.IMAGE`): `cdk-rust invoke` loads it and runs it.
   */
  readonly image?: AssemblyFunctionImage;
  /** The template's `Runtime` (e.g. `provided.al2023`), when it names one. */
  readonly runtime?: string;
  /** The template's `Handler`; `bootstrap` when it has none. */
  readonly handler: string;
  /** The template's `FunctionName`; `<stack name>-<logical id>` (at most 64 characters) when it has none. */
  readonly functionName: string;
  /** MiB. Lambda's default, 128, when the template has none. */
  readonly memorySize: number;
  /** Seconds. Lambda's default, 3, when the template has none. */
  readonly timeoutSeconds: number;
  /** The first of the template's `Architectures`: `x86_64` unless it says `arm64`. */
  readonly architecture: LocalArchitecture;
  /** The environment variables whose values are known before deployment. */
  readonly environment: Record<string, string>;
  /** The environment variables left out because their values are CloudFormation expressions. */
  readonly unresolvedVariables: string[];
  /** The template's `LoggingConfig.LogFormat`: `Text` unless it says `JSON`. */
  readonly logFormat: 'Text' | 'JSON';
  /** The template's `LoggingConfig.ApplicationLogLevel`, when the log format is `JSON`. */
  readonly applicationLogLevel?: string;
  /** The stack's region, when the assembly fixes it. */
  readonly region?: string;
  /** The stack's account, when the assembly fixes it. */
  readonly account?: string;
  /**
   * How many invocations Lambda runs at once in one of its execution environments, for a function on Lambda Managed
   * Instances (`CapacityProviderConfig`): its `PerExecutionEnvironmentMaxConcurrency`, or without it AWS's default for
   * Rust, 8 per vCPU (vCPUs = MemorySize / 1024 / `ExecutionEnvironmentMemoryGiBPerVCpu` (default 2), rounded down,
   * at least 1). Undefined (one at a time) for a function without a capacity provider. Values that only resolve when
   * deployed count as unset.
   */
  readonly concurrency?: number;
}

/**
 * A function's container image in a cloud assembly: how to load it.
 *
 * @jsii ignore Node.js only (other languages use the `cdk-rust` CLI).
 */
export interface AssemblyFunctionImage {
  /** CDK's publishing command (`sh -c "docker load -i ..." ... <tarball>`), which prints the loaded image's name. */
  readonly loadCommand: string[];
  /** The real path of the assembly directory the command runs in (its tarball path is relative to it). */
  readonly assemblyDir: string;
  /** The tag the template gives the image: the tarball asset's hash. */
  readonly tag: string;
}

/** A stack of a cloud assembly, with its template read (every file it names confined to the assembly). */
export interface AssemblyStack {
  /** The real path of the top assembly directory. */
  readonly root: string;
  /** The real path of the (possibly nested) assembly directory the stack is in. */
  readonly dir: string;
  /** The stack's artifact id in the manifest. */
  readonly artifactId: string;
  /** The stack's CloudFormation name. */
  readonly stackName: string;
  /** The stack's account and region, when the assembly fixes them. */
  readonly account?: string;
  readonly region?: string;
  /** The parsed template. */
  readonly template: any;
  /** The construct path of a resource of the template, without a trailing `/Resource`, when the assembly records it. */
  constructPathOf(logicalId: string): string | undefined;
}

/**
 * Every stack of the cloud assembly in `assemblyDir`, nested stage assemblies included. Fails with
 * `INVALID_ASSEMBLY` when the directory (or a nested assembly) has no manifest.json, a file it names cannot be read
 * as JSON, or a path it names leads outside the assembly.
 */
export function listAssemblyStacks(assemblyDir: string): AssemblyStack[] {
  const manifestFile = path.join(assemblyDir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new CdkRustError(
      'INVALID_ASSEMBLY',
      `${assemblyDir} is not a cloud assembly: it has no manifest.json.`,
      'synthesize the app first (`cdk synth`, which writes cdk.out), or point at the directory it wrote.',
    );
  }
  const root = fs.realpathSync(assemblyDir);
  const stacks: AssemblyStack[] = [];
  collectStacks({ root, visited: new Set() }, root, stacks);
  return stacks;
}

/**
 * Every `AWS::Lambda::Function` of the cloud assembly in `assemblyDir`, nested stage assemblies included. Fails with
 * `INVALID_ASSEMBLY` when `assemblyDir` is not a complete cloud assembly (see {@link listAssemblyStacks}).
 */
export function listAssemblyFunctions(assemblyDir: string): AssemblyFunction[] {
  return listAssemblyStacks(assemblyDir).flatMap(stackFunctions);
}

/** A walk through an assembly and its nested assemblies. */
interface AssemblyWalk {
  /** The real path of the top assembly directory, which every path read must be inside. */
  readonly root: string;
  /** The real paths of the assembly directories read so far. */
  readonly visited: Set<string>;
}

/** Adds the stacks of the assembly in `dir` (a real path inside the root) and of its nested assemblies, each once. */
function collectStacks(walk: AssemblyWalk, dir: string, stacks: AssemblyStack[]): void {
  if (walk.visited.has(dir)) return;
  walk.visited.add(dir);
  const manifest = readJson(assemblyFile(walk.root, dir, 'manifest.json', 'its manifest'));
  for (const [artifactId, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type === 'cdk:cloud-assembly' && typeof artifact.properties?.directoryName === 'string') {
      const nested = assemblyFile(walk.root, dir, artifact.properties.directoryName, `the nested assembly ${artifactId}`);
      if (!fs.existsSync(path.join(nested, 'manifest.json'))) {
        throw new CdkRustError(
          'INVALID_ASSEMBLY',
          `${nested} (the nested assembly ${artifactId}) is not a cloud assembly: it has no manifest.json.`,
          'synthesize the app again so that the cloud assembly is complete.',
        );
      }
      collectStacks(walk, nested, stacks);
    }
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const templateFile = artifact.properties?.templateFile;
    if (typeof templateFile !== 'string') continue;
    const template = readJson(assemblyFile(walk.root, dir, templateFile, `the template of stack ${artifactId}`));
    const stackName =
      typeof artifact.properties?.stackName === 'string' ? artifact.properties.stackName : (artifact.displayName ?? artifactId);
    const [account, region] = environmentOf(artifact.environment);
    const pathsByLogicalId = constructPaths(walk.root, dir, artifactId, artifact);
    stacks.push({
      root: walk.root,
      dir,
      artifactId,
      stackName,
      account,
      region,
      template,
      constructPathOf: (logicalId) => {
        const metadata = template.Resources?.[logicalId]?.Metadata?.['aws:cdk:path'];
        const cdkPath = typeof metadata === 'string' ? metadata : pathsByLogicalId.get(logicalId);
        return typeof cdkPath === 'string' ? cdkPath.replace(/^\/+/, '').replace(/\/Resource$/, '') : undefined;
      },
    });
  }
}

/**
 * The function that `selector` names: a logical id (optionally `Stack/LogicalId`), or a construct path
 * (`MyStack/Api` matches the function resource `MyStack/Api/Resource`; a path above a single function,
 * such as a construct that holds one, matches it too). Fails listing the candidates when none or several match.
 */
export function findAssemblyFunction(assemblyDir: string, selector: string): AssemblyFunction {
  const functions = listAssemblyFunctions(assemblyDir);
  const wanted = selector.replace(/^\/+|\/+$/g, '');
  const wantedPath = wanted.replace(/\/Resource$/, '');
  const exact = functions.filter(
    (f) =>
      f.logicalId === wanted ||
      `${f.stackArtifactId}/${f.logicalId}` === wanted ||
      `${f.stackName}/${f.logicalId}` === wanted ||
      f.constructPath === wantedPath,
  );
  const matches = exact.length > 0 ? exact : functions.filter((f) => f.constructPath?.startsWith(`${wantedPath}/`));
  if (matches.length === 1) return matches[0];
  const list = (fns: AssemblyFunction[]): string => fns.map(describe).join('\n') || '  (none)';
  if (matches.length === 0) {
    throw new CdkRustError(
      'FUNCTION_NOT_FOUND',
      `no Lambda function in ${assemblyDir} matches "${selector}". The functions are:\n${list(functions)}`,
      'name one by its construct path (e.g. MyStack/Api) or its logical id.',
    );
  }
  throw new CdkRustError(
    'FUNCTION_NOT_FOUND',
    `"${selector}" matches several Lambda functions in ${assemblyDir}:\n${list(matches)}`,
    'name one by its full construct path, or by Stack/LogicalId.',
  );
}

function stackFunctions(stack: AssemblyStack): AssemblyFunction[] {
  const { root, dir: assemblyDir, artifactId, stackName, account, region, template } = stack;
  const functions: AssemblyFunction[] = [];
  let images: Map<string, string[]> | undefined;
  for (const [logicalId, resource] of Object.entries<any>(template.Resources ?? {})) {
    if (resource?.Type !== 'AWS::Lambda::Function') continue;
    const props = resource.Properties ?? {};
    const tag = props.Code?.ImageUri !== undefined ? assetImageTag(props.Code.ImageUri) : undefined;
    const loadCommand = tag ? (images ??= tarballImageAssets(stack)).get(tag) : undefined;
    const { environment, unresolved } = environmentVariables(props.Environment?.Variables, { account, region });
    const code = confinedCode(root, codeDirectory(assemblyDir, props.Code, resource.Metadata));
    const logFormat = props.LoggingConfig?.LogFormat === 'JSON' ? 'JSON' : 'Text';
    functions.push({
      stackArtifactId: artifactId,
      stackName,
      logicalId,
      constructPath: stack.constructPathOf(logicalId),
      ...code,
      ...(tag && loadCommand ? { image: { loadCommand, assemblyDir, tag } } : {}),
      runtime: typeof props.Runtime === 'string' ? props.Runtime : undefined,
      handler: typeof props.Handler === 'string' ? props.Handler : 'bootstrap',
      functionName: typeof props.FunctionName === 'string' ? props.FunctionName : `${stackName}-${logicalId}`.slice(0, 64),
      memorySize: numberOr(props.MemorySize, 128),
      timeoutSeconds: numberOr(props.Timeout, 3),
      architecture: fromTemplateArchitectures(props.Architectures),
      environment,
      unresolvedVariables: unresolved,
      logFormat,
      applicationLogLevel:
        logFormat === 'JSON' && typeof props.LoggingConfig?.ApplicationLogLevel === 'string'
          ? props.LoggingConfig.ApplicationLogLevel
          : undefined,
      region,
      account,
      concurrency: templateConcurrency(props),
    });
  }
  return functions;
}

/** Logical id → construct path, from the manifest's `aws:cdk:logicalId` metadata entries. */
function constructPaths(root: string, assemblyDir: string, artifactId: string, artifact: any): Map<string, string> {
  const metadata: Record<string, any[]> = { ...(artifact.metadata ?? {}) };
  if (typeof artifact.additionalMetadataFile === 'string') {
    const file = assemblyFile(root, assemblyDir, artifact.additionalMetadataFile, `the metadata file of stack ${artifactId}`);
    if (fs.existsSync(file)) Object.assign(metadata, readJson(file));
  }
  const paths = new Map<string, string>();
  for (const [constructPath, entries] of Object.entries(metadata)) {
    for (const entry of Array.isArray(entries) ? entries : []) {
      if (entry?.type === 'aws:cdk:logicalId' && typeof entry.data === 'string') paths.set(entry.data, constructPath);
    }
  }
  return paths;
}

function codeDirectory(assemblyDir: string, code: any, metadata: any): { codeDirectory?: string; codeProblem?: string } {
  if (typeof code?.S3Key === 'string' && code.S3Key.endsWith('.zip')) {
    return { codeDirectory: assetDirectory(assemblyDir, code.S3Key) };
  }
  if (typeof metadata?.['aws:asset:path'] === 'string' && metadata['aws:asset:property'] === 'Code') {
    return { codeDirectory: path.resolve(assemblyDir, metadata['aws:asset:path']) };
  }
  if (code?.ZipFile !== undefined) return { codeProblem: 'its code is inline (ZipFile)' };
  if (code?.ImageUri !== undefined) return { codeProblem: 'its code is a container image' };
  return { codeProblem: 'its code is not an asset of this assembly' };
}

/** The code directory's real path when it is inside the assembly; otherwise no directory, and why. */
function confinedCode(
  root: string,
  code: { codeDirectory?: string; codeProblem?: string },
): { codeDirectory?: string; codeProblem?: string } {
  if (code.codeDirectory === undefined) return code;
  const real = realPathInside(root, code.codeDirectory);
  if (real === undefined) {
    return {
      codeProblem: `its code directory, ${code.codeDirectory}, resolves to a path outside the cloud assembly ${root} (or to a broken symlink), and cdk-rust only runs code inside the assembly`,
    };
  }
  return { codeDirectory: real };
}

const PSEUDO_PARAMETERS = new Set(['AWS::Region', 'AWS::AccountId', 'AWS::Partition', 'AWS::URLSuffix']);

/** The variables with literal values, and those whose values only resolve when deployed. */
export function environmentVariables(
  variables: unknown,
  env: { account?: string; region?: string },
): { environment: Record<string, string>; unresolved: string[] } {
  const environment: Record<string, string> = {};
  const unresolved: string[] = [];
  for (const [name, value] of Object.entries((variables ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      environment[name] = String(value);
      continue;
    }
    const ref = (value as any)?.Ref;
    if (typeof ref === 'string' && PSEUDO_PARAMETERS.has(ref)) {
      const resolved = pseudoParameter(ref, env);
      if (resolved !== undefined) {
        environment[name] = resolved;
        continue;
      }
    }
    unresolved.push(name);
  }
  return { environment, unresolved };
}

function pseudoParameter(name: string, env: { account?: string; region?: string }): string | undefined {
  const region = resolveRegion(env.region);
  switch (name) {
    case 'AWS::Region':
      return region;
    case 'AWS::AccountId':
      return env.account;
    case 'AWS::Partition':
      return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
    case 'AWS::URLSuffix':
      return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    default:
      return undefined;
  }
}

/** `aws://ACCOUNT/REGION`, where either may be `unknown-account` / `unknown-region`. */
function environmentOf(environment: unknown): [string | undefined, string | undefined] {
  const match = typeof environment === 'string' ? /^aws:\/\/([^/]+)\/([^/]+)$/.exec(environment) : null;
  if (!match) return [undefined, undefined];
  return [match[1].startsWith('unknown-') ? undefined : match[1], match[2].startsWith('unknown-') ? undefined : match[2]];
}

function numberOr(value: unknown, fallback: number): number {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : fallback;
}

function describe(fn: AssemblyFunction): string {
  return `  ${fn.constructPath ?? '(no construct path)'}  (logical id ${fn.logicalId} in stack ${fn.stackName})`;
}

function readJson(file: string): any {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch (error) {
    throw new CdkRustError(
      'INVALID_ASSEMBLY',
      `cannot read ${file}: ${(error as Error).message}`,
      'synthesize the app again so that the cloud assembly is complete.',
    );
  }
}
