/**
 * RustFunction with `packaging: FunctionPackaging.IMAGE`: the template wires the image (PackageType Image, the
 * ImageUri of the tarball asset, no Handler or Runtime) and keeps every RustFunction default; what an image cannot
 * have is refused at synth time. No Docker: the image's asset directory is staged beforehand (as a previous synth
 * leaves it), so the app's builds find nothing to build.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, BundlingOutput, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { FunctionPackaging, RustExtension, RustFunction, RustFunctionProps, listAssemblyFunctions } from '../../lib';
import { stagedAssetDir } from '../../lib/bundling/staged-asset';
import { synthTimeBundling } from '../../lib/bundling/synth-build';
import { prepareFunctionImage } from '../../lib/image-function/function-image';
import { imageArchiveBytes } from '../../lib/service/image-archive';
import { IMAGE_ARCHIVE } from '../../lib/service/synth-time-image';
import { FIXTURES, expectCdkRustError, nagFindings, tempDir, withoutUnscopableXrayFindings } from '../support';
import { CA_BUNDLE, staticElf } from '../service/fixtures';

const HELLO = path.join(FIXTURES, 'hello', 'Cargo.toml');
/** A builder image pinned by digest: its identity needs no Docker. */
const BUILDER = `builder@sha256:${'a'.repeat(64)}`;
const ENV = { account: '123456789012', region: 'eu-west-1' };

/** Stages the image of hello where the app's builds look for it, so that synth builds nothing. */
function prestage(stack: Stack): void {
  const image = prepareFunctionImage({ manifestPath: HELLO, builderImage: BUILDER, architecture: lambda.Architecture.X86_64 });
  const bundling = synthTimeBundling(image.prepared, undefined, image.write, BundlingOutput.NOT_ARCHIVED);
  const dir = stagedAssetDir(stack, image.imageHash, bundling)!;
  fs.mkdirSync(dir, { recursive: true });
  const archive = imageArchiveBytes({ ...image.planned, binary: staticElf(), caBundle: CA_BUNDLE });
  fs.writeFileSync(path.join(dir, IMAGE_ARCHIVE), archive.bytes);
}

/** An app whose image function is synthesized for real (its image staged beforehand). */
function imageApp(
  props: Partial<RustFunctionProps> = {},
  context: Record<string, unknown> = {},
): { app: App; stack: Stack; fn: RustFunction } {
  const app = new App({ outdir: tempDir('image-function-out'), analyticsReporting: false, context });
  const stack = new Stack(app, 'Svc', { env: ENV });
  prestage(stack);
  const fn = new RustFunction(stack, 'Api', {
    manifestPath: HELLO,
    packaging: FunctionPackaging.IMAGE,
    ...props,
    bundling: { builderImage: BUILDER, ...props.bundling },
  });
  return { app, stack, fn };
}

/** A RustFunction in a stack that is not being synthesized: nothing is built, nothing is staged. */
function unbuilt(props: Partial<RustFunctionProps>): RustFunction {
  const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Svc');
  return new RustFunction(stack, 'Api', { manifestPath: HELLO, ...props, bundling: { builderImage: BUILDER, ...props.bundling } });
}

describe('RustFunction packaging: IMAGE wires the tarball image and keeps every default', () => {
  test('PackageType Image with the ImageUri of the tarball asset, and no Handler, Runtime or Layers', () => {
    const { stack } = imageApp();
    const template = Template.fromStack(stack);
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0];
    expect(fn.Properties.PackageType).toBe('Image');
    expect(fn.Properties.Handler).toBeUndefined();
    expect(fn.Properties.Runtime).toBeUndefined();
    expect(fn.Properties.Layers).toBeUndefined();
    expect(JSON.stringify(fn.Properties.Code.ImageUri)).toMatch(/container-assets-123456789012-eu-west-1:[0-9a-f]{64}"/);
  });

  test('the role, log group, tracing, memory, timeout, environment and error-rate alarm stay as for a zip', () => {
    const { stack } = imageApp({ environment: { GREETING: 'hi' } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 256,
      Timeout: 10,
      TracingConfig: { Mode: 'Active' },
      Environment: { Variables: { RUST_BACKTRACE: '1', GREETING: 'hi' } },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON', LogGroup: Match.anyValue() }),
      Role: Match.anyValue(),
    });
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    // Error rate, duration and throttles, as for a zip function.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
  });

  test('a function URL still works', () => {
    const { stack, fn } = imageApp({ functionUrl: {} });
    expect(fn.functionUrl).toBeDefined();
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Url', 1);
  });

  test('the assembly records the image: listAssemblyFunctions finds its tarball and load command', () => {
    const { app } = imageApp();
    const dir = app.synth().directory;
    const [found] = listAssemblyFunctions(dir);
    expect(found.codeDirectory).toBeUndefined();
    expect(found.image?.tag).toMatch(/^[0-9a-f]{64}$/);
    expect(found.image?.loadCommand.join(' ')).toContain('load -i');
    const tarball = found.image!.loadCommand[found.image!.loadCommand.length - 1];
    expect(fs.existsSync(path.join(found.image!.assemblyDir, tarball))).toBe(true);
  });

  test('the zip stays the default', () => {
    const fn = unbuilt({});
    expect(fn.runtime).toBe(lambda.Runtime.PROVIDED_AL2023);
    expect(unbuilt({ packaging: FunctionPackaging.ZIP }).runtime).toBe(lambda.Runtime.PROVIDED_AL2023);
  });

  test('in a stack that is not synthesized nothing is built, and the ImageUri names the image that would be', () => {
    const fn = unbuilt({ packaging: FunctionPackaging.IMAGE });
    Template.fromStack(Stack.of(fn)).hasResourceProperties('AWS::Lambda::Function', {
      PackageType: 'Image',
      Code: { ImageUri: Match.stringLikeRegexp('^cdk-rust/hello:[0-9a-f]{16}$') },
    });
  });

  test('cdk-nag (AwsSolutions, Serverless) finds nothing', () => {
    const { app } = imageApp({}, { '@aws-cdk/core:failSynthOnValidationErrors': false });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    // Before aws-cdk-lib 2.269, RustFunction leaves the X-Ray wildcard to the user, image or zip.
    expect(withoutUnscopableXrayFindings(nagFindings(app))).toEqual([]);
  });
});

describe('RustFunction packaging: IMAGE refuses what a Lambda container image cannot have, at synth time', () => {
  const image = { packaging: FunctionPackaging.IMAGE };

  test('layers: Lambda gives image functions none', () => {
    const stack = new Stack(new App(), 'S');
    const layer = lambda.LayerVersion.fromLayerVersionArn(stack, 'L', 'arn:aws:lambda:eu-west-1:123456789012:layer:x:1');
    expectCdkRustError(() => unbuilt({ ...image, layers: [layer] }), 'INVALID_PROP', 'Svc/Api', 'packaging: IMAGE', 'layers', 'no layers');
  });

  test('extensions: shipped as layers, so refused (baking them in may come later); addExtension too', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'S');
    const extension = new RustExtension(stack, 'Ext', { manifestPath: HELLO, bundling: { builderImage: BUILDER } });
    expectCdkRustError(() => unbuilt({ ...image, extensions: [extension] }), 'INVALID_PROP', 'Svc/Api', 'extensions', 'not done yet');
    const fn = new RustFunction(stack, 'Api', { manifestPath: HELLO, ...image, bundling: { builderImage: BUILDER } });
    expectCdkRustError(() => fn.addExtension(extension), 'INVALID_PROP', 'S/Api', 'addExtension(extension)', 'packaging: IMAGE');
  });

  test('runtime: the image brings its own', () => {
    expectCdkRustError(
      () => unbuilt({ ...image, runtime: lambda.Runtime.PROVIDED_AL2023 }),
      'INVALID_PROP',
      'Svc/Api',
      'packaging: IMAGE cannot be used with runtime (provided.al2023)',
    );
  });

  test('a glibc bundling.target: the image holds no libc', () => {
    expectCdkRustError(
      () => unbuilt({ ...image, bundling: { target: 'x86_64-unknown-linux-gnu' } }),
      'INVALID_PROP',
      'Svc/Api',
      'bundling.target "x86_64-unknown-linux-gnu"',
      'packaging: ZIP',
    );
  });

  test('the zip keeps taking all of them', () => {
    expect(() => unbuilt({ runtime: lambda.Runtime.PROVIDED_AL2023, bundling: { target: 'x86_64-unknown-linux-gnu' } })).not.toThrow();
  });
});
