export * from './errors';
export * from './types';
export { Bundling, BundlingProps, PreparedBuild } from './bundling/bundling';
export { DEFAULT_BUILDER_IMAGE, DEFAULT_BUILDER_DOCKERFILE } from './bundling/docker';
