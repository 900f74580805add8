/**
 * ManagedInstancesOptions: where a RustFunction runs on Lambda Managed Instances, and how many invocations one of its
 * execution environments takes at once.
 */
import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * Runs a {@link RustFunction} on Lambda Managed Instances: EC2 capacity that Lambda manages, where one execution
 * environment serves many invocations at once.
 *
 * The settings are aws-cdk-lib's own {@link lambda.CapacityProviderFunctionOptions}, passed to
 * `CapacityProvider.addFunction`. At synth time cdk-rust checks that the crate can serve concurrent invocations
 * (lambda_runtime's `concurrency-tokio` feature, read from `cargo metadata`), that memory and architecture fit the
 * capacity provider, and refuses the function options Managed Instances do not take. See docs/functions.md.
 */
export interface ManagedInstancesOptions extends lambda.CapacityProviderFunctionOptions {
  /**
   * The capacity provider the function runs on.
   *
   * A capacity provider is the security boundary: every function on it must trust every other, so give functions
   * of different trust their own provider. One created in this app (`new lambda.CapacityProvider(...)`) is also
   * checked against the function's architecture; an imported one is taken as is.
   */
  readonly capacityProvider: lambda.ICapacityProvider;
}
