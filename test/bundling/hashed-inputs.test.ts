import * as fs from 'fs';
import * as path from 'path';
import { Bundling } from '../../lib/bundling/bundling';
import { copyFixture } from '../support';

/** The asset hash of each bin of a copy of the workspace fixture (alpha, beta, gamma; a `shared` library crate). */
function hashes(root: string): Record<string, string> {
  return Object.fromEntries(
    ['alpha', 'beta', 'gamma'].map((binaryName) => [
      binaryName,
      Bundling.prepare(
        { manifestPath: path.join(root, 'Cargo.toml'), binaryName, builderImage: 'builder:1', forceDockerBundling: true },
        { resolveImage: false },
      ).assetHash,
    ]),
  );
}

function edit(root: string, relative: string): void {
  fs.appendFileSync(path.join(root, relative), relative.endsWith('.rs') ? '\n// edited\n' : '\n# edited\n');
}

describe('hashed-inputs: an edit changes the assets of the bins it can change, and only those', () => {
  test("an edit to one function's own crate changes only that function's hash", () => {
    const root = copyFixture('workspace');
    const before = hashes(root);
    edit(root, 'functions/beta/src/main.rs');
    const after = hashes(root);
    expect(after.beta).not.toBe(before.beta);
    expect(after.alpha).toBe(before.alpha);
    expect(after.gamma).toBe(before.gamma);
  });

  test('an edit to a crate the functions depend on by path, or to Cargo.lock, changes every hash', () => {
    for (const file of ['crates/shared/src/lib.rs', 'Cargo.lock', 'Cargo.toml']) {
      const root = copyFixture('workspace');
      const before = hashes(root);
      edit(root, file);
      const after = hashes(root);
      for (const bin of ['alpha', 'beta', 'gamma']) expect(after[bin]).not.toBe(before[bin]);
    }
  });
});
