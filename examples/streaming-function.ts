import * as path from 'path';
import { Stack, StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { OperationsDashboard, RustFunction } from '../lib';

/**
 * Response streaming: a function on `lambda_runtime::streaming` behind a function URL in RESPONSE_STREAM mode (AWS_IAM
 * auth, the default: call it with SigV4-signed requests of a principal granted `grantInvokeUrl`). The stack's
 * OperationsDashboard shows it with its alarms.
 */
export class StreamingFunctionStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    new RustFunction(this, 'Lines', {
      manifestPath: path.join(__dirname, 'streaming', 'Cargo.toml'),
      functionUrl: { invokeMode: lambda.InvokeMode.RESPONSE_STREAM },
    });
    // Every RustFunction and RustService of the stack, with their alarms, found at synth time.
    new OperationsDashboard(this, 'Dashboard');
  }
}
