/**
 * The synth-time build every construct uses (RustFunction, RustExtension, RustServiceImage).
 *
 * It plugs into CDK's asset staging with the prepared build's hash, computed from the sources before any build, so
 * CDK skips the build when `cdk.out/asset.<hash>` exists already, and skips it for stacks that are not being
 * synthesized (`Stack.bundlingRequired`). The build runs as CDK "local" bundling: the binary comes from the app's
 * group build when one served it (app-builds.ts), or from a build of its own (run-build.ts); then the construct's
 * own output layout writes the asset (output-layout.ts): a zip folder, a layer folder or an image.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BundlingOptions, BundlingOutput, DockerImage } from 'aws-cdk-lib';
import { CdkRustError } from '../errors';
import { takeExport } from './build-export';
import { WriteOutput } from './output-layout';
import { PreparedBuild } from './prepared-build';
import { BuildOutput, RunBuildOptions, runBuild } from './run-build';

/** Where the build runs inside the asset directory; removed once the layout has written the asset. */
const BUILD_DIR = '.cdk-rust-build';

/**
 * Builds `prepared` once, or takes the export of a group build that built it (`prebuilt`: a directory holding what
 * its own build would have exported, checked already), and lays it out in `outputDir` with `write`. On failure
 * nothing is left behind: `outputDir` is removed and the error is thrown.
 */
export function buildInto(
  prepared: PreparedBuild,
  outputDir: string,
  write: WriteOutput,
  prebuilt?: string,
  options: RunBuildOptions = {},
): BuildOutput {
  fs.rmSync(outputDir, { recursive: true, force: true });
  const buildDir = path.join(outputDir, BUILD_DIR);
  try {
    const built = prebuilt ? takePrebuilt(prepared, prebuilt, buildDir) : runBuild(prepared, buildDir, options);
    write(built, outputDir);
    return built;
  } catch (error) {
    fs.rmSync(outputDir, { recursive: true, force: true });
    throw error;
  } finally {
    fs.rmSync(buildDir, { recursive: true, force: true });
  }
}

/** A group build's export for `prepared`, moved into `buildDir` as its own build would have left it. */
function takePrebuilt(prepared: PreparedBuild, prebuilt: string, buildDir: string): BuildOutput {
  fs.mkdirSync(buildDir, { recursive: true });
  return { log: '', ...takeExport(prepared.plan, prepared.image, prebuilt, buildDir) };
}

/**
 * CDK bundling options that build `prepared` in `local.tryBundle` ({@link buildInto}); errors name `where` (the
 * construct). `outputType` as CDK's: NOT_ARCHIVED for an asset that is one file but not an archive to unpack.
 * `prebuilt`: asked when CDK bundles, the export of a group build that built it already, if any.
 */
export function synthTimeBundling(
  prepared: PreparedBuild,
  where: string | undefined,
  write: WriteOutput,
  outputType?: BundlingOutput,
  prebuilt?: () => string | undefined,
): BundlingOptions {
  return {
    // Never run: cdk-rust builds in `local.tryBundle`, which always succeeds or throws.
    image: DockerImage.fromRegistry('cdk-rust-builds-with-buildkit'),
    ...(outputType ? { outputType } : {}),
    local: {
      tryBundle: (outputDir: string) => {
        try {
          buildInto(prepared, outputDir, write, prebuilt?.());
        } catch (error) {
          throw where ? CdkRustError.inConstruct(error, where) : error;
        }
        return true;
      },
    },
  };
}
