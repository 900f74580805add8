/**
 * Lambda code (a function's or a layer's) built at synth time when, and only when, its hash is new: the build is
 * registered with the app's builds (app-builds.ts), which create the asset once the app is complete, so that
 * functions of one workspace share one cargo build. Until then the code's S3 location is a lazy token.
 */
import { AssetHashType, CfnResource, Lazy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { AppBuilds } from './app-builds';
import { WriteOutput } from './output-layout';
import { PreparedBuild } from './prepared-build';
import { synthTimeBundling } from './synth-build';

/** Lambda code built by the app's builds; bound once, like CDK's own asset code. */
export class SynthTimeCode extends lambda.Code {
  public readonly isInline = false;
  private asset?: s3assets.Asset;
  private readonly resources: { resource: CfnResource; property: string }[] = [];
  private boundTo?: Construct;

  /** `where`: the construct errors name; `write`: the construct's output layout. */
  constructor(
    private readonly prepared: PreparedBuild,
    private readonly where: string | undefined,
    private readonly write: WriteOutput,
  ) {
    super();
  }

  public bind(scope: Construct): lambda.CodeConfig {
    if (this.boundTo && this.boundTo !== scope) {
      throw new Error(`cdk-rust: the code of ${this.where ?? this.prepared.plan.binaryName} is already used by ${this.boundTo.node.path}`);
    }
    if (!this.boundTo) {
      this.boundTo = scope;
      this.register(scope);
    }
    return {
      s3Location: {
        bucketName: Lazy.string({ produce: () => this.staged().s3BucketName }),
        objectKey: Lazy.string({ produce: () => this.staged().s3ObjectKey }),
      },
    };
  }

  public bindToResource(resource: CfnResource, options: lambda.ResourceBindOptions = {}): void {
    const property = options.resourceProperty ?? 'Code';
    if (this.asset) this.asset.addResourceMetadata(resource, property);
    else this.resources.push({ resource, property });
  }

  /** Registers the build, or for a stack that is not being synthesized, stages nothing (as CDK does) right away. */
  private register(scope: Construct): void {
    const { prepared, where, write } = this;
    const stage = (bundling: ReturnType<typeof synthTimeBundling>) => {
      this.asset = new s3assets.Asset(scope, 'Code', {
        path: prepared.plan.workspaceRoot,
        assetHash: prepared.assetHash,
        assetHashType: AssetHashType.CUSTOM,
        bundling,
        deployTime: true,
      });
      for (const { resource, property } of this.resources.splice(0)) this.asset.addResourceMetadata(resource, property);
    };
    if (!Stack.of(scope).bundlingRequired) {
      stage(synthTimeBundling(prepared, where, write));
      return;
    }
    AppBuilds.of(scope).add({ scope, prepared, where, assetHash: prepared.assetHash, write, stage });
  }

  private staged(): s3assets.Asset {
    if (!this.asset) {
      throw new Error(
        `cdk-rust: the code of ${this.where ?? this.prepared.plan.binaryName} was never built: it was created after its app was synthesized`,
      );
    }
    return this.asset;
  }
}
