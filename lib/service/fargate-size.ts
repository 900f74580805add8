/**
 * The CPU and memory combinations Fargate runs (Linux tasks), checked at synth time: CloudFormation accepts any
 * numbers, and a combination Fargate refuses fails only when the service is deployed.
 */
import { CdkRustError } from '../errors';

/** For each CPU size (in CPU units), the memory sizes Fargate allows, in MiB: from, to, step. */
const FARGATE_SIZES: ReadonlyArray<readonly [cpu: number, from: number, to: number, step: number]> = [
  [256, 512, 2048, 512],
  [512, 1024, 4096, 1024],
  [1024, 2048, 8192, 1024],
  [2048, 4096, 16384, 1024],
  [4096, 8192, 30720, 1024],
  [8192, 16384, 61440, 4096],
  [16384, 32768, 122880, 8192],
];

/** The memory sizes Fargate allows with `cpu` units, or undefined when `cpu` is not a Fargate size. */
export function fargateMemorySizes(cpu: number): number[] | undefined {
  const size = FARGATE_SIZES.find(([units]) => units === cpu);
  if (!size) return undefined;
  const [, from, to, step] = size;
  const sizes: number[] = [];
  for (let memory = from; memory <= to; memory += step) sizes.push(memory);
  // 256 CPU units also run with 1 GB and 2 GB, which the step of 512 already covers.
  return sizes;
}

/** Throws INVALID_PROP, naming `cpu` and `memoryLimitMiB`, unless Fargate runs the combination. */
export function checkFargateSize(cpu: number, memoryLimitMiB: number): void {
  const sizes = fargateMemorySizes(cpu);
  if (!sizes) {
    throw new CdkRustError(
      'INVALID_PROP',
      `cpu: ${cpu} is not a Fargate task size.`,
      `use one of ${FARGATE_SIZES.map(([units]) => units).join(', ')} (CPU units; 1024 is one vCPU).`,
    );
  }
  if (!sizes.includes(memoryLimitMiB)) {
    const [, from, to, step] = FARGATE_SIZES.find(([units]) => units === cpu)!;
    throw new CdkRustError(
      'INVALID_PROP',
      `memoryLimitMiB: ${memoryLimitMiB} is not a memory size Fargate runs with cpu ${cpu}.`,
      `use ${from} to ${to} MiB in steps of ${step} with cpu ${cpu}, or pick another cpu.`,
    );
  }
}
