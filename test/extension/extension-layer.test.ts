import * as fs from 'fs';
import * as path from 'path';
import { Bundling } from '../../lib/bundling/bundling';
import { buildInto } from '../../lib/bundling/synth-build';
import { extensionLayer, writeExtensionLayer } from '../../lib/extension/extension-layer';
import { withFakeDocker } from '../bundling/fake-docker';
import { fixture, tempDir } from '../support';

describe('extension-layer: the binary at extensions/<name>, its name part of the hash', () => {
  const props = { manifestPath: fixture('hello'), builderImage: 'builder:1', forceDockerBundling: true };

  test('the layer holds only extensions/<name>, 0755', () => {
    const prepared = Bundling.prepare({ ...props, layout: extensionLayer('telemetry') }, { resolveImage: false });
    const outdir = path.join(tempDir('extension-layer'), 'asset');
    withFakeDocker(() => buildInto(prepared, outdir, writeExtensionLayer('telemetry', prepared.files)));
    expect(fs.readdirSync(outdir)).toEqual(['extensions']);
    expect(fs.readdirSync(path.join(outdir, 'extensions'))).toEqual(['telemetry']);
    expect(fs.statSync(path.join(outdir, 'extensions', 'telemetry')).mode & 0o777).toBe(0o755);
  });

  test("without a name the bin's name is hashed, as a layer named after the bin", () => {
    const hash = (name?: string) => Bundling.prepare({ ...props, layout: extensionLayer(name) }, { resolveImage: false }).assetHash;
    expect(hash()).toBe(hash('hello'));
    expect(hash('other')).not.toBe(hash());
  });
});
