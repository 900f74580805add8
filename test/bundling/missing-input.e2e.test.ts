/**
 * A real Docker build that fails on a file cdk-rust left out of its build context: the error says so, names the
 * file and keeps cargo's own output, instead of sending the user after their code.
 */
import * as path from 'path';
import { Bundling } from '../../lib/bundling/bundling';
import { captureStderr, copyFixture, devEnv, expectCdkRustError, tempDir } from '../support';

describe("missing-input: a build failing on a file outside the build context says it is cdk-rust's context", () => {
  test('include_str! of ../../shared/greeting.txt, outside every member and path dependency, is named as left out', () => {
    const env = devEnv();
    const repo = copyFixture('outside-include');
    const prepared = Bundling.prepare({
      manifestPath: path.join(repo, 'app', 'Cargo.toml'),
      builderImage: env.builderImage,
      forceDockerBundling: true,
    });
    expectCdkRustError(
      () => captureStderr(() => Bundling.build(prepared, tempDir('outside-include-out'))),
      'BUILD_FAILED',
      // cargo's own output is kept
      "couldn't read",
      'greeting.txt',
      // and whose fault it is
      'cdk-rust left out of its build context: ../shared/greeting.txt (outside every workspace member and path dependency',
      'Fix: Add the file or its directory to bundling.include',
    );
  });
});
