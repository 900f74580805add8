/**
 * Where CDK stages a bundled asset, known before it is staged: `asset.<hash>` in the app's asset directory, the hash
 * being a SHA-256 of the custom asset hash and the bundling options as JSON (AssetStaging's rule for
 * `AssetHashType.CUSTOM` with bundling). The app's builds (app-builds.ts) use it to leave out of their group builds
 * what CDK will not ask for; a wrong guess costs only time (a build that runs alone, or a binary not used), never a
 * wrong asset, and test/bundling/staged-asset.test.ts compares it with CDK's own staging.
 */
import * as crypto from 'crypto';
import * as path from 'path';
import { BundlingOptions, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The directory CDK stages an asset with `assetHash` (custom) and `bundling` into, for an asset under `scope`. */
export function stagedAssetDir(scope: IConstruct, assetHash: string, bundling: BundlingOptions): string | undefined {
  const outdir = Stage.of(scope)?.assetOutdir;
  if (!outdir) return undefined;
  const hash = crypto.createHash('sha256').update(assetHash).update(JSON.stringify(bundling)).digest('hex');
  return path.resolve(outdir, `asset.${hash}`);
}
