/**
 * The public API of cdk-rust: what `import { ... } from 'cdk-rust'` gives. Everything else under lib/
 * is internal and may change in any release (test/index.test.ts pins this list).
 */

// Constructs and their options.
export { RustFunction, RustFunctionProps } from './function';
export { RustBundlingOptions } from './bundling/rust-bundling-options';
export { AlarmTopic, AlarmTopicProps, ErrorRateAlarm, ErrorRateAlarmProps, ErrorRateAlarmOptions } from './alarm';

// Errors.
export { CdkRustError, CdkRustErrorCode } from './errors';

// Running functions locally (Node.js only; other languages use the `cdk-rust invoke` CLI).
export { invokeLocally, InvokeLocallyOptions, localFunctionFromAssembly, listAssemblyFunctions, AssemblyFunction } from './invoke/assembly';
export { LocalFunction } from './invoke/local-function';
export { LocalFunctionOptions, LocalArchitecture } from './invoke/local-function-options';
export { InvokeResult, InvokeSuccess, InvokeFailure } from './invoke/invoke-result';
export {
  RuntimeApiServer,
  RuntimeApiOptions,
  PendingInvocation,
  InvocationOutcome,
  LambdaErrorBody,
  InvokeErrorKind,
} from './invoke/runtime-api';
export { MAX_PAYLOAD_BYTES } from './invoke/payload';
