/**
 * The CPU architectures cdk-rust builds and runs for, and the one home of every conversion between its own
 * name for one ({@link ArchitectureName}, the names `lambda.Architecture` gives them) and the other ways the
 * same architecture is written: `lambda.Architecture`, `ecs.CpuArchitecture`, the OCI image config's platform,
 * Rust's target triples, an ELF header's `e_machine`, Node's `process.arch`, a CloudFormation template's
 * `Architectures`, and the command line's `--arch`.
 *
 * The CLI's light commands (`invoke`, `run`, `watch`) load this file and must start without aws-cdk-lib (see
 * bin/cdk-rust.ts): its types are imported as types only, and the two conversions that make an aws-cdk-lib
 * object load the module they need when they run.
 */
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { CdkRustError } from '../errors';

/** The CPU architectures cdk-rust builds and runs for, by the names `lambda.Architecture` gives them. */
export type ArchitectureName = 'x86_64' | 'arm64';

/** Every {@link ArchitectureName}, the default first. */
export const ARCHITECTURE_NAMES: readonly ArchitectureName[] = ['x86_64', 'arm64'];

/** The architecture a prop left out means. */
export const DEFAULT_ARCHITECTURE: ArchitectureName = 'x86_64';

/** Whether `value` is one of the {@link ArchitectureName}s. */
export function isArchitectureName(value: unknown): value is ArchitectureName {
  return typeof value === 'string' && (ARCHITECTURE_NAMES as readonly string[]).includes(value);
}

/** Each architecture, as every other representation writes it. */
const SPELLINGS = {
  x86_64: {
    lambdaConstant: 'X86_64',
    cpuArchitecture: 'X86_64',
    oci: { architecture: 'amd64' },
    muslTarget: 'x86_64-unknown-linux-musl',
    gnuTarget: 'x86_64-unknown-linux-gnu',
    elfMachine: 0x3e, // EM_X86_64
    nodeArch: 'x64',
  },
  arm64: {
    lambdaConstant: 'ARM_64',
    cpuArchitecture: 'ARM64',
    oci: { architecture: 'arm64', variant: 'v8' },
    muslTarget: 'aarch64-unknown-linux-musl',
    gnuTarget: 'aarch64-unknown-linux-gnu',
    elfMachine: 0xb7, // EM_AARCH64
    nodeArch: 'arm64',
  },
} as const;

type Spelling = (typeof SPELLINGS)[ArchitectureName];

/** The architecture whose spelling `matches`; undefined when none does. */
function findArchitecture(matches: (spelling: Spelling) => boolean): ArchitectureName | undefined {
  return ARCHITECTURE_NAMES.find((name) => matches(SPELLINGS[name]));
}

// --- lambda.Architecture ------------------------------------------------------------------------------

/**
 * The architecture a `lambda.Architecture` names (x86_64 when it is left out). Refuses one cdk-rust cannot
 * build for, such as `lambda.Architecture.custom('s390x')`, with INVALID_PROP naming `prop`.
 */
export function fromLambdaArchitecture(architecture: { readonly name: string } | undefined, prop = 'architecture'): ArchitectureName {
  if (architecture === undefined) return DEFAULT_ARCHITECTURE;
  if (isArchitectureName(architecture.name)) return architecture.name;
  throw new CdkRustError(
    'INVALID_PROP',
    `${prop}: "${architecture.name}" is not a Lambda architecture cdk-rust can build for.`,
    `use ${lambdaArchitectureCode('x86_64')} or ${lambdaArchitectureCode('arm64')}.`,
  );
}

/** The `lambda.Architecture` of `name`. */
export function toLambdaArchitecture(name: ArchitectureName): lambda.Architecture {
  return awsLambda().Architecture[SPELLINGS[name].lambdaConstant];
}

/** How code names the `lambda.Architecture` of `name`, for messages: `lambda.Architecture.ARM_64`. */
export function lambdaArchitectureCode(name: ArchitectureName): string {
  return `lambda.Architecture.${SPELLINGS[name].lambdaConstant}`;
}

// --- ecs.CpuArchitecture ------------------------------------------------------------------------------

/**
 * The architecture an `ecs.CpuArchitecture` names (x86_64 when it is left out), read from its value, so that
 * `ecs.CpuArchitecture.of('ARM64')` is arm64 as `ecs.CpuArchitecture.ARM64` is. Refuses one cdk-rust cannot
 * build for with INVALID_PROP naming `prop`.
 */
export function fromCpuArchitecture(architecture: ecs.CpuArchitecture | undefined, prop = 'architecture'): ArchitectureName {
  if (architecture === undefined) return DEFAULT_ARCHITECTURE;
  const value = architecture._cpuArchitecture;
  const name = findArchitecture((spelling) => spelling.cpuArchitecture === value);
  if (name) return name;
  throw new CdkRustError(
    'INVALID_PROP',
    `${prop}: "${value}" is not a CPU architecture cdk-rust can build for.`,
    'use ecs.CpuArchitecture.X86_64 or ecs.CpuArchitecture.ARM64.',
  );
}

/** The `ecs.CpuArchitecture` of `name`. */
export function toCpuArchitecture(name: ArchitectureName): ecs.CpuArchitecture {
  return awsEcs().CpuArchitecture[SPELLINGS[name].cpuArchitecture];
}

// --- images, Rust, binaries, this machine ---------------------------------------------------------------

/** The platform of `name` as an OCI image config writes it (Go's GOARCH, and the variant `docker build` records). */
export function toOciPlatform(name: ArchitectureName): { readonly architecture: string; readonly variant?: string } {
  return SPELLINGS[name].oci;
}

/** The Rust target triple of a static musl binary for `name`: cdk-rust's default target. */
export function toMuslTarget(name: ArchitectureName): string {
  return SPELLINGS[name].muslTarget;
}

/** Every Linux target triple cdk-rust can build (musl, then glibc), for messages. */
export const RUST_TARGETS: readonly string[] = ARCHITECTURE_NAMES.flatMap((name) => [
  SPELLINGS[name].muslTarget,
  SPELLINGS[name].gnuTarget,
]);

/** The architecture a Linux target triple cdk-rust can build runs on; undefined for any other triple. */
export function fromRustTarget(target: string): ArchitectureName | undefined {
  return findArchitecture((spelling) => spelling.muslTarget === target || spelling.gnuTarget === target);
}

/** The architecture of an ELF header's `e_machine`; undefined for a machine cdk-rust does not build for. */
export function fromElfMachine(machine: number): ArchitectureName | undefined {
  return findArchitecture((spelling) => spelling.elfMachine === machine);
}

/** The architecture of Node's `process.arch` (this machine's by default); undefined for any other. */
export function fromNodeArch(arch: string = process.arch): ArchitectureName | undefined {
  return findArchitecture((spelling) => spelling.nodeArch === arch);
}

/** The architecture of a function in a CloudFormation template: the first of its `Architectures`, x86_64 unless it says arm64. */
export function fromTemplateArchitectures(architectures: unknown): ArchitectureName {
  const first: unknown = Array.isArray(architectures) ? architectures[0] : undefined;
  return isArchitectureName(first) ? first : DEFAULT_ARCHITECTURE;
}

// --- the command line -----------------------------------------------------------------------------------

/** The flag's other names for each architecture: Docker's and Rust's. */
const FLAG_ALIASES: ReadonlyMap<string, ArchitectureName> = new Map([
  ['amd64', 'x86_64'],
  ['aarch64', 'arm64'],
]);

/**
 * The architecture `--arch` names: x86_64 (or amd64), arm64 (or aarch64). Anything else is CLI_USAGE, saying
 * what runs it: `Lambda` for a function, `Fargate` for a service.
 */
export function fromArchFlag(value: string, runner: 'Lambda' | 'Fargate'): ArchitectureName {
  const name = isArchitectureName(value) ? value : FLAG_ALIASES.get(value);
  if (name) return name;
  throw new CdkRustError('CLI_USAGE', `--arch: "${value}" is not an architecture ${runner} runs.`, 'use --arch x86_64 or --arch arm64.');
}

// --- aws-cdk-lib, loaded when first needed ------------------------------------------------------------

function awsLambda(): typeof lambda {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('aws-cdk-lib/aws-lambda');
}

function awsEcs(): typeof ecs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('aws-cdk-lib/aws-ecs');
}
