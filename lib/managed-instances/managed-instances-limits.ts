/**
 * The sizes Lambda Managed Instances accept for a function, as AWS documents them.
 */

/** The smallest memory of a function on Managed Instances, in MiB (2 GiB and 1 vCPU). */
export const MIN_MEMORY_MIB = 2048;
/** The largest memory of a function on Managed Instances, in MiB (32 GiB, 16 vCPUs). */
export const MAX_MEMORY_MIB = 32768;
/** The memory per vCPU Lambda gives an execution environment unless told otherwise, in GiB. */
export const DEFAULT_GIB_PER_VCPU = 2;
/** The range of `executionEnvironmentMemoryGiBPerVCpu`. */
export const GIB_PER_VCPU_RANGE = [2, 8] as const;
/** The range of `perExecutionEnvironmentMaxConcurrency`. */
export const MAX_CONCURRENCY_RANGE = [1, 1600] as const;
/** Concurrent invocations per vCPU Lambda gives a Rust function that does not set them (AWS's Rust LMI guide). */
export const RUST_DEFAULT_CONCURRENCY_PER_VCPU = 8;

/** The vCPUs of one execution environment of `memoryMiB` at `gibPerVCpu`, as Lambda sizes it. */
export function vCpusOf(memoryMiB: number, gibPerVCpu: number = DEFAULT_GIB_PER_VCPU): number {
  return memoryMiB / 1024 / gibPerVCpu;
}
