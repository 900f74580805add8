/**
 * The synth-time build every construct uses (RustFunction, RustExtension, RustServiceImage).
 *
 * It plugs into CDK's asset staging with the prepared build's hash, computed from the sources before any build, so
 * CDK skips the build when `cdk.out/asset.<hash>` exists already, and skips it for stacks that are not being
 * synthesized (`Stack.bundlingRequired`). The build itself runs once as CDK "local" bundling (run-build.ts), then
 * the construct's own output layout writes the asset (output-layout.ts): a zip folder, a layer folder or an image.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AssetHashType, BundlingOptions, BundlingOutput, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CdkRustError } from '../errors';
import { WriteOutput } from './output-layout';
import { PreparedBuild } from './prepared-build';
import { BuildOutput, runBuild } from './run-build';

/** Where the build runs inside the asset directory; removed once the layout has written the asset. */
const BUILD_DIR = '.cdk-rust-build';

/**
 * Builds `prepared` once and lays it out in `outputDir` with `write`. On failure nothing is left behind: `outputDir`
 * is removed and the error is thrown.
 */
export function buildInto(prepared: PreparedBuild, outputDir: string, write: WriteOutput): BuildOutput {
  fs.rmSync(outputDir, { recursive: true, force: true });
  const buildDir = path.join(outputDir, BUILD_DIR);
  try {
    const built = runBuild(prepared, buildDir);
    write(built, outputDir);
    return built;
  } catch (error) {
    fs.rmSync(outputDir, { recursive: true, force: true });
    throw error;
  } finally {
    fs.rmSync(buildDir, { recursive: true, force: true });
  }
}

/**
 * CDK bundling options that build `prepared` in `local.tryBundle` ({@link buildInto}); errors name `where` (the
 * construct). `outputType` as CDK's: NOT_ARCHIVED for an asset that is one file but not an archive to unpack.
 */
export function synthTimeBundling(
  prepared: PreparedBuild,
  where: string | undefined,
  write: WriteOutput,
  outputType?: BundlingOutput,
): BundlingOptions {
  return {
    // Never run: cdk-rust builds in `local.tryBundle`, which always succeeds or throws.
    image: DockerImage.fromRegistry('cdk-rust-builds-with-buildkit'),
    ...(outputType ? { outputType } : {}),
    local: {
      tryBundle: (outputDir: string) => {
        try {
          buildInto(prepared, outputDir, write);
        } catch (error) {
          throw where ? CdkRustError.inConstruct(error, where) : error;
        }
        return true;
      },
    },
  };
}

/** Lambda code (a function's or a layer's) built at synth time when, and only when, its hash is new. */
export function synthTimeCode(prepared: PreparedBuild, where: string | undefined, write: WriteOutput): lambda.AssetCode {
  return lambda.Code.fromAsset(prepared.plan.workspaceRoot, {
    assetHash: prepared.assetHash,
    assetHashType: AssetHashType.CUSTOM,
    bundling: synthTimeBundling(prepared, where, write),
  });
}
