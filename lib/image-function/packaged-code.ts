/**
 * A RustFunction's code as its `packaging` asks: the zip (`bootstrap` on provided.al2023) or the container image
 * (function-image.ts), with the runtime and handler Lambda needs for each. Both come from the same plan and build.
 */
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { Bundling, BundlingProps } from '../bundling/bundling';
import { BuildPlan } from '../bundling/plan';
import { FunctionPackaging } from '../function-packaging';
import { prepareFunctionImage } from './function-image';
import { FunctionImageCode } from './function-image-code';

/** The function's code, the Lambda props that go with it, and its build's plan and hash (for the build record). */
export interface PackagedCode {
  readonly lambdaProps: Pick<lambda.FunctionProps, 'code' | 'runtime' | 'handler'>;
  readonly plan: BuildPlan;
  readonly assetHash: string;
}

/** The code of a function built from `build`, packaged as `packaging` says; `runtime` is the zip's runtime. */
export function packagedCode(
  packaging: FunctionPackaging | undefined,
  runtime: lambda.Runtime,
  build: BundlingProps,
  scope: Construct,
  id: string,
): PackagedCode {
  if (packaging === FunctionPackaging.IMAGE) {
    const image = prepareFunctionImage(build, scope, id);
    return {
      lambdaProps: { code: new FunctionImageCode(image), runtime: lambda.Runtime.FROM_IMAGE, handler: lambda.Handler.FROM_IMAGE },
      plan: image.prepared.plan,
      assetHash: image.prepared.assetHash,
    };
  }
  const bundled = Bundling.bundleWithPlan(build, scope, id);
  return { lambdaProps: { code: bundled.code, runtime, handler: 'bootstrap' }, plan: bundled.plan, assetHash: bundled.assetHash };
}
