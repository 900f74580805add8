/**
 * Puts a RustFunction on a capacity provider (Lambda Managed Instances), after checking that its architecture fits the
 * provider and that its crate's runtime serves concurrent invocations.
 */
import { Annotations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CdkRustError } from '../errors';
import { hostLanguage, inHostSpelling } from '../private/host-spelling';
import { checkArchitectureFits } from './managed-instances-checks';
import { ManagedInstancesOptions } from './managed-instances-options';
import { CONCURRENCY_FEATURE, RuntimeConcurrency } from './runtime-concurrency';

/** Reads what `cargo metadata` says of the function's lambda_runtime (see runtime-concurrency.ts), when asked. */
export type ReadRuntimeConcurrency = () => RuntimeConcurrency;

/** Checks and attaches `fn` to `options.capacityProvider`, as `CapacityProvider.addFunction` does. */
export function attachCapacityProvider(
  fn: lambda.Function,
  options: ManagedInstancesOptions,
  readConcurrency: ReadRuntimeConcurrency,
): void {
  checkArchitectureFits(options.capacityProvider, fn.architecture, fn.node.path);
  checkRuntimeConcurrency(fn, options, readConcurrency);
  const { capacityProvider, ...functionOptions } = options;
  const provider = capacityProvider as lambda.ICapacityProvider & Partial<Pick<lambda.CapacityProvider, 'addFunction'>>;
  if (typeof provider.addFunction === 'function') {
    provider.addFunction(fn, functionOptions);
    return;
  }
  // An imported provider has no addFunction: write what it would write.
  const cfn = fn.node.defaultChild as lambda.CfnFunction;
  cfn.publishToLatestPublished = functionOptions.publishToLatestPublished;
  cfn.capacityProviderConfig = {
    lambdaManagedInstancesCapacityProviderConfig: {
      capacityProviderArn: capacityProvider.capacityProviderArn,
      perExecutionEnvironmentMaxConcurrency: functionOptions.perExecutionEnvironmentMaxConcurrency,
      executionEnvironmentMemoryGiBPerVCpu: functionOptions.executionEnvironmentMemoryGiBPerVCpu,
    },
  };
  const scaling = functionOptions.latestPublishedScalingConfig;
  if (scaling?.minExecutionEnvironments !== undefined || scaling?.maxExecutionEnvironments !== undefined) {
    cfn.functionScalingConfig = { ...scaling };
  }
}

/**
 * Refuses a runtime built without `concurrency-tokio` when an environment may take more than one invocation; warns
 * when cdk-rust cannot tell (no lambda_runtime, or `cargo metadata` failed).
 */
function checkRuntimeConcurrency(fn: lambda.Function, options: ManagedInstancesOptions, readConcurrency: ReadRuntimeConcurrency): void {
  if (options.perExecutionEnvironmentMaxConcurrency === 1) return;
  const concurrency = readConcurrency();
  const allowed =
    options.perExecutionEnvironmentMaxConcurrency === undefined
      ? "Lambda's default (8 per vCPU for Rust)"
      : String(options.perExecutionEnvironmentMaxConcurrency);
  if (concurrency.kind === 'sequential') {
    throw new CdkRustError(
      'RUNTIME_NOT_CONCURRENT',
      `lambda_runtime ${concurrency.version} is built without its \`${CONCURRENCY_FEATURE}\` feature, so the function takes one invocation at a time, while managedInstances lets one environment take ${allowed} at once.`,
      `add the feature (\`lambda_runtime = { version = "1.5", features = ["${CONCURRENCY_FEATURE}"] }\`, or the same on lambda_http) and start the handler with \`run_concurrent\` instead of \`run\`; or set managedInstances.perExecutionEnvironmentMaxConcurrency to 1.`,
      fn.node.path,
    );
  }
  if (concurrency.kind === 'concurrent') return;
  const why =
    concurrency.kind === 'no-runtime'
      ? 'the crate does not use lambda_runtime, so cdk-rust cannot tell whether its runtime polls for several invocations at once'
      : `cdk-rust could not read the crate's resolved features (cargo metadata: ${concurrency.reason})`;
  Annotations.of(fn).addWarningV2(
    'cdk-rust:managed-instances-concurrency',
    inHostSpelling(
      `${why}. On managedInstances one environment takes ${allowed} invocations at once: check it locally with \`cdk-rust invoke <function> --invocations 8\`.`,
      hostLanguage(),
    ),
  );
}
