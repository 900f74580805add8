import * as path from 'path';
import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { RustExtension, RustFunction } from '../lib';

/**
 * A function with a Lambda extension built from Rust: `RustExtension` makes a layer holding
 * `extensions/telemetry-extension`, and the function takes it with `extensions` (which checks that both are
 * built for the same architecture).
 */
export class ExtensionFunctionStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const telemetry = new RustExtension(this, 'Telemetry', {
      manifestPath: path.join(__dirname, 'telemetry-extension', 'Cargo.toml'),
    });
    new RustFunction(this, 'Greeter', {
      manifestPath: path.join(__dirname, 'greeter', 'Cargo.toml'),
      extensions: [telemetry],
    });
  }
}
