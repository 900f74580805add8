import * as path from 'path';
import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { RustFunction } from '../lib';

/** The plainest use: one Cargo project, one monitored function, every default. */
export class PlainFunctionStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    new RustFunction(this, 'Greeter', {
      manifestPath: path.join(__dirname, 'greeter', 'Cargo.toml'),
    });
  }
}
