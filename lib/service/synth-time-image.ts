/**
 * A RustServiceImage's image, built at synth time when, and only when, its hash is new: the build is registered with
 * the app's builds (lib/bundling/app-builds.ts), which stage the image archive once the app is complete, so that a
 * service shares one cargo build with the functions of its workspace. Until then the image's name is a lazy token;
 * container definitions that use it are given pull rights on the asset's repository once it exists, as CDK's own
 * ECR images give them.
 */
import { AssetHashType, AssetStaging, BundlingOutput, Lazy } from 'aws-cdk-lib';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AppBuilds } from '../bundling/app-builds';
import { WriteOutput } from '../bundling/output-layout';
import { PreparedBuild } from '../bundling/prepared-build';

/** The archive's name in the staged asset directory. */
export const IMAGE_ARCHIVE = 'image.tar';

/** The image as a tarball asset of `scope` (ids `Build` and `Image`), staged when the app's builds run. */
export class SynthTimeImage extends ecs.ContainerImage {
  /** The published tarball, once the app's builds have run. */
  public asset?: ecrAssets.TarballImageAsset;
  private readonly pullers: iam.IRole[] = [];

  /** `imageHash`: the image's hash (its build's and its settings'); `write`: the image writer. */
  constructor(scope: Construct, prepared: PreparedBuild, imageHash: string, write: WriteOutput) {
    super();
    addImageBuild(scope, prepared, imageHash, write, (asset) => {
      this.asset = asset;
      for (const role of this.pullers.splice(0)) asset.repository.grantPull(role);
    });
  }

  public bind(_scope: Construct, containerDefinition: ecs.ContainerDefinition): ecs.ContainerImageConfig {
    const role = containerDefinition.taskDefinition.obtainExecutionRole();
    if (this.asset) this.asset.repository.grantPull(role);
    else this.pullers.push(role);
    return { imageName: Lazy.string({ produce: () => this.staged().repository.repositoryUriForTag(this.staged().imageTag) }) };
  }

  private staged(): ecrAssets.TarballImageAsset {
    if (!this.asset) throw new Error('cdk-rust: a service image was never built: it was created after its app was synthesized');
    return this.asset;
  }
}

/**
 * Registers the build of an image (a service's, or a function's: image-function/) with the app's builds: once they
 * have run, the image archive is staged under `scope` (id `Build`) and published as a TarballImageAsset (id
 * `Image`), handed to `staged`.
 */
export function addImageBuild(
  scope: Construct,
  prepared: PreparedBuild,
  imageHash: string,
  write: WriteOutput,
  staged: (asset: ecrAssets.TarballImageAsset) => void,
): void {
  AppBuilds.of(scope).add({
    scope,
    prepared,
    where: scope.node.path,
    assetHash: imageHash,
    write,
    // The output is one .tar file, which CDK would otherwise stage as the asset itself, not as a directory.
    outputType: BundlingOutput.NOT_ARCHIVED,
    stage: (bundling) => {
      const staging = new AssetStaging(scope, 'Build', {
        sourcePath: prepared.plan.workspaceRoot,
        assetHash: imageHash,
        assetHashType: AssetHashType.CUSTOM,
        bundling,
      });
      staged(new ecrAssets.TarballImageAsset(scope, 'Image', { tarballFile: `${staging.absoluteStagedPath}/${IMAGE_ARCHIVE}` }));
    },
  });
}
