export * from './errors';
export * from './types';
export { Bundling, BundlingProps, BuildOutput, PreparedBuild } from './bundling/bundling';
export { DEFAULT_BUILDER_IMAGE, DEFAULT_BUILDER_DOCKERFILE } from './bundling/builder-image';
export * from './alarm';
export * from './function';
export { RuntimeApiServer, RuntimeApiOptions, PendingInvocation, InvocationOutcome, LambdaErrorBody, InvokeErrorKind, MAX_PAYLOAD_BYTES } from './invoke/runtime-api';
export { LocalFunction, LocalFunctionOptions, LocalArchitecture, InvokeResult, InvokeSuccess, InvokeFailure } from './invoke/local-function';
export { invokeLocally, InvokeLocallyOptions, listAssemblyFunctions, findAssemblyFunction, localFunctionFromAssembly, AssemblyFunction } from './invoke/assembly';
