import * as fs from 'fs';
import * as path from 'path';
import { App, AssetHashType, AssetStaging, BundlingOutput, DockerImage, Stack } from 'aws-cdk-lib';
import { stagedAssetDir } from '../../lib/bundling/staged-asset';
import { tempDir } from '../support';

describe("staged-asset: cdk-rust knows CDK's staging directory of a bundled asset before CDK stages it", () => {
  test.each([[undefined], [BundlingOutput.NOT_ARCHIVED]])('the prediction is where AssetStaging puts it (output type %s)', (outputType) => {
    const app = new App({ outdir: tempDir('staged-asset-out') });
    const stack = new Stack(app, 'Stack');
    const source = tempDir('staged-asset-src');
    const bundling = {
      image: DockerImage.fromRegistry('never-run'),
      ...(outputType ? { outputType } : {}),
      local: { tryBundle: (dir: string) => (fs.writeFileSync(path.join(dir, 'bootstrap'), 'x'), true) },
    };
    const predicted = stagedAssetDir(stack, 'abc123', bundling);
    expect(predicted && fs.existsSync(predicted)).toBe(false);
    const staging = new AssetStaging(stack, 'Asset', {
      sourcePath: source,
      assetHash: 'abc123',
      assetHashType: AssetHashType.CUSTOM,
      bundling,
    });
    expect(staging.absoluteStagedPath).toBe(predicted);
  });
});
