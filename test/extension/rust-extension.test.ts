/**
 * RustExtension: a layer holding `extensions/<name>`, architecture-matched to the functions that use it.
 * Builds are skipped here (bundling-stacks is empty); the real build is in test/extension/rust-extension.e2e.test.ts.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RustExtension, RustFunction } from '../../lib';
import { Bundling } from '../../lib/bundling/bundling';
import { extensionLayer } from '../../lib/extension/extension-layer';
import { expectCdkRustError, fixture } from '../support';

const BUNDLING = { builderImage: 'snapshot-builder:1', forceDockerBundling: true };

function stack(): Stack {
  const app = new App({ analyticsReporting: false, context: { 'aws:cdk:bundling-stacks': [] } });
  return new Stack(app, 'Stack');
}

describe('RustExtension: a layer with the binary at extensions/<name>, for one architecture', () => {
  test('the layer is for the extension architecture only, and named after the bin unless told', () => {
    const s = stack();
    const ext = new RustExtension(s, 'Telemetry', {
      manifestPath: fixture('hello'),
      bundling: BUNDLING,
      architecture: lambda.Architecture.ARM_64,
    });
    expect(ext.extensionName).toBe('hello');
    Template.fromStack(s).hasResourceProperties('AWS::Lambda::LayerVersion', {
      CompatibleArchitectures: ['arm64'],
      Description: 'Lambda extension hello, built by cdk-rust',
    });
    const named = new RustExtension(s, 'Named', { manifestPath: fixture('hello'), bundling: BUNDLING, extensionName: 'my-telemetry_2' });
    expect(named.extensionName).toBe('my-telemetry_2');
    expect(named.architecture.name).toBe('x86_64');
  });

  test('its asset hash differs from a function of the same crate (the layout differs), and follows the name', () => {
    const props = { manifestPath: fixture('hello'), ...BUNDLING };
    const fn = Bundling.prepare(props, { resolveImage: false }).assetHash;
    const ext = Bundling.prepare({ ...props, layout: extensionLayer(undefined) }, { resolveImage: false }).assetHash;
    const renamed = Bundling.prepare({ ...props, layout: extensionLayer('other') }, { resolveImage: false }).assetHash;
    expect(new Set([fn, ext, renamed]).size).toBe(3);
  });

  test('a name that cannot be a file name under /opt/extensions is refused at synth time', () => {
    for (const extensionName of ['', 'a/b', 'x'.repeat(65), 'with space']) {
      expectCdkRustError(
        () => new RustExtension(stack(), 'Ext', { manifestPath: fixture('hello'), bundling: BUNDLING, extensionName }),
        'INVALID_PROP',
        `Stack/Ext: extensionName: "${extensionName}" is not a valid extension name.`,
        'letters, digits',
      );
    }
  });
});

describe('RustExtension: RustFunction takes extensions of its own architecture, and refuses others', () => {
  test('extensions become layers after the given layers; addExtension adds one more', () => {
    const s = stack();
    const first = new RustExtension(s, 'First', { manifestPath: fixture('hello'), bundling: BUNDLING, extensionName: 'first' });
    const second = new RustExtension(s, 'Second', { manifestPath: fixture('hello'), bundling: BUNDLING, extensionName: 'second' });
    const other = lambda.LayerVersion.fromLayerVersionArn(s, 'Other', 'arn:aws:lambda:us-east-1:123456789012:layer:other:1');
    const fn = new RustFunction(s, 'Api', { manifestPath: fixture('hello'), bundling: BUNDLING, layers: [other], extensions: [first] });
    fn.addExtension(second);
    const [resource] = Object.values(Template.fromStack(s).findResources('AWS::Lambda::Function'));
    const refs = (resource.Properties.Layers as unknown[]).map((l) => JSON.stringify(l));
    expect(refs).toHaveLength(3);
    expect(refs[0]).toContain('layer:other:1');
    expect(refs[1]).toContain('FirstLayer');
    expect(refs[2]).toContain('SecondLayer');
  });

  test('an extension of the other architecture is refused, naming the prop, both architectures and the fix', () => {
    const s = stack();
    const arm = new RustExtension(s, 'Arm', {
      manifestPath: fixture('hello'),
      bundling: BUNDLING,
      architecture: lambda.Architecture.ARM_64,
    });
    expectCdkRustError(
      () => new RustFunction(s, 'Api', { manifestPath: fixture('hello'), bundling: BUNDLING, extensions: [arm] }),
      'ARCHITECTURE_MISMATCH',
      'Stack/Api: extensions[0]: the extension Stack/Arm is built for arm64, but the function runs on x86_64',
      'architecture: lambda.Architecture.X86_64',
    );
    const fn = new RustFunction(s, 'Other', { manifestPath: fixture('hello'), bundling: BUNDLING });
    expectCdkRustError(
      () => fn.addExtension(arm),
      'ARCHITECTURE_MISMATCH',
      'Stack/Other: addExtension(extension): the extension Stack/Arm',
    );
  });
});
