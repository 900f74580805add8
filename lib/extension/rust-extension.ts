/**
 * RustExtension: a Lambda extension built from a Cargo project, as a layer holding `extensions/<name>`.
 */
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { Bundling } from '../bundling/bundling';
import { SynthTimeCode } from '../bundling/synth-time-code';
import { ArtifactFile } from '../bundling/artifact-file';
import { RustBundlingOptions } from '../bundling/rust-bundling-options';
import { CdkRustError } from '../errors';
import { fromLambdaArchitecture, lambdaArchitectureCode } from '../private/architecture';
import { extensionLayer, writeExtensionLayer } from './extension-layer';

/** Properties of a {@link RustExtension}. */
export interface RustExtensionProps {
  /**
   * Path of the Cargo.toml of the extension's package, or of its workspace.
   *
   * An extension in the same workspace as its functions shares their build cache: the dependencies they have
   * in common compile once.
   */
  readonly manifestPath: string;

  /**
   * The bin target to build.
   *
   * @default - the package's only bin; required when the package (or workspace root) has several
   */
  readonly binaryName?: string;

  /**
   * The extension's name: its file name under `/opt/extensions`, which Lambda starts before the function's
   * runtime, and the name it registers with (`Lambda-Extension-Name`).
   *
   * Letters, digits, `-` and `_`, at most 64 characters.
   *
   * @default - the bin's name
   */
  readonly extensionName?: string;

  /**
   * The architecture the extension is built for. Only functions of the same architecture can use it: Lambda
   * would fail to start the other's binary (`Exec format error`), so RustFunction refuses the mix at synth time.
   *
   * @default lambda.Architecture.X86_64
   */
  readonly architecture?: lambda.Architecture;

  /**
   * How the binary is built (the same options as a RustFunction's).
   *
   * @default - a static musl build for the architecture, in Docker with BuildKit
   */
  readonly bundling?: RustBundlingOptions;

  /**
   * Project files and directories shipped in the layer beside `extensions/`, such as the extension's
   * configuration: Lambda unpacks the layer in `/opt`, so `{ source: 'config.toml' }` is `/opt/config.toml`.
   * A destination under `extensions/` is refused (Lambda would start it as an extension). See {@link ArtifactFile}.
   *
   * @default - only the extension's binary
   */
  readonly files?: ArtifactFile[];

  /**
   * The layer's description.
   *
   * @default - "Lambda extension <name>, built by cdk-rust"
   */
  readonly description?: string;

  /**
   * The layer's name.
   *
   * @default - a name CloudFormation derives from the construct
   */
  readonly layerVersionName?: string;
}

/**
 * A Lambda extension built from a Cargo project: a layer whose only file is the static binary, at
 * `extensions/<extensionName>` (mode 0755), for one architecture.
 *
 * Built exactly like a RustFunction (the same options, cache and hash: nothing is built when nothing changed),
 * and usable by any function of its architecture that runs on Amazon Linux 2023 or 2: give it to a RustFunction
 * with `extensions` (which checks the architecture), or to any function with `layers: [extension.layer]`.
 *
 * @example
 * const telemetry = new RustExtension(this, 'Telemetry', { manifestPath: 'extensions/telemetry/Cargo.toml' });
 * new RustFunction(this, 'Api', { manifestPath: 'api/Cargo.toml', extensions: [telemetry] });
 */
export class RustExtension extends Construct {
  /** The layer holding the extension. */
  public readonly layer: lambda.LayerVersion;

  /** The extension's name: its file under `/opt/extensions`. */
  public readonly extensionName: string;

  /** The architecture the extension runs on. */
  public readonly architecture: lambda.Architecture;

  /**
   * @param scope the construct to create the extension's layer in
   * @param id the construct id, unique within `scope`
   * @param props the Cargo project, its build, and the extension's name and architecture
   */
  constructor(scope: Construct, id: string, props: RustExtensionProps) {
    super(scope, id);
    this.architecture = props.architecture ?? lambda.Architecture.X86_64;
    if (props.extensionName !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(props.extensionName)) {
      throw new CdkRustError(
        'INVALID_PROP',
        `extensionName: "${props.extensionName}" is not a valid extension name.`,
        'use 1 to 64 letters, digits, "-" and "_" (it becomes a file name under /opt/extensions).',
        this.node.path,
      );
    }
    const prepared = Bundling.prepareFor(
      {
        ...props.bundling,
        manifestPath: props.manifestPath,
        binaryName: props.binaryName,
        architecture: this.architecture,
        files: props.files,
        layout: extensionLayer(props.extensionName),
      },
      this,
    );
    this.extensionName = props.extensionName ?? prepared.plan.binaryName;
    const code = new SynthTimeCode(prepared, this.node.path, writeExtensionLayer(this.extensionName, prepared.files));
    this.layer = new lambda.LayerVersion(this, 'Layer', {
      code,
      compatibleArchitectures: [this.architecture],
      description: props.description ?? `Lambda extension ${this.extensionName}, built by cdk-rust`,
      layerVersionName: props.layerVersionName,
    });
  }
}

/**
 * Checks that every extension of a function runs on the function's architecture; throws naming the
 * prop (`extensions[i]`), the function and the fix otherwise.
 */
export function checkExtensionArchitectures(
  extensions: readonly RustExtension[],
  architecture: lambda.Architecture,
  constructPath: string,
  prop = 'extensions',
): void {
  extensions.forEach((extension, i) => {
    if (extension.architecture.name !== architecture.name) {
      throw new CdkRustError(
        'ARCHITECTURE_MISMATCH',
        `${prop.endsWith(')') ? prop : `${prop}[${i}]`}: the extension ${extension.node.path} is built for ${extension.architecture.name}, but the function runs on ` +
          `${architecture.name}; Lambda could not start it.`,
        `give the RustExtension architecture: ${lambdaArchitectureCode(fromLambdaArchitecture(architecture))} ` +
          '(or make one extension per architecture).',
        constructPath,
      );
    }
  });
}
