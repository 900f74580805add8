/**
 * What a RustFunction on Lambda Managed Instances must fit, checked before anything is built: memory and vCPUs the
 * capacity provider accepts, its architecture, and no option Managed Instances refuse.
 */
import { Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CdkRustError } from '../errors';
import type { RustFunctionProps } from '../function';
import {
  DEFAULT_GIB_PER_VCPU,
  GIB_PER_VCPU_RANGE,
  MAX_CONCURRENCY_RANGE,
  MAX_MEMORY_MIB,
  MIN_MEMORY_MIB,
  vCpusOf,
} from './managed-instances-limits';

/** Refuses what cannot run on Managed Instances; `constructPath` names the RustFunction. */
export function checkManagedInstances(props: RustFunctionProps, constructPath: string): void {
  const options = props.managedInstances;
  if (!options) return;
  checkRefusedOptions(props, constructPath);
  checkRange(
    options.perExecutionEnvironmentMaxConcurrency,
    MAX_CONCURRENCY_RANGE,
    'managedInstances.perExecutionEnvironmentMaxConcurrency',
    constructPath,
  );
  checkRange(
    options.executionEnvironmentMemoryGiBPerVCpu,
    GIB_PER_VCPU_RANGE,
    'managedInstances.executionEnvironmentMemoryGiBPerVCpu',
    constructPath,
  );
  checkMemory(props.memorySize, options.executionEnvironmentMemoryGiBPerVCpu, constructPath);
}

/** The options Managed Instances take no part of, each with what to use instead. */
const REFUSED: ReadonlyArray<{ prop: string; set: (props: RustFunctionProps) => boolean; instead: string }> = [
  {
    prop: 'vpc',
    set: (p) => p.vpc !== undefined || p.vpcSubnets !== undefined || p.securityGroups !== undefined,
    instead:
      "the function runs in the capacity provider's VPC: give the subnets and security groups to the lambda.CapacityProvider, and drop vpc, vpcSubnets and securityGroups here.",
  },
  {
    prop: 'snapStart',
    set: (p) => p.snapStart !== undefined,
    instead:
      'drop snapStart: execution environments on Managed Instances stay warm, so there are no cold starts to restore from a snapshot.',
  },
  {
    prop: 'currentVersionOptions.provisionedConcurrentExecutions',
    set: (p) => p.currentVersionOptions?.provisionedConcurrentExecutions !== undefined,
    instead: 'keep environments warm with managedInstances.latestPublishedScalingConfig.minExecutionEnvironments instead.',
  },
];

function checkRefusedOptions(props: RustFunctionProps, constructPath: string): void {
  for (const option of REFUSED) {
    if (!option.set(props)) continue;
    throw new CdkRustError(
      'INVALID_PROP',
      `${option.prop} is set, but the function runs on Lambda Managed Instances (managedInstances), which do not take it.`,
      option.instead,
      constructPath,
    );
  }
}

function checkRange(value: number | undefined, [min, max]: readonly [number, number], prop: string, constructPath: string): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (value >= min && value <= max && (prop.endsWith('GiBPerVCpu') || Number.isInteger(value))) return;
  throw new CdkRustError(
    'INVALID_PROP',
    `${prop} is ${value}, but Lambda Managed Instances accept ${Number.isInteger(min) && !prop.endsWith('GiBPerVCpu') ? 'a whole number' : 'a number'} from ${min} to ${max}.`,
    `set ${prop} between ${min} and ${max}, or leave it out for Lambda's default.`,
    constructPath,
  );
}

function checkMemory(memorySize: number | undefined, gibPerVCpu: number | undefined, constructPath: string): void {
  if (memorySize === undefined || Token.isUnresolved(memorySize)) return;
  if (memorySize < MIN_MEMORY_MIB || memorySize > MAX_MEMORY_MIB) {
    throw new CdkRustError(
      'INVALID_PROP',
      `memorySize is ${memorySize} MiB, but a function on Lambda Managed Instances has from ${MIN_MEMORY_MIB} MiB (2 GiB, 1 vCPU) to ${MAX_MEMORY_MIB} MiB.`,
      `set memorySize between ${MIN_MEMORY_MIB} and ${MAX_MEMORY_MIB}, or leave it out (${MIN_MEMORY_MIB} with managedInstances).`,
      constructPath,
    );
  }
  const ratio = gibPerVCpu === undefined || Token.isUnresolved(gibPerVCpu) ? DEFAULT_GIB_PER_VCPU : gibPerVCpu;
  const vCpus = vCpusOf(memorySize, ratio);
  if (vCpus >= 1 && Number.isInteger(vCpus)) return;
  const step = ratio * 1024;
  throw new CdkRustError(
    'INVALID_PROP',
    `memorySize ${memorySize} MiB at ${ratio} GiB per vCPU (managedInstances.executionEnvironmentMemoryGiBPerVCpu) makes ${+vCpus.toFixed(2)} vCPUs, but an execution environment has a whole number of vCPUs, at least 1.`,
    `set memorySize to a multiple of ${step} MiB (${step}, ${step * 2}, ...), or change managedInstances.executionEnvironmentMemoryGiBPerVCpu.`,
    constructPath,
  );
}

/** The memory a function on Managed Instances gets unless it sets `memorySize`. */
export function managedInstancesMemory(props: RustFunctionProps): number | undefined {
  if (!props.managedInstances || props.memorySize !== undefined) return props.memorySize;
  const ratio = props.managedInstances.executionEnvironmentMemoryGiBPerVCpu;
  // One vCPU at the chosen ratio, and never below the 2 GiB minimum.
  return ratio === undefined || Token.isUnresolved(ratio) ? MIN_MEMORY_MIB : Math.max(MIN_MEMORY_MIB, ratio * 1024);
}

/**
 * The architectures of a capacity provider created in this app (`x86_64` when it names none, the API's default);
 * undefined for an imported one, whose instances cdk-rust cannot see.
 */
export function providerArchitectures(provider: lambda.ICapacityProvider): string[] | undefined {
  const cfn = provider.node.defaultChild;
  if (!(cfn instanceof lambda.CfnCapacityProvider)) return undefined;
  const requirements = cfn.instanceRequirements;
  if (requirements === undefined) return ['x86_64'];
  if (Token.isUnresolved(requirements)) return undefined;
  const architectures = (requirements as lambda.CfnCapacityProvider.InstanceRequirementsProperty).architectures;
  if (architectures === undefined) return ['x86_64'];
  if (Token.isUnresolved(architectures) || architectures.some((a) => Token.isUnresolved(a))) return undefined;
  return architectures;
}

/** Refuses a function whose architecture the capacity provider's instances do not have. */
export function checkArchitectureFits(provider: lambda.ICapacityProvider, architecture: lambda.Architecture, constructPath: string): void {
  const architectures = providerArchitectures(provider);
  if (!architectures || architectures.includes(architecture.name)) return;
  throw new CdkRustError(
    'ARCHITECTURE_MISMATCH',
    `architecture is ${architecture.name}, but the capacity provider ${provider.node.path} (managedInstances.capacityProvider) runs ${architectures.join(', ')} instances${
      architectures.length === 1 && architectures[0] === 'x86_64' ? ' (x86_64 unless its architectures say otherwise)' : ''
    }.`,
    `set architecture to lambda.Architecture.${architectures[0] === 'arm64' ? 'ARM_64' : 'X86_64'}, or give the function a capacity provider with architectures: [lambda.Architecture.${architecture.name === 'arm64' ? 'ARM_64' : 'X86_64'}].`,
    constructPath,
  );
}
