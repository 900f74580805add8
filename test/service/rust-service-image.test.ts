import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RustServiceImage, RustServiceImageProps } from '../../lib';
import { Bundling } from '../../lib/bundling/bundling';
import { copyFixture, expectCdkRustError, fixture } from '../support';

const HELLO = fixture('hello');
/** A builder image pinned by digest: its identity needs no Docker. */
const BUILDER = `builder@sha256:${'a'.repeat(64)}`;

/** A stack that is not being synthesized (no bundling-stacks), so nothing is built and Docker is not asked. */
function unbuiltStack(): Stack {
  return new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Svc');
}

function image(props: Partial<RustServiceImageProps> = {}): RustServiceImage {
  return new RustServiceImage(unbuiltStack(), 'Api', {
    manifestPath: HELLO,
    ...props,
    bundling: { builderImage: BUILDER, ...props.bundling },
  });
}

describe('RustServiceImage: an image from the Cargo project, named by the source hash, and bad input at synth time', () => {
  test('defaults: /app/<bin> on port 8080', () => {
    const built = image();
    expect(built.binaryPath).toBe('/app/hello');
    expect(built.port).toBe(8080);
    expect(RustServiceImage.DEFAULT_PORT).toBe(8080);
  });

  test('in a stack that is not synthesized nothing is built; the image is named by its build and its settings', () => {
    const imageName = (props: Partial<RustServiceImageProps>) => {
      const stack = unbuiltStack();
      const built = new RustServiceImage(stack, 'Api', { manifestPath: HELLO, bundling: { builderImage: BUILDER }, ...props });
      expect(built.tarballAsset).toBeUndefined();
      return new ecs.FargateTaskDefinition(stack, 'Task').addContainer('App', { image: built.image }).imageName;
    };
    expect(imageName({})).toMatch(/^cdk-rust\/hello:[0-9a-f]{16}$/);
    expect(imageName({})).toBe(imageName({}));
    // A setting recorded in the image makes another image, though the binary is the same.
    expect(imageName({ port: 9000 })).not.toBe(imageName({}));
    expect(imageName({ environment: { RUST_LOG: 'debug' } })).not.toBe(imageName({}));
    expect(imageName({ bundling: { builderImage: BUILDER, features: [], profile: 'dev' } })).not.toBe(imageName({}));
  });

  test('the image hash differs from the Lambda build of the same project (it also exports the CA bundle)', () => {
    const service = Bundling.prepare({ manifestPath: HELLO, builderImage: BUILDER, containerImage: {} }, { resolveImage: false });
    const fn = Bundling.prepare({ manifestPath: HELLO, builderImage: BUILDER, forceDockerBundling: true }, { resolveImage: false });
    expect(service.assetHash).not.toBe(fn.assetHash);
  });

  test('arm64 builds the aarch64 musl target', () => {
    const stack = unbuiltStack();
    new RustServiceImage(stack, 'Api', {
      manifestPath: HELLO,
      architecture: ecs.CpuArchitecture.ARM64,
      bundling: { builderImage: BUILDER },
    });
    const plan = Bundling.prepare(
      { manifestPath: HELLO, builderImage: BUILDER, containerImage: {}, architecture: lambda.Architecture.ARM_64 },
      { resolveImage: false },
    ).plan;
    expect(plan.target).toBe('aarch64-unknown-linux-musl');
  });

  test('a port outside 1-65535', () => {
    expectCdkRustError(() => image({ port: 70000 }), 'INVALID_PROP', 'Svc/Api', 'port: 70000', 'from 1 to 65535');
  });

  test('a glibc target, which nothing in the image could load', () => {
    expectCdkRustError(
      () => image({ bundling: { builderImage: BUILDER, target: 'x86_64-unknown-linux-gnu' } }),
      'INVALID_PROP',
      'Svc/Api',
      'bundling.target',
      'x86_64-unknown-linux-musl',
    );
  });

  test('a target for the other architecture', () => {
    expectCdkRustError(
      () => image({ architecture: ecs.CpuArchitecture.ARM64, bundling: { builderImage: BUILDER, target: 'x86_64-unknown-linux-musl' } }),
      'ARCHITECTURE_MISMATCH',
      'Svc/Api',
    );
  });

  test("ecs.CpuArchitecture.of('ARM64') is arm64 as the constant is (it was built as x86_64); an unknown one is refused", () => {
    expectCdkRustError(
      () =>
        image({ architecture: ecs.CpuArchitecture.of('ARM64'), bundling: { builderImage: BUILDER, target: 'x86_64-unknown-linux-musl' } }),
      'ARCHITECTURE_MISMATCH',
      'Svc/Api',
      "the function's architecture is arm64",
    );
    expectCdkRustError(() => image({ architecture: ecs.CpuArchitecture.of('X86') }), 'INVALID_PROP', 'Svc/Api', 'architecture: "X86"');
  });

  test('health-check timings the image config cannot hold', () => {
    expectCdkRustError(
      () => image({ healthCheck: { args: ['healthcheck'], retries: 0 } }),
      'INVALID_PROP',
      'Svc/Api',
      'healthCheck.retries',
    );
    expectCdkRustError(
      () => image({ healthCheck: { args: ['healthcheck'], interval: Duration.millis(10) } }),
      'INVALID_PROP',
      'Svc/Api',
      'healthCheck.interval',
    );
  });

  test('an environment variable name a process cannot be given', () => {
    expectCdkRustError(() => image({ environment: { 'A=B': 'x' } }), 'INVALID_PROP', 'Svc/Api', 'environment');
  });
});

describe('RustServiceImage: project files in the image, checked at synth time', () => {
  /** A copy of hello with a configuration directory beside its sources. */
  function withConfiguration(): string {
    const dir = copyFixture('hello');
    fs.mkdirSync(path.join(dir, 'configuration'));
    fs.writeFileSync(path.join(dir, 'configuration/base.yaml'), 'port: 8000\n');
    return path.join(dir, 'Cargo.toml');
  }

  test('the image name follows the shipped files and the working directory', () => {
    const manifestPath = withConfiguration();
    const nameOf = (props: Partial<RustServiceImageProps>) => {
      const stack = unbuiltStack();
      const built = new RustServiceImage(stack, 'Api', { manifestPath, bundling: { builderImage: BUILDER }, ...props });
      return new ecs.FargateTaskDefinition(stack, 'Task').addContainer('App', { image: built.image }).imageName;
    };
    const files = [{ source: 'configuration' }];
    const before = nameOf({ files });
    expect(nameOf({})).not.toBe(before);
    expect(nameOf({ files, workingDirectory: '/srv' })).not.toBe(before);
    fs.writeFileSync(path.join(path.dirname(manifestPath), 'configuration/base.yaml'), 'port: 9000\n');
    expect(nameOf({ files })).not.toBe(before);
  });

  test('a file that would replace the binary, a missing source and a bad workingDirectory are refused before any build', () => {
    const manifestPath = withConfiguration();
    expectCdkRustError(
      () => image({ manifestPath, files: [{ source: 'configuration/base.yaml', destination: '/app/hello' }] }),
      'INVALID_PROP',
      'Svc/Api',
      '/app/hello',
    );
    expectCdkRustError(() => image({ manifestPath, files: [{ source: 'config' }] }), 'INVALID_PROP', 'Svc/Api', 'files[0].source');
    expectCdkRustError(() => image({ manifestPath, workingDirectory: 'app' }), 'INVALID_PROP', 'Svc/Api', 'workingDirectory');
  });
});
