/**
 * How many invocations one execution environment runs at once: one in classic Lambda; with Lambda Managed Instances
 * (LMI), the function's `PerExecutionEnvironmentMaxConcurrency`, or AWS's default for its runtime. Read from a
 * template's function properties, and checked where a local function or the Runtime API emulator takes it.
 */
import { CdkRustError } from '../errors';
import {
  DEFAULT_GIB_PER_VCPU,
  MAX_CONCURRENCY_RANGE,
  RUST_DEFAULT_CONCURRENCY_PER_VCPU as DEFAULT_CONCURRENCY_PER_VCPU,
} from '../managed-instances/managed-instances-limits';

/** The most invocations Lambda lets one Managed Instances environment run at once. */
export const MAX_ENVIRONMENT_CONCURRENCY = MAX_CONCURRENCY_RANGE[1];

/**
 * `value` (the option `prop`) checked: a whole number from 1 to {@link MAX_ENVIRONMENT_CONCURRENCY}, or 1 when it
 * is undefined. `INVALID_PROP` otherwise.
 */
export function checkConcurrency(prop: string, value: number | undefined): number {
  if (value === undefined) return 1;
  if (!Number.isInteger(value) || value < 1 || value > MAX_ENVIRONMENT_CONCURRENCY) {
    throw new CdkRustError(
      'INVALID_PROP',
      `${prop}: ${value} is not a number of invocations one execution environment can run at once.`,
      `give a whole number from 1 to ${MAX_ENVIRONMENT_CONCURRENCY} (Lambda's limit), or leave ${prop} out for 1.`,
    );
  }
  return value;
}

/**
 * The concurrency Lambda gives one environment of the function whose template properties are `props`:
 * `PerExecutionEnvironmentMaxConcurrency` when the template sets it; for a function on a capacity provider without
 * it, {@link DEFAULT_CONCURRENCY_PER_VCPU} per vCPU, where vCPUs = floor(MemorySize / 1024 /
 * ExecutionEnvironmentMemoryGiBPerVCpu), at least 1; undefined (one at a time) without a capacity provider. A value
 * that only resolves when deployed (a token) counts as unset.
 */
export function templateConcurrency(props: any): number | undefined {
  const config = props?.CapacityProviderConfig?.LambdaManagedInstancesCapacityProviderConfig;
  if (typeof config !== 'object' || config === null) return undefined;
  const explicit = literalNumber(config.PerExecutionEnvironmentMaxConcurrency);
  if (explicit !== undefined && Number.isInteger(explicit) && explicit >= 1) return Math.min(explicit, MAX_ENVIRONMENT_CONCURRENCY);
  const ratio = literalNumber(config.ExecutionEnvironmentMemoryGiBPerVCpu) ?? DEFAULT_GIB_PER_VCPU;
  const memoryMiB = literalNumber(props.MemorySize) ?? 128;
  const vcpus = ratio > 0 ? Math.max(1, Math.floor(memoryMiB / 1024 / ratio)) : 1;
  return DEFAULT_CONCURRENCY_PER_VCPU * vcpus;
}

/** A number, or a string holding one, as templates write them; undefined for anything else (tokens included). */
function literalNumber(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}
