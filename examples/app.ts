#!/usr/bin/env node
/**
 * The examples app, synthesized by the top-level cdk.json (`npm run synth`). cdk-nag's AwsSolutions
 * and Serverless packs run on every stack: any unacknowledged finding fails the synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { Arm64FunctionStack } from './arm64-function';
import { ExistingServiceStack } from './existing-stack';
import { ExtensionFunctionStack } from './extension-function';
import { GoAndRustStack } from './go-and-rust';
import { ManagedInstancesStack } from './managed-instances';
import { PlainFunctionStack } from './plain-function';
import { PrivateDependencyStack, exampleKnownHosts } from './private-dependency';
import { RustServiceStack } from './rust-service';
import { StreamingFunctionStack } from './streaming-function';

const app = new App();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));

new PlainFunctionStack(app, 'CdkRustPlainFunction');
new PrivateDependencyStack(app, 'CdkRustPrivateDependency', { knownHosts: exampleKnownHosts() });
new ExistingServiceStack(app, 'CdkRustExistingService');
new Arm64FunctionStack(app, 'CdkRustArm64Function');
new GoAndRustStack(app, 'CdkRustGoAndRust');
new ExtensionFunctionStack(app, 'CdkRustExtension');
new StreamingFunctionStack(app, 'CdkRustStreaming');
new ManagedInstancesStack(app, 'CdkRustManagedInstances');
// A region, so that the load balancer can keep access logs (ELB writes them from a regional account).
new RustServiceStack(app, 'CdkRustService', { env: { region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' } });

app.synth();
