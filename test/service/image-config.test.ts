/**
 * The image config: what Docker and ECS read to run the image, written with fixed dates and a canonical key order.
 */
import { canonicalJson, imageConfig } from '../../lib/service/image-config';
import { expectCdkRustError } from '../support';
import { specOf } from './fixtures';

const DIFF_ID = `sha256:${'ab'.repeat(32)}`;

describe('imageConfig: the binary runs as nonroot, with the environment, port and health check of the spec', () => {
  test('a full spec gives this config', () => {
    const config = imageConfig(
      specOf({
        port: 3000,
        environment: [
          ['RUST_LOG', 'info'],
          ['APP_MODE', 'a=b c'],
        ],
        healthCheck: { command: ['/app/api', '--health'], interval: 10, timeout: 2.5, startPeriod: 60, retries: 5 },
      }),
      DIFF_ID,
    );
    expect(config).toEqual({
      architecture: 'amd64',
      os: 'linux',
      created: '1970-01-01T00:00:00Z',
      config: {
        User: '65532:65532',
        Entrypoint: ['/app/api'],
        Env: [
          'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
          'SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt',
          'RUST_LOG=info',
          'APP_MODE=a=b c',
        ],
        ExposedPorts: { '3000/tcp': {} },
        WorkingDir: '/app',
        Healthcheck: {
          Test: ['CMD', '/app/api', '--health'],
          Interval: 10_000_000_000,
          Timeout: 2_500_000_000,
          StartPeriod: 60_000_000_000,
          Retries: 5,
        },
      },
      rootfs: { type: 'layers', diff_ids: [DIFF_ID] },
      history: [{ created: '1970-01-01T00:00:00Z', created_by: 'cdk-rust: /app/api' }],
    });
  });

  test('serialized, a minimal spec is exactly these bytes: no spaces, keys sorted at every level, no Healthcheck', () => {
    expect(canonicalJson(imageConfig(specOf(), DIFF_ID))).toBe(
      '{"architecture":"amd64","config":{"Entrypoint":["/app/api"],' +
        '"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"],' +
        '"ExposedPorts":{"8080/tcp":{}},"User":"65532:65532","WorkingDir":"/app"},"created":"1970-01-01T00:00:00Z",' +
        '"history":[{"created":"1970-01-01T00:00:00Z","created_by":"cdk-rust: /app/api"}],"os":"linux",' +
        `"rootfs":{"diff_ids":["${DIFF_ID}"],"type":"layers"}}`,
    );
  });

  test('an arm64 image is arm64, variant v8, as docker build records it', () => {
    const config = imageConfig(specOf({ architecture: 'arm64' }), DIFF_ID);
    expect([config.architecture, config.variant]).toEqual(['arm64', 'v8']);
    expect(imageConfig(specOf(), DIFF_ID).variant).toBeUndefined();
  });

  test("the spec's PATH or SSL_CERT_FILE replaces the default rather than repeating the name", () => {
    const env = imageConfig(specOf({ environment: [['PATH', '/app']] }), DIFF_ID).config.Env;
    expect(env).toEqual(['SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt', 'PATH=/app']);
  });

  test("a health check's omitted timings are ECS's defaults: every 30 s, 5 s to answer, no start period, 3 retries", () => {
    const config = imageConfig(specOf({ healthCheck: { command: ['/app/api', 'health'], retries: undefined } }), DIFF_ID);
    expect(config.config.Healthcheck).toEqual({
      Test: ['CMD', '/app/api', 'health'],
      Interval: 30_000_000_000,
      Timeout: 5_000_000_000,
      StartPeriod: 0,
      Retries: 3,
    });
  });

  test('a bad spec is refused here too (a health check that does not run the binary)', () => {
    expectCdkRustError(
      () => imageConfig(specOf({ healthCheck: { command: ['curl', 'localhost'] } }), DIFF_ID),
      'INVALID_PROP',
      'healthCheck.command',
    );
  });
});

describe('canonicalJson: the same value gives the same bytes, whatever order its keys were set in', () => {
  test('keys are sorted at every level, arrays keep their order, undefined fields are left out', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, { z: null, y: 'x' }], c: undefined } })).toBe('{"a":{"d":[3,1,{"y":"x","z":null}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});
