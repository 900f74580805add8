/**
 * One architecture name, and one conversion each way to every other way the same architecture is written.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  ARCHITECTURE_NAMES,
  fromArchFlag,
  fromCpuArchitecture,
  fromElfMachine,
  fromLambdaArchitecture,
  fromNodeArch,
  fromRustTarget,
  fromTemplateArchitectures,
  isArchitectureName,
  lambdaArchitectureCode,
  RUST_TARGETS,
  toCpuArchitecture,
  toLambdaArchitecture,
  toMuslTarget,
  toOciPlatform,
} from '../../lib/private/architecture';
import { expectCdkRustError } from '../support';

describe('architecture: the names are x86_64 and arm64, as lambda.Architecture gives them', () => {
  test('x86_64 and arm64 are names, anything else (another spelling, another type) is not', () => {
    expect(ARCHITECTURE_NAMES).toEqual(['x86_64', 'arm64']);
    for (const name of ARCHITECTURE_NAMES) expect(isArchitectureName(name)).toBe(true);
    for (const other of ['amd64', 'aarch64', 'ARM_64', '', undefined, lambda.Architecture.ARM_64])
      expect(isArchitectureName(other)).toBe(false);
  });
});

describe('architecture: lambda.Architecture, each way', () => {
  test('a lambda.Architecture is its name; one left out is x86_64', () => {
    expect(fromLambdaArchitecture(lambda.Architecture.X86_64)).toBe('x86_64');
    expect(fromLambdaArchitecture(lambda.Architecture.ARM_64)).toBe('arm64');
    expect(fromLambdaArchitecture(lambda.Architecture.custom('arm64', 'linux/arm64'))).toBe('arm64');
    expect(fromLambdaArchitecture(undefined)).toBe('x86_64');
  });

  test('a name is the lambda.Architecture constant, and the conversions are inverse', () => {
    expect(toLambdaArchitecture('x86_64')).toBe(lambda.Architecture.X86_64);
    expect(toLambdaArchitecture('arm64')).toBe(lambda.Architecture.ARM_64);
    for (const name of ARCHITECTURE_NAMES) expect(fromLambdaArchitecture(toLambdaArchitecture(name))).toBe(name);
  });

  test('an architecture cdk-rust cannot build for is INVALID_PROP naming the prop, the value and the two it can', () => {
    expectCdkRustError(
      () => fromLambdaArchitecture(lambda.Architecture.custom('s390x'), 'bundling.architecture'),
      'INVALID_PROP',
      'bundling.architecture: "s390x" is not a Lambda architecture',
      'lambda.Architecture.X86_64 or lambda.Architecture.ARM_64',
    );
  });

  test('messages name the constant as code writes it', () => {
    expect(lambdaArchitectureCode('x86_64')).toBe('lambda.Architecture.X86_64');
    expect(lambdaArchitectureCode('arm64')).toBe('lambda.Architecture.ARM_64');
  });
});

describe('architecture: ecs.CpuArchitecture, each way', () => {
  test('the constants are x86_64 and arm64; one left out is x86_64', () => {
    expect(fromCpuArchitecture(ecs.CpuArchitecture.X86_64)).toBe('x86_64');
    expect(fromCpuArchitecture(ecs.CpuArchitecture.ARM64)).toBe('arm64');
    expect(fromCpuArchitecture(undefined)).toBe('x86_64');
  });

  test("ecs.CpuArchitecture.of('ARM64'), another object than the constant, is arm64 too (it was built as x86_64)", () => {
    expect(fromCpuArchitecture(ecs.CpuArchitecture.of('ARM64'))).toBe('arm64');
  });

  test('a name is the ecs.CpuArchitecture constant, and the conversions are inverse', () => {
    expect(toCpuArchitecture('x86_64')).toBe(ecs.CpuArchitecture.X86_64);
    expect(toCpuArchitecture('arm64')).toBe(ecs.CpuArchitecture.ARM64);
    for (const name of ARCHITECTURE_NAMES) expect(fromCpuArchitecture(toCpuArchitecture(name))).toBe(name);
  });

  test('a CPU architecture cdk-rust cannot build for is INVALID_PROP, not quietly x86_64', () => {
    expectCdkRustError(
      () => fromCpuArchitecture(ecs.CpuArchitecture.of('X86')),
      'INVALID_PROP',
      'architecture: "X86" is not a CPU architecture cdk-rust can build for',
      'ecs.CpuArchitecture.X86_64 or ecs.CpuArchitecture.ARM64',
    );
  });
});

describe('architecture: images, Rust targets, ELF headers and this machine', () => {
  test("the OCI platform is Go's name for it, with arm64's variant as docker build records it", () => {
    expect(toOciPlatform('x86_64')).toEqual({ architecture: 'amd64' });
    expect(toOciPlatform('arm64')).toEqual({ architecture: 'arm64', variant: 'v8' });
  });

  test("the default Rust target is the architecture's static musl triple", () => {
    expect(toMuslTarget('x86_64')).toBe('x86_64-unknown-linux-musl');
    expect(toMuslTarget('arm64')).toBe('aarch64-unknown-linux-musl');
  });

  test('a Linux musl or glibc triple runs on its architecture; any other triple on none', () => {
    expect(RUST_TARGETS).toEqual([
      'x86_64-unknown-linux-musl',
      'x86_64-unknown-linux-gnu',
      'aarch64-unknown-linux-musl',
      'aarch64-unknown-linux-gnu',
    ]);
    expect(fromRustTarget('x86_64-unknown-linux-gnu')).toBe('x86_64');
    expect(fromRustTarget('aarch64-unknown-linux-musl')).toBe('arm64');
    expect(fromRustTarget('aarch64-apple-darwin')).toBeUndefined();
    for (const name of ARCHITECTURE_NAMES) expect(fromRustTarget(toMuslTarget(name))).toBe(name);
  });

  test("an ELF e_machine is EM_X86_64 or EM_AARCH64; 32-bit ARM's is none", () => {
    expect(fromElfMachine(0x3e)).toBe('x86_64');
    expect(fromElfMachine(0xb7)).toBe('arm64');
    expect(fromElfMachine(0x28)).toBeUndefined();
  });

  test("Node's x64 is x86_64 and its arm64 is arm64; ia32 is none", () => {
    expect(fromNodeArch('x64')).toBe('x86_64');
    expect(fromNodeArch('arm64')).toBe('arm64');
    expect(fromNodeArch('ia32')).toBeUndefined();
  });

  test("a template function's architecture is the first of its Architectures, x86_64 unless it says arm64", () => {
    expect(fromTemplateArchitectures(['arm64'])).toBe('arm64');
    expect(fromTemplateArchitectures(['x86_64'])).toBe('x86_64');
    expect(fromTemplateArchitectures(undefined)).toBe('x86_64');
    expect(fromTemplateArchitectures({ Ref: 'Arch' })).toBe('x86_64');
  });
});

describe('architecture: the command line --arch', () => {
  test('x86_64 or amd64, arm64 or aarch64', () => {
    expect(fromArchFlag('x86_64', 'Lambda')).toBe('x86_64');
    expect(fromArchFlag('amd64', 'Lambda')).toBe('x86_64');
    expect(fromArchFlag('arm64', 'Fargate')).toBe('arm64');
    expect(fromArchFlag('aarch64', 'Fargate')).toBe('arm64');
  });

  test('an unknown name is CLI_USAGE naming the value and what runs it, even a name every object has', () => {
    expectCdkRustError(
      () => fromArchFlag('sparc', 'Lambda'),
      'CLI_USAGE',
      '--arch: "sparc" is not an architecture Lambda runs.',
      'use --arch x86_64 or --arch arm64.',
    );
    expectCdkRustError(
      () => fromArchFlag('constructor', 'Fargate'),
      'CLI_USAGE',
      '--arch: "constructor" is not an architecture Fargate runs.',
    );
  });
});

describe("architecture: loading it loads no aws-cdk-lib (the CLI's invoke, run and watch import it)", () => {
  test('only the conversions to aws-cdk-lib objects load aws-cdk-lib, when they run', () => {
    const script = [
      "const a = require('./lib/private/architecture');",
      "const loaded = () => Object.keys(require.cache).some((f) => f.includes('/aws-cdk-lib/'));",
      "const before = loaded(); a.fromArchFlag('arm64', 'Lambda'); a.fromNodeArch(); const still = loaded();",
      "a.toLambdaArchitecture('arm64');",
      'console.log(JSON.stringify([before, still, loaded()]));',
    ].join('\n');
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      cwd: path.join(__dirname, '..', '..'),
      encoding: 'utf-8',
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual([false, false, true]);
  });
});
