/**
 * The public API of cdk-rust: what `import { ... } from 'cdk-rust'` gives. Everything else under lib/
 * is internal and may change in any release (test/index.test.ts pins this list).
 */

// Constructs and their options.
export { RustFunction } from './function';
export type { RustFunctionProps } from './function';
export { FunctionPackaging } from './function-packaging';
export type { RustFunctionUrlOptions } from './function-url';
export type { ManagedInstancesOptions } from './managed-instances/managed-instances-options';
export type { RustBundlingOptions } from './bundling/rust-bundling-options';
export type { ArtifactFile } from './bundling/artifact-file';
export { RustExtension } from './extension/rust-extension';
export type { RustExtensionProps } from './extension/rust-extension';
export { AlarmTopic, DurationAlarm, ErrorRateAlarm, FunctionAlarm, ServiceAlarms, ThrottlesAlarm } from './alarm';
export type {
  AlarmOptions,
  AlarmSubscriptionOptions,
  AlarmTopicProps,
  DurationAlarmProps,
  DurationAlarmOptions,
  ErrorRateAlarmProps,
  ErrorRateAlarmOptions,
  ThrottlesAlarmProps,
  ThrottlesAlarmOptions,
  ServiceAlarmsProps,
  ServiceAlarmsOptions,
  Http5xxRateAlarmOptions,
  ResponseTimeAlarmOptions,
  UnhealthyHostsAlarmOptions,
  UtilizationAlarmOptions,
} from './alarm';
export { RustService } from './service/rust-service';
export type { RustServiceProps, RustServiceAutoScaling } from './service/rust-service-props';
export { RustServiceImage } from './service/rust-service-image';
export type { RustServiceImageProps } from './service/rust-service-image';
export type { ServiceHealthCheck } from './service/service-health-check';
export { OperationsDashboard } from './dashboard/operations-dashboard';
export type { OperationsDashboardProps } from './dashboard/operations-dashboard';

// Errors.
export { CdkRustError } from './errors';
export type { CdkRustErrorCode } from './errors';

// Running functions locally (Node.js only; other languages use the `cdk-rust invoke` CLI).
export { listAssemblyFunctions } from './invoke/assembly';
export type { AssemblyFunction } from './invoke/assembly';
export { invokeLocally, invokeLocallyStream, localFunctionFromAssembly } from './invoke/invoke-locally';
export type { InvokeLocallyOptions } from './invoke/invoke-locally';
export { LocalFunction } from './invoke/local-function';
export type { LocalFunctionOptions, LocalArchitecture } from './invoke/local-function-options';
export type { InvokeResult, InvokeSuccess, InvokeFailure } from './invoke/invoke-result';
export type { InvocationStream } from './invoke/invocation-stream';
export type { ResponseHead } from './invoke/response-stream';
export { RuntimeApiServer } from './invoke/runtime-api';
export type {
  RuntimeApiOptions,
  PendingInvocation,
  InvocationOutcome,
  LambdaErrorBody,
  InvokeErrorKind,
} from './invoke/runtime-api-options';
export { MAX_PAYLOAD_BYTES, MAX_STREAMED_RESPONSE_BYTES } from './invoke/payload';

// Running services locally (Node.js only; other languages use the `cdk-rust run` CLI).
export { findAssemblyService, listAssemblyServices } from './service/assembly-service';
export type { AssemblyService } from './service/assembly-service';
export { runServiceLocally } from './service/run-service';
export type { RunServiceOptions, RunningService } from './service/run-service';
