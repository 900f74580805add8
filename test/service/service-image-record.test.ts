/**
 * The service image record: RustServiceImage records how its image is built, in the manifest, for
 * `cdk-rust run --watch`; without Docker (a stack that is not being built, a builder image pinned by digest).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { RustServiceImage, RustServiceImageProps } from '../../lib';
import { prepareRecordedImage } from '../../lib/service/recorded-image-build';
import { listServiceImageRecords, readServiceImageRecord, SERVICE_IMAGE_RECORD_TYPE } from '../../lib/service/service-image-record';
import { environmentDigest } from '../../lib/watch/build-record';
import { expectCdkRustError, fixture, listFiles, tempDir } from '../support';

/** A builder image pinned by digest: its identity needs no Docker. */
const BUILDER = `builder@sha256:${'a'.repeat(64)}`;
const MANIFEST = fixture('tiny-service');
const SECRET = `build-token-${process.pid}-value`;
/** The value of the build secret `npm` (read from NPM_TOKEN at build time, never recorded). */
const NPM_SECRET = `npm-secret-${process.pid}-value`;
const AGENT = '/run/user/1000/ssh-agent-of-the-developer.sock';

/** Synthesizes a stack (not built) with a RustServiceImage `Svc/Api` and a task running it; returns the assembly. */
function synth(props: Partial<RustServiceImageProps> = {}): string {
  const outdir = tempDir('service-record');
  const app = new App({ outdir, analyticsReporting: false, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Svc');
  const image = new RustServiceImage(stack, 'Api', { manifestPath: MANIFEST, bundling: { builderImage: BUILDER }, ...props });
  new ecs.FargateTaskDefinition(stack, 'Task').addContainer('App', { image: image.image });
  app.synth();
  return outdir;
}

/** The image name the template gives the task's container. */
function containerImage(outdir: string): string {
  const template = JSON.parse(fs.readFileSync(path.join(outdir, 'Svc.template.json'), 'utf-8'));
  const task = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::ECS::TaskDefinition');
  return task.Properties.ContainerDefinitions[0].Image;
}

/** Runs `fn` with `name` set to `value` in this process's environment. */
function withVariable<T>(name: string, value: string, fn: () => T): T {
  const saved = process.env[name];
  process.env[name] = value;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  }
}

describe("service image record: RustServiceImage records its image's build and settings in the manifest, for run --watch", () => {
  beforeAll(() => (process.env.NPM_TOKEN = NPM_SECRET));
  afterAll(() => delete process.env.NPM_TOKEN);

  const props: Partial<RustServiceImageProps> = {
    port: 9000,
    environment: { RUST_LOG: 'info', STAGE: 'dev' },
    healthCheck: { path: '/ready', interval: Duration.seconds(10) },
    timeZones: true,
    bundling: {
      builderImage: BUILDER,
      features: ['fast'],
      buildEnvironment: { API_TOKEN: SECRET },
      buildSecrets: { npm: 'env:NPM_TOKEN' },
      sshAgentSocket: AGENT,
    },
  };

  test("the record holds the binary's build as RustFunction records it, the image's settings and synth's image hash", () => {
    const outdir = synth(props);
    const found = listServiceImageRecords(outdir);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ stackArtifactId: 'Svc', constructPath: 'Svc/Api' });
    const { record } = found[0];
    expect(record).toEqual({
      build: {
        manifestPath: MANIFEST,
        architecture: 'x86_64',
        bundling: {
          builderImage: BUILDER,
          features: ['fast'],
          buildSecrets: { npm: 'env:NPM_TOKEN' },
          buildEnvironmentDigests: { API_TOKEN: environmentDigest(MANIFEST, 'API_TOKEN', SECRET) },
        },
        assetHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
      image: {
        port: 9000,
        environment: [
          ['RUST_LOG', 'info'],
          ['STAGE', 'dev'],
        ],
        workingDirectory: '/app',
        healthCheck: { command: ['/cdk-rust/healthcheck', '9000', '/ready'], interval: 10 },
        timeZones: true,
        healthProbe: true,
      },
      imageHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // The image is named by the hash the record keeps (a stack that is not built names the image it would build).
    expect(containerImage(outdir)).toBe(`cdk-rust/tiny-service:${record.imageHash.slice(0, 16)}`);
  });

  test('no secret is in the assembly: no build environment or build secret value and no SSH agent socket, in any file', () => {
    const texts = listFiles(synth(props)).map((file) => fs.readFileSync(file, 'utf-8'));
    expect(texts.some((text) => text.includes(SERVICE_IMAGE_RECORD_TYPE))).toBe(true);
    for (const text of texts) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(NPM_SECRET);
      expect(text).not.toContain(AGENT);
    }
  });

  test("prepared again from the record, the same sources give synth's image hash; another profile gives another", () => {
    const { record } = listServiceImageRecords(synth(props))[0];
    withVariable('API_TOKEN', SECRET, () => {
      expect(prepareRecordedImage(record).imageHash).toBe(record.imageHash);
      const dev = prepareRecordedImage(record, 'dev');
      expect(dev.prepared.plan.profile).toBe('dev');
      expect(dev.imageHash).not.toBe(record.imageHash);
      expect(dev.planned.repoTag).toBe(`cdk-rust/tiny-service:${dev.imageHash.slice(0, 16)}`);
    });
  });

  test("a build environment value that differs from synth's is refused, naming the variable, rather than building another image", () => {
    const { record } = listServiceImageRecords(synth(props))[0];
    withVariable('API_TOKEN', 'another-value', () => expectCdkRustError(() => prepareRecordedImage(record), 'CLI_USAGE', 'API_TOKEN'));
  });

  test('the defaults are recorded too: no health check, no time zones, no probe', () => {
    const { record } = listServiceImageRecords(synth())[0];
    expect(record.image).toEqual({ port: 8080, environment: [], workingDirectory: '/app', timeZones: false, healthProbe: false });
    expect(prepareRecordedImage(record).imageHash).toBe(record.imageHash);
  });

  test("a service whose image has no record (not a RustServiceImage's, or an older synth's) is SERVICE_NOT_FOUND, naming run --watch", () => {
    const outdir = synth();
    expectCdkRustError(
      () => readServiceImageRecord(outdir, { name: 'Svc/Other', imageTag: 'f'.repeat(64) }),
      'SERVICE_NOT_FOUND',
      'Svc/Other runs an image with no cdk-rust build record',
      '--watch',
    );
  });
});
