import { readCargoWorkspace } from '../../lib/bundling/cargo';
import { makeBuildPlan } from '../../lib/bundling/plan';
import { expectCdkRustError, fixture } from '../support';

describe('target: the target follows the architecture, and contradictions are errors', () => {
  const ws = () => readCargoWorkspace(fixture('hello'));

  test.each([
    [undefined, undefined, 'x86_64-unknown-linux-musl'],
    ['x86_64', undefined, 'x86_64-unknown-linux-musl'],
    ['arm64', undefined, 'aarch64-unknown-linux-musl'],
    ['x86_64', 'x86_64-unknown-linux-gnu', 'x86_64-unknown-linux-gnu'],
    ['arm64', 'aarch64-unknown-linux-gnu', 'aarch64-unknown-linux-gnu'],
  ])('architecture %s with target %s builds %s', (architecture, target, expected) => {
    expect(makeBuildPlan(ws(), { architecture, target }).target).toBe(expected);
  });

  test('an unknown architecture is rejected', () => {
    expectCdkRustError(
      () => makeBuildPlan(ws(), { architecture: 'riscv64' }),
      'INVALID_PROP',
      'architecture',
      'riscv64',
      'Fix: use lambda.Architecture.X86_64',
    );
  });

  test('an unknown target is rejected with the supported list', () => {
    expectCdkRustError(
      () => makeBuildPlan(ws(), { target: 'wasm32-wasi' }),
      'UNKNOWN_TARGET',
      'bundling.target',
      'x86_64-unknown-linux-musl',
    );
  });

  test('a target that contradicts the architecture is rejected', () => {
    expectCdkRustError(
      () => makeBuildPlan(ws(), { architecture: 'arm64', target: 'x86_64-unknown-linux-musl' }),
      'ARCHITECTURE_MISMATCH',
      'x86_64',
      'arm64',
      'lambda.Architecture.X86_64',
    );
  });
});

describe('target: a service image gets a static binary', () => {
  test('a glibc target for a service is refused: nothing in the image could load it', () => {
    expectCdkRustError(
      () => makeBuildPlan(readCargoWorkspace(fixture('hello')), { containerImage: {}, target: 'x86_64-unknown-linux-gnu' }),
      'INVALID_PROP',
      'bundling.target "x86_64-unknown-linux-gnu" links against glibc dynamically',
      'no dynamic loader',
      'use "x86_64-unknown-linux-musl"',
    );
  });
});
