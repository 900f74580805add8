import * as path from 'path';

/**
 * The directory of `assemblyDir` that `cdk synth` stages a file asset in, from the S3 key a template gives the
 * asset: `asset.<hash>` for the key `<hash>.zip` (the key without its `.zip`).
 */
export function assetDirectory(assemblyDir: string, s3Key: string): string {
  return path.join(assemblyDir, `asset.${s3Key.replace(/\.zip$/, '')}`);
}
