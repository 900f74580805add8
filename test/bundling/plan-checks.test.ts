import { readCargoWorkspace } from '../../lib/bundling/cargo';
import { makeBuildPlan } from '../../lib/bundling/plan';
import { expectCdkRustError, fixture } from '../support';

describe('plan-checks: what cdk-rust owns is refused, and names and image references are checked', () => {
  const ws = () => readCargoWorkspace(fixture('hello'));

  test.each([
    ['--target=x', 'bundling.target'],
    ['--release', 'bundling.profile'],
    ['-p', 'manifestPath'],
    ['-F', 'bundling.features'],
  ])('cargoArgs may not carry %s: the fix names the option to set instead', (arg, option) => {
    expectCdkRustError(
      () => makeBuildPlan(ws(), { cargoArgs: [arg] }),
      'INVALID_PROP',
      `bundling.cargoArgs: "${arg}" is set by cdk-rust from ${option}`,
      `Fix: remove it from bundling.cargoArgs and set ${option} instead.`,
    );
  });

  test.each(['--offline', '--frozen'])('cargoArgs may not carry %s: the compile step is always offline', (arg) => {
    expectCdkRustError(
      () => makeBuildPlan(ws(), { cargoArgs: [arg] }),
      'INVALID_PROP',
      'always offline',
      'Fix: remove it from bundling.cargoArgs.',
    );
  });

  test.each([
    [['--target-dir', 'elsewhere']],
    [['--config', 'build.target-dir="elsewhere"']],
    [['--config=build.target-dir="elsewhere"']],
    [['--artifact-dir', 'out']],
  ])('cargoArgs may not move where the binary is written: %j', (cargoArgs) => {
    expectCdkRustError(
      () => makeBuildPlan(ws(), { cargoArgs }),
      'INVALID_PROP',
      'bundling.cargoArgs',
      'owned by cdk-rust',
      'picks the target directory',
      'Fix: remove it from bundling.cargoArgs.',
    );
  });

  test.each(['CARGO_TARGET_DIR', 'CARGO_BUILD_TARGET_DIR', 'SSH_AUTH_SOCK', 'GIT_SSH_COMMAND'])(
    'buildEnvironment may not set %s',
    (name) => {
      expectCdkRustError(
        () => makeBuildPlan(ws(), { buildEnvironment: { [name]: '/x' } }),
        'INVALID_PROP',
        `bundling.buildEnvironment.${name}`,
        'Fix: remove it',
      );
    },
  );

  test('a line break in a cargo argument is rejected before it can reach a Dockerfile', () => {
    expectCdkRustError(
      () => makeBuildPlan(ws(), { cargoArgs: ['--verbose', 'x\nRUN curl evil'] }),
      'INVALID_PROP',
      'bundling.cargoArgs[1]',
      'line break',
    );
  });

  test('the builder image must be an image reference, whether from the prop or CDK_RUST_BUILDER_IMAGE', () => {
    expectCdkRustError(
      () => makeBuildPlan(ws(), { env: { CDK_RUST_BUILDER_IMAGE: 'img:1\nRUN curl evil' } }),
      'INVALID_PROP',
      'CDK_RUST_BUILDER_IMAGE',
    );
    expectCdkRustError(() => makeBuildPlan(ws(), { builderImage: 'img 1' }), 'INVALID_PROP', 'bundling.builderImage', 'Fix:');
    for (const ok of ['img:1', 'registry.example.com:5000/team/rust-builder:1.95.0', `builder@sha256:${'a'.repeat(64)}`]) {
      expect(makeBuildPlan(ws(), { builderImage: ok }).builderImage).toBe(ok);
    }
  });

  test('bundling.builder must be a buildx builder name: a bad one names the prop and the fix; a good one is carried in the plan', () => {
    for (const bad of ['', 'ci builder', '-x', 'a/b', 'x;rm -rf /', 'line\nbreak']) {
      expectCdkRustError(() => makeBuildPlan(ws(), { builder: bad }), 'INVALID_PROP', 'bundling.builder', 'docker buildx ls');
    }
    for (const ok of ['cdk-rust-remote', 'ci_builder.2', 'B1']) expect(makeBuildPlan(ws(), { builder: ok }).builder).toBe(ok);
    expect('builder' in makeBuildPlan(ws(), {})).toBe(false);
  });

  test('bad profile, feature and environment names are rejected', () => {
    expectCdkRustError(() => makeBuildPlan(ws(), { profile: 'rel ease' }), 'INVALID_PROP', 'bundling.profile');
    expectCdkRustError(() => makeBuildPlan(ws(), { features: ['a b'] }), 'INVALID_PROP', 'bundling.features');
    expectCdkRustError(() => makeBuildPlan(ws(), { buildEnvironment: { '1X': 'y' } }), 'INVALID_PROP', 'bundling.buildEnvironment');
    expectCdkRustError(() => makeBuildPlan(ws(), { buildEnvironment: { X: 'a\nb' } }), 'INVALID_PROP', 'bundling.buildEnvironment.X');
  });

  test('the builder image comes from the prop, then CDK_RUST_BUILDER_IMAGE, then the default', () => {
    expect(makeBuildPlan(ws(), { builderImage: 'mine:1', env: { CDK_RUST_BUILDER_IMAGE: 'env:1' } }).builderImage).toBe('mine:1');
    expect(makeBuildPlan(ws(), { env: { CDK_RUST_BUILDER_IMAGE: 'env:1' } }).builderImage).toBe('env:1');
    expect(makeBuildPlan(ws(), { env: {} }).builderImage).toBeUndefined();
  });
});
