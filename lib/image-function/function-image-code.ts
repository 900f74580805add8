/**
 * A function's container image as Lambda code: built at synth time by the app's builds (as every cdk-rust asset is,
 * so that the function shares one cargo build with the rest of its workspace), published as a TarballImageAsset, and
 * bound as `lambda.Code.fromEcrImage(asset.repository, { tagOrDigest: asset.imageTag })` once it exists. Until then
 * the image URI is a lazy token. In a stack that is not being synthesized nothing is built, and the URI names the
 * image that would have been (`cdk-rust/<bin>:<hash>`), as a RustServiceImage's does.
 */
import { Lazy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { addImageBuild } from '../service/synth-time-image';
import { PreparedFunctionImage } from './function-image';

/** A function image, as the code of one function. */
export class FunctionImageCode extends lambda.Code {
  public readonly isInline = false;
  private boundTo?: Construct;
  private imageUri?: string;

  constructor(private readonly image: PreparedFunctionImage) {
    super();
  }

  public bind(scope: Construct): lambda.CodeConfig {
    const { prepared, planned, imageHash, write } = this.image;
    if (this.boundTo && this.boundTo !== scope) {
      throw new Error(`cdk-rust: the image of ${planned.binaryName} is already used by ${this.boundTo.node.path}`);
    }
    if (!Stack.of(scope).bundlingRequired) return { image: { imageUri: planned.repoTag } };
    if (!this.boundTo) {
      this.boundTo = scope;
      addImageBuild(scope, prepared, imageHash, write, (asset) => {
        // CDK's own image code: pull rights for Lambda, and the URI of the asset's tag in the bootstrap repository.
        const code = lambda.Code.fromEcrImage(asset.repository, { tagOrDigest: asset.imageTag }).bind(scope);
        this.imageUri = code.image?.imageUri;
      });
    }
    return { image: { imageUri: Lazy.string({ produce: () => this.staged() }) } };
  }

  private staged(): string {
    if (this.imageUri === undefined) {
      throw new Error(
        `cdk-rust: the image of ${this.image.planned.binaryName} was never built: it was created after its app was synthesized`,
      );
    }
    return this.imageUri;
  }
}
