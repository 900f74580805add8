/**
 * A function's container image: the service image writer with Lambda's layout (the binary as the entrypoint at
 * /var/task/bootstrap, /var/task as the working directory, `files` under it, Lambda's variables, no port and no
 * health check), deterministic, and named by its build and settings. Written from a fake build: no Docker.
 */
import * as fs from 'fs';
import * as path from 'path';
import { imageArchiveBytes } from '../../lib/service/image-archive';
import { FUNCTION_IMAGE_BOOTSTRAP, LAMBDA_TASK_ROOT, prepareFunctionImage } from '../../lib/image-function/function-image';
import { planImage, prepareImageBuild } from '../../lib/service/service-image-build';
import { IMAGE_ARCHIVE } from '../../lib/service/synth-time-image';
import { App, Stack } from 'aws-cdk-lib';
import { copyFixture, expectCdkRustError, tempDir } from '../support';
import { CA_BUNDLE, readTar, specOf, staticElf, writeTemp } from '../service/fixtures';

/** A builder image pinned by digest: its identity needs no Docker. */
const BUILDER = `builder@sha256:${'a'.repeat(64)}`;

/** A copy of hello with a configuration directory beside its sources. */
function withConfiguration(): string {
  const dir = copyFixture('hello');
  fs.mkdirSync(path.join(dir, 'configuration'));
  fs.writeFileSync(path.join(dir, 'configuration/base.yaml'), 'greeting: hello\n');
  return path.join(dir, 'Cargo.toml');
}

/** The image tarball written for `manifestPath` from a fake build (a static ELF and a CA bundle). */
function writtenImage(manifestPath: string, files = [{ source: 'configuration' }]): Buffer {
  const image = prepareFunctionImage({ manifestPath, builderImage: BUILDER, files });
  const outputDir = tempDir('function-image');
  const built = { bootstrap: writeTemp(staticElf(), 'bootstrap'), caBundle: writeTemp(CA_BUNDLE, 'ca.crt') };
  image.write(built, outputDir);
  return fs.readFileSync(path.join(outputDir, IMAGE_ARCHIVE));
}

/** The archive's image config and its one layer's entries. */
function contents(archive: Buffer): { config: any; layer: ReturnType<typeof readTar> } {
  const entries = readTar(archive);
  const manifest = JSON.parse(entries.find((e) => e.name === 'manifest.json')!.content);
  const config = JSON.parse(entries.find((e) => e.name === manifest[0].Config)!.content);
  const layer = readTar(Buffer.from(entries.find((e) => e.name === manifest[0].Layers[0])!.content, 'latin1'));
  return { config, layer };
}

describe('function image: the zip as a Lambda container image, written by the service image writer', () => {
  test('the binary is the entrypoint at /var/task/bootstrap, run as nonroot in /var/task with Lambda variables, no port, no health check', () => {
    const { config } = contents(writtenImage(withConfiguration()));
    expect(config.config).toEqual({
      User: '65532:65532',
      Entrypoint: [FUNCTION_IMAGE_BOOTSTRAP],
      Env: [
        'SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt',
        'PATH=/usr/local/bin:/usr/bin/:/bin:/opt/bin',
        'LAMBDA_TASK_ROOT=/var/task',
        'LAMBDA_RUNTIME_DIR=/var/runtime',
      ],
      WorkingDir: LAMBDA_TASK_ROOT,
    });
    expect(config.architecture).toBe('amd64');
    expect(config.created).toBe('1970-01-01T00:00:00Z');
  });

  test('the layer holds the binary, the files under /var/task as the zip places them, the CA bundle and the users', () => {
    const { layer } = contents(writtenImage(withConfiguration()));
    const byName = new Map(layer.map((e) => [e.name, e]));
    expect(byName.get('var/task/bootstrap')).toMatchObject({ type: 'file', mode: 0o755, uid: 0, gid: 0, mtime: 0 });
    expect(byName.get('var/task/configuration/base.yaml')).toMatchObject({ type: 'file', mode: 0o644, content: 'greeting: hello\n' });
    expect(byName.get('etc/ssl/certs/ca-certificates.crt')?.content).toBe(CA_BUNDLE.toString('latin1'));
    expect(byName.get('etc/passwd')?.content).toContain('nonroot:x:65532:65532');
    expect(byName.get('tmp/')?.mode ?? byName.get('tmp')?.mode).toBe(0o1777);
    // Nothing of a service's layout: no /app, no health probe.
    expect(layer.filter((e) => e.name.startsWith('app') || e.name.startsWith('cdk-rust'))).toEqual([]);
  });

  test('the same sources give the same bytes; a changed file gives another image', () => {
    const manifestPath = withConfiguration();
    const first = writtenImage(manifestPath);
    expect(writtenImage(manifestPath).equals(first)).toBe(true);
    fs.writeFileSync(path.join(path.dirname(manifestPath), 'configuration/base.yaml'), 'greeting: bonjour\n');
    expect(writtenImage(manifestPath).equals(first)).toBe(false);
  });

  test('its name follows the build and differs from the service image of the same project', () => {
    const manifestPath = withConfiguration();
    const fn = prepareFunctionImage({ manifestPath, builderImage: BUILDER });
    expect(fn.planned.repoTag).toMatch(/^cdk-rust\/hello:[0-9a-f]{16}$/);
    expect(prepareFunctionImage({ manifestPath, builderImage: BUILDER }).imageHash).toBe(fn.imageHash);
    expect(prepareFunctionImage({ manifestPath, builderImage: BUILDER, profile: 'dev' }).imageHash).not.toBe(fn.imageHash);
    const scope = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Svc');
    const props = { manifestPath, bundling: { builderImage: BUILDER } };
    const service = planImage(scope, prepareImageBuild(scope, props, false), { ...props, port: 8080 }, undefined);
    expect(service.imageHash).not.toBe(fn.imageHash);
  });

  test("files keep the zip's rules: bootstrap and absolute destinations are refused", () => {
    const manifestPath = withConfiguration();
    expectCdkRustError(
      () =>
        prepareFunctionImage({
          manifestPath,
          builderImage: BUILDER,
          files: [{ source: 'configuration/base.yaml', destination: 'bootstrap' }],
        }),
      'INVALID_PROP',
      'bootstrap',
    );
    expectCdkRustError(
      () => prepareFunctionImage({ manifestPath, builderImage: BUILDER, files: [{ source: 'configuration', destination: '/etc/app' }] }),
      'INVALID_PROP',
      'absolute',
    );
  });

  test('a service spec without binaryPath still writes /app/<bin> with its port (the writer stays the service one)', () => {
    const archive = imageArchiveBytes(specOf());
    const { config } = contents(archive.bytes);
    expect(config.config.Entrypoint).toEqual(['/app/api']);
    expect(config.config.ExposedPorts).toEqual({ '8080/tcp': {} });
  });
});
