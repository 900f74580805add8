import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readCargoWorkspace } from '../../lib/bundling/cargo';
import { makeBuildPlan } from '../../lib/bundling/plan';
import { copyFixture, expectCdkRustError, fixture, planOf } from '../support';

describe('plan: a service image is built in Docker from a static binary, with the builder image CA bundle', () => {
  test('a service plan is a Docker build that exports the CA bundle; a Lambda plan is as it was', () => {
    const workspace = readCargoWorkspace(fixture('hello'));
    const service = makeBuildPlan(workspace, { containerImage: {} });
    expect(service).toMatchObject({ forceDocker: true, caBundle: true, target: 'x86_64-unknown-linux-musl' });
    const lambdaPlan = makeBuildPlan(workspace, {});
    expect('caBundle' in lambdaPlan).toBe(false);
    expect(lambdaPlan.forceDocker).toBe(false);
  });
});

describe('plan: bundling.exclude is checked at synth time', () => {
  test('patterns are kept in the plan; none leaves the plan as it was', () => {
    expect(planOf('hello', { exclude: ['*.pem', 'testdata/'] }).exclude).toEqual(['*.pem', 'testdata/']);
    expect('exclude' in planOf('hello')).toBe(false);
  });

  test.each([[''], ['/abs/path'], ['../up'], ['a/../../up']])('%j is INVALID_PROP naming bundling.exclude[1]', (pattern) => {
    expectCdkRustError(() => planOf('hello', { exclude: ['*.pem', pattern] }), 'INVALID_PROP', 'bundling.exclude[1]', 'Fix:');
  });
});

describe('plan: bundling.buildSecrets names where a value comes from, checked at synth time, before Docker', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-plan-secrets-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the plan keeps the sources, sorted by id, never the values', () => {
    fs.writeFileSync(path.join(dir, 'token'), 'file-secret-value');
    const plan = planOf('hello', {
      buildSecrets: { REGISTRY_TOKEN: `file:${path.join(dir, 'token')}`, A_TOKEN: 'env:MY_TOKEN' },
      env: { MY_TOKEN: 'env-secret-value' },
    });
    expect(plan.buildSecrets).toEqual([
      { id: 'A_TOKEN', env: 'MY_TOKEN' },
      { id: 'REGISTRY_TOKEN', file: path.join(dir, 'token') },
    ]);
    expect(JSON.stringify(plan)).not.toMatch(/secret-value/);
    expect('buildSecrets' in planOf('hello')).toBe(false);
  });

  test('a relative file is read from the current directory', () => {
    fs.writeFileSync(path.join(dir, 'token'), 'x');
    const relative = path.relative(process.cwd(), path.join(dir, 'token'));
    expect(planOf('hello', { buildSecrets: { T: `file:${relative}` } }).buildSecrets).toEqual([{ id: 'T', file: path.join(dir, 'token') }]);
  });

  test.each<[string, Record<string, string>, Record<string, string>, string[]]>([
    ['an unset variable', { TOKEN: 'env:NOT_SET' }, {}, ['bundling.buildSecrets.TOKEN', 'NOT_SET is not set']],
    ['an empty variable', { TOKEN: 'env:EMPTY' }, { EMPTY: '' }, ['bundling.buildSecrets.TOKEN', 'EMPTY is empty']],
    [
      'a missing file',
      { TOKEN: 'file:/nonexistent/token' },
      {},
      ['bundling.buildSecrets.TOKEN', 'cannot read the file /nonexistent/token'],
    ],
    ['a source of another shape', { TOKEN: 'hunter2' }, {}, ['bundling.buildSecrets.TOKEN', 'is not a secret source', 'env:NAME']],
    ['a bad variable name in the source', { TOKEN: 'env:1X' }, {}, ['bundling.buildSecrets.TOKEN', '"1X"']],
    ['an id that is no variable name', { 'MY-TOKEN': 'env:X' }, { X: '1' }, ['bundling.buildSecrets', '"MY-TOKEN"']],
    ['an id cdk-rust owns', { SSH_AUTH_SOCK: 'env:X' }, { X: '1' }, ['bundling.buildSecrets.SSH_AUTH_SOCK', 'managed by cdk-rust']],
  ])('%s is INVALID_PROP naming the secret', (_what, buildSecrets, env, fragments) => {
    expectCdkRustError(() => planOf('hello', { buildSecrets, env }), 'INVALID_PROP', ...fragments);
  });

  test('an empty file, and an id that buildEnvironment sets too, are refused', () => {
    fs.writeFileSync(path.join(dir, 'empty'), '');
    expectCdkRustError(() => planOf('hello', { buildSecrets: { T: `file:${path.join(dir, 'empty')}` } }), 'INVALID_PROP', 'is empty');
    expectCdkRustError(
      () => planOf('hello', { buildSecrets: { T: 'env:X' }, buildEnvironment: { T: 'plain' }, env: { X: '1' } }),
      'INVALID_PROP',
      'bundling.buildSecrets.T',
      'bundling.buildEnvironment sets T too',
    );
  });
});

describe('plan: a --config file of cargoArgs must be a file of the workspace', () => {
  let dir: string;
  beforeEach(() => (dir = copyFixture('hello')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const plan = (cargoArgs: string[]) => makeBuildPlan(readCargoWorkspace(path.join(dir, 'Cargo.toml')), { env: {}, cargoArgs });

  test('a file relative to the workspace root becomes a build input; inline TOML stays an argument', () => {
    fs.mkdirSync(path.join(dir, 'ci'));
    fs.writeFileSync(path.join(dir, 'ci/cargo.toml'), '[build]\njobs = 1\n');
    const p = plan(['--config', 'ci/cargo.toml', '--config', 'build.jobs=2', '--config=profile.release.lto=true']);
    expect(p.cargoConfigFiles).toEqual([{ absolute: path.join(fs.realpathSync(dir), 'ci/cargo.toml'), prop: 'bundling.cargoArgs[1]' }]);
    expect(p.inputFiles).toContain(path.join(fs.realpathSync(dir), 'ci/cargo.toml'));
    expect('cargoConfigFiles' in plan(['--config', 'build.jobs=2'])).toBe(false);
  });

  test('an absolute path is refused: it does not exist inside the Docker build', () => {
    fs.writeFileSync(path.join(dir, 'ci.toml'), '[build]\n');
    expectCdkRustError(() => plan([`--config=${path.join(dir, 'ci.toml')}`]), 'INVALID_PROP', 'bundling.cargoArgs[0]', 'absolute path');
  });

  test('a file outside the workspace is refused: it cannot be in the build context', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-outside-config-'));
    fs.writeFileSync(path.join(outside, 'ci.toml'), '[build]\n');
    try {
      expectCdkRustError(
        () => plan(['--config', path.relative(dir, path.join(outside, 'ci.toml'))]),
        'INVALID_PROP',
        'bundling.cargoArgs[1]',
        'outside the workspace',
      );
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  test('a missing file is refused', () => {
    expectCdkRustError(() => plan(['--config', 'ci/missing.toml']), 'INVALID_PROP', 'bundling.cargoArgs[1]', 'does not exist');
  });
});
