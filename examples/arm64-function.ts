import * as path from 'path';
import { Stack, StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { RustFunction } from '../lib';

/** The same crate on Graviton: the architecture picks the aarch64 musl target, so binary and function always match. */
export class Arm64FunctionStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    new RustFunction(this, 'Greeter', {
      manifestPath: path.join(__dirname, 'greeter', 'Cargo.toml'),
      architecture: lambda.Architecture.ARM_64,
      memorySize: 128,
    });
  }
}
