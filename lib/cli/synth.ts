/**
 * Synth-only template generation: a one-function (or one-service) CDK app built in-process, for users with no
 * CDK app of their own. The output directory is a CDK cloud assembly (`cdk deploy --app DIR` deploys it) that
 * also holds `bootstrap.zip`, the function's code as Lambda takes it, or the service's image tarball.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { zipFiles } from '../bundling/zip';
import { RustBundlingOptions } from '../bundling/rust-bundling-options';
import { CdkRustError } from '../errors';
import { ArchitectureName, DEFAULT_ARCHITECTURE, toCpuArchitecture, toLambdaArchitecture } from '../private/architecture';
import { assetDirectory } from '../private/asset-directory';
import { OperationsDashboard } from '../dashboard/operations-dashboard';
import { RustFunction, RustFunctionProps } from '../function';
import { RustService, RustServiceProps } from '../service/rust-service';
import { withOutputLock } from './output-lock';

/** What `cdk-rust synth` takes. */
export interface SynthOptions {
  /** Path of the Cargo.toml to build. */
  readonly manifestPath: string;
  /** The bin to run, when there are several. */
  readonly binaryName?: string;
  /** The architecture to build for and run on. @default 'x86_64' */
  readonly architecture?: ArchitectureName;
  /** Email addresses subscribed to the topic of the alarms. */
  readonly alarmEmails?: string[];
  /** Add an OperationsDashboard to the stack. @default false */
  readonly dashboard?: boolean;
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
  /** The function's or service's environment variables, checked as the constructs check them. @default - none */
  readonly environment?: Record<string, string>;
  /** bundling.buildEnvironment: variables of the build. @default - none */
  readonly buildEnvironment?: Record<string, string>;
  /** bundling.buildSecrets: build secrets by id, each `env:NAME` or `file:PATH`. @default - none */
  readonly buildSecrets?: Record<string, string>;
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

/**
 * Builds the function and writes the cloud assembly, the template and `bootstrap.zip` into `outdir`, after any
 * other process writing (or deploying from) `outdir` is done.
 */
export function synthFunctionApp(options: SynthOptions): SynthResult {
  return withOutputLock(options.outdir, () => synthFunctionAppLocked(options));
}

function synthFunctionAppLocked(options: SynthOptions): SynthResult {
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
  const app = new App({ outdir: options.outdir });
  const stack = oneConstructStack(app, options);
  new RustFunction(stack, 'Function', functionProps(options));
  return { assembly: app.synth(), stack };
}

/** The app's one stack, with its OperationsDashboard when asked for (it finds the function or service at synth). */
export function oneConstructStack(app: App, options: SynthOptions): Stack {
  const stack = new Stack(app, 'Stack', { stackName: options.stackName ?? defaultStackName(options) });
  if (options.dashboard) new OperationsDashboard(stack, 'Dashboard');
  return stack;
}

/** The RustFunction the command line asks for. */
export function functionProps(options: SynthOptions): RustFunctionProps {
  return {
    manifestPath: options.manifestPath,
    binaryName: options.binaryName,
    architecture: toLambdaArchitecture(options.architecture ?? DEFAULT_ARCHITECTURE),
    errorRateAlarm: { emailSubscriptions: options.alarmEmails },
    environment: options.environment,
    bundling: { ...bundlingOf(options), forceDockerBundling: options.forceDockerBundling },
  };
}

/** The RustService the command line asks for. */
export function serviceProps(options: SynthServiceOptions): RustServiceProps {
  return {
    manifestPath: options.manifestPath,
    binaryName: options.binaryName,
    architecture: options.architecture === undefined ? undefined : toCpuArchitecture(options.architecture),
    port: options.port,
    healthCheckPath: options.healthCheckPath,
    containerHealthCheck: options.containerHealthCheckArgs ? { args: options.containerHealthCheckArgs } : undefined,
    alarms: { emailSubscriptions: options.alarmEmails },
    environment: options.environment,
    bundling: bundlingOf(options),
  };
}

/** The bundling options the command line sets, shared by functions and services. */
function bundlingOf(options: SynthOptions): RustBundlingOptions {
  return {
    knownHosts: options.knownHosts,
    features: options.features,
    builderImage: options.builderImage,
    buildEnvironment: options.buildEnvironment,
    buildSecrets: options.buildSecrets,
  };
}

function defaultStackName(options: SynthOptions): string {
  const base = options.binaryName ?? path.basename(path.dirname(path.resolve(options.manifestPath)));
  return `cdk-rust-${base}`.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 128);
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

/** What `cdk-rust synth --service` takes besides the common options. */
export interface SynthServiceOptions extends SynthOptions {
  /** The port the service listens on. @default 8080 */
  readonly port?: number;
  /** The load balancer's health-check path. @default '/health' */
  readonly healthCheckPath?: string;
  /** Arguments of the binary as the container health check (e.g. ['healthcheck']). @default - cdk-rust's health probe requesting healthCheckPath */
  readonly containerHealthCheckArgs?: string[];
}

/** What `cdk-rust synth --service` wrote. */
export interface SynthServiceResult {
  readonly stackName: string;
  readonly assemblyDir: string;
  readonly templateFile: string;
  /** The image archive CDK publishes (docker load, then push to the bootstrap repository). */
  readonly imageTarball: string;
}

/**
 * Builds the binary into a service image and writes the cloud assembly of a one-service app into `outdir`, after
 * any other process writing (or deploying from) `outdir` is done.
 */
export function synthServiceApp(options: SynthServiceOptions): SynthServiceResult {
  return withOutputLock(options.outdir, () => synthServiceAppLocked(options));
}

function synthServiceAppLocked(options: SynthServiceOptions): SynthServiceResult {
  let assembly: CloudAssembly;
  let stack: Stack;
  let service: RustService;
  try {
    const app = new App({ outdir: options.outdir });
    stack = oneConstructStack(app, options);
    service = new RustService(stack, 'Service', serviceProps(options));
    assembly = app.synth();
  } catch (error) {
    throw CdkRustError.unwrap(error) ?? error;
  }
  const artifact = assembly.getStackArtifact(stack.artifactId);
  const tarball = service.image.tarballAsset;
  const imageTarball = tarball ? path.join(assembly.directory, `asset.${tarball.assetHash}.tar`) : '';
  if (!fs.existsSync(imageTarball)) {
    throw new CdkRustError(
      'ASSET_NOT_FOUND',
      `no image tarball was found in the cloud assembly at ${assembly.directory}.`,
      'synth again into an empty --out directory; if it persists, report it as a cdk-rust bug.',
    );
  }
  return {
    stackName: artifact.stackName,
    assemblyDir: assembly.directory,
    templateFile: path.join(assembly.directory, artifact.templateFile),
    imageTarball,
  };
}
