/**
 * Synth-only template generation: a one-function CDK app built in-process, for users with no CDK app
 * of their own. The output directory is a CDK cloud assembly (`cdk deploy --app DIR` deploys it) that
 * also holds `bootstrap.zip`, the function's code as Lambda takes it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { zipFiles } from '../bundling/zip';
import { CdkRustError } from '../errors';
import { assetDirectory } from '../private/asset-directory';
import { RustFunction } from '../function';

/** What `cdk-rust synth` takes. */
export interface SynthOptions {
  /** Path of the Cargo.toml to build. */
  readonly manifestPath: string;
  /** The bin to run, when there are several. */
  readonly binaryName?: string;
  /** `x86_64` or `arm64`. @default 'x86_64' */
  readonly architecture?: string;
  /** Email addresses subscribed to the error-rate alarm's topic. */
  readonly alarmEmails?: string[];
  /** Where the cloud assembly is written. */
  readonly outdir: string;
  /** The CloudFormation stack name. @default - `cdk-rust-<binary name, or the crate's directory name>` */
  readonly stackName?: string;
  /** Pinned known_hosts lines for private git dependencies. */
  readonly knownHosts?: string[];
  /** Cargo features to enable. */
  readonly features?: string[];
  /** The builder image. */
  readonly builderImage?: string;
  /** Build in Docker even when the host could. */
  readonly forceDockerBundling?: boolean;
}

/** What `cdk-rust synth` wrote. */
export interface SynthResult {
  readonly stackName: string;
  /** The cloud assembly directory (for `cdk deploy --app`). */
  readonly assemblyDir: string;
  /** The CloudFormation template. */
  readonly templateFile: string;
  /** The function's code: a zip holding `bootstrap` (0755). */
  readonly zipFile: string;
}

/** Builds the function and writes the cloud assembly, the template and `bootstrap.zip` into `outdir`. */
export function synthFunctionApp(options: SynthOptions): SynthResult {
  let assembly;
  let stack: Stack;
  try {
    ({ assembly, stack } = buildApp(options));
  } catch (error) {
    // CDK builds assets while constructing and reports a failed build as its own error with ours
    // inside as text: report ours.
    throw CdkRustError.unwrap(error) ?? error;
  }
  const artifact = assembly.getStackArtifact(stack.artifactId);
  const templateFile = path.join(assembly.directory, artifact.templateFile);
  const bootstrap = findBootstrap(assembly.directory, templateFile);
  const zipFile = path.join(assembly.directory, 'bootstrap.zip');
  fs.writeFileSync(zipFile, zipFiles([{ name: 'bootstrap', content: fs.readFileSync(bootstrap), mode: 0o755 }]));
  return { stackName: artifact.stackName, assemblyDir: assembly.directory, templateFile, zipFile };
}

/** The one-function app, synthesized: building the function happens while it is constructed. */
function buildApp(options: SynthOptions): { assembly: CloudAssembly; stack: Stack } {
  const architecture = architectureFrom(options.architecture ?? 'x86_64');
  const app = new App({ outdir: options.outdir });
  const stack = new Stack(app, 'Stack', { stackName: options.stackName ?? defaultStackName(options) });
  new RustFunction(stack, 'Function', {
    manifestPath: options.manifestPath,
    binaryName: options.binaryName,
    architecture,
    errorRateAlarm: { emailSubscriptions: options.alarmEmails },
    bundling: {
      knownHosts: options.knownHosts,
      features: options.features,
      builderImage: options.builderImage,
      forceDockerBundling: options.forceDockerBundling,
    },
  });
  return { assembly: app.synth(), stack };
}

function defaultStackName(options: SynthOptions): string {
  const base = options.binaryName ?? path.basename(path.dirname(path.resolve(options.manifestPath)));
  return `cdk-rust-${base}`.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 128);
}

function architectureFrom(name: string): lambda.Architecture {
  if (name === 'x86_64' || name === 'amd64') return lambda.Architecture.X86_64;
  if (name === 'arm64' || name === 'aarch64') return lambda.Architecture.ARM_64;
  throw new CdkRustError('CLI_USAGE', `--arch: "${name}" is not an architecture Lambda runs.`, 'use --arch x86_64 or --arch arm64.');
}

/** The `bootstrap` of the template's function: its asset directory is named after the S3 key's hash. */
function findBootstrap(assemblyDir: string, templateFile: string): string {
  const resources = JSON.parse(fs.readFileSync(templateFile, 'utf-8')).Resources as Record<string, { Type: string; Properties?: any }>;
  for (const resource of Object.values(resources)) {
    const key = resource.Type === 'AWS::Lambda::Function' ? resource.Properties?.Code?.S3Key : undefined;
    const candidate = typeof key === 'string' ? path.join(assetDirectory(assemblyDir, key), 'bootstrap') : undefined;
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  throw new CdkRustError(
    'ASSET_NOT_FOUND',
    `no bootstrap was found in the cloud assembly at ${assemblyDir}.`,
    'synth again into an empty --out directory; if it persists, report it as a cdk-rust bug.',
  );
}
