/**
 * `cdk-rust synth` without a CDK app takes what a project like a sqlx service needs: the runtime environment, the
 * build environment and build secrets, checked by the flags' own rules here and by the constructs' rules at synth.
 */
import * as path from 'path';
import { synthOptionsOf } from '../../lib/cli/synth-args';
import { functionProps, serviceProps, synthFunctionApp } from '../../lib/cli/synth';
import { expectCdkRustError, fixture, tempDir } from '../support';

const MANIFEST = fixture('hello');

describe('synth-args: the runtime environment, build environment and build secrets reach the construct', () => {
  test('--env, --build-env and --build-secret become environment, bundling.buildEnvironment and bundling.buildSecrets', () => {
    const { service, options } = synthOptionsOf({
      manifest: MANIFEST,
      env: ['DATABASE_URL=postgres://db/app', 'APP_ENVIRONMENT=production'],
      'build-env': ['SQLX_OFFLINE=true'],
      'build-secret': ['NPM_TOKEN=env:NPM_TOKEN', 'CA=file:ca.pem'],
    });
    expect(service).toBe(false);
    expect(functionProps(options)).toMatchObject({
      environment: { DATABASE_URL: 'postgres://db/app', APP_ENVIRONMENT: 'production' },
      bundling: { buildEnvironment: { SQLX_OFFLINE: 'true' }, buildSecrets: { NPM_TOKEN: 'env:NPM_TOKEN', CA: 'file:ca.pem' } },
    });
    expect(serviceProps(synthOptionsOf({ manifest: MANIFEST, service: true, env: ['A=1'], 'build-env': ['B=2'] }).options)).toMatchObject({
      environment: { A: '1' },
      bundling: { buildEnvironment: { B: '2' } },
    });
  });

  test('a pair without "=" is CLI_USAGE naming the flag and the form it takes', () => {
    expectCdkRustError(
      () => synthOptionsOf({ manifest: MANIFEST, env: ['DATABASE_URL'] }),
      'CLI_USAGE',
      '--env DATABASE_URL',
      'NAME=VALUE',
    );
    expectCdkRustError(() => synthOptionsOf({ manifest: MANIFEST, 'build-env': ['=x'] }), 'CLI_USAGE', '--build-env =x');
    expectCdkRustError(
      () => synthOptionsOf({ manifest: MANIFEST, 'build-secret': ['TOKEN'] }),
      'CLI_USAGE',
      '--build-secret',
      'ID=env:NAME',
    );
  });

  test('service flags need --service, --force-docker is for functions, and --manifest is required', () => {
    expectCdkRustError(() => synthOptionsOf({ manifest: MANIFEST, port: '9090' }), 'CLI_USAGE', '--port is a service option');
    expectCdkRustError(() => synthOptionsOf({ manifest: MANIFEST, service: true, 'force-docker': true }), 'CLI_USAGE', '--force-docker');
    expectCdkRustError(() => synthOptionsOf({}), 'CLI_USAGE', 'synth needs --manifest');
    expectCdkRustError(() => synthOptionsOf({ manifest: MANIFEST, service: true, port: 'http' }), 'CLI_USAGE', '--port http');
  });

  test("the constructs' own rules apply before any build: a reserved build variable, an unreadable secret", () => {
    const outdir = tempDir('synth-args');
    const base = { manifestPath: MANIFEST, outdir, builderImage: `b@sha256:${'a'.repeat(64)}` };
    expectCdkRustError(
      () => synthFunctionApp({ ...base, buildEnvironment: { CARGO_TARGET_DIR: '/x' } }),
      'INVALID_PROP',
      'CARGO_TARGET_DIR',
    );
    expectCdkRustError(
      () => synthFunctionApp({ ...base, buildSecrets: { TOKEN: `file:${path.join(outdir, 'missing')}` } }),
      'INVALID_PROP',
      'bundling.buildSecrets',
    );
  });
});
