export * from './errors';
export * from './types';
export { Bundling, BundlingProps, BuildOutput, PreparedBuild } from './bundling/bundling';
export { DEFAULT_BUILDER_IMAGE, DEFAULT_BUILDER_DOCKERFILE } from './bundling/docker';
export * from './alarm';
export * from './function';
