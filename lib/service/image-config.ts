/**
 * The image config (the Docker and OCI image config JSON) of a service image: what runs, as whom, with which
 * environment, port and health check, over which layer. Fixed dates and a canonical key order, so the same spec
 * and layer give the same bytes, and so the same image ID.
 */
import { toOciPlatform } from '../private/architecture';
import {
  binaryPathInImage,
  CA_BUNDLE_PATH,
  checkServiceImageSpec,
  DEFAULT_WORKING_DIRECTORY,
  HEALTH_CHECK_DEFAULTS,
  NONROOT_ID,
  ServiceImageSpec,
} from './image-spec';

/** Every date in the image: the Unix epoch, as ko and jib write it. */
export const EPOCH = '1970-01-01T00:00:00Z';

/** The variables every service image sets, before the spec's own (which may replace them). */
export const DEFAULT_ENVIRONMENT: ReadonlyArray<readonly [string, string]> = [
  ['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
  ['SSL_CERT_FILE', CA_BUNDLE_PATH],
];

const NANOSECONDS_PER_SECOND = 1e9;

/** The image config, as the types of the fields it sets. */
export interface ImageConfig {
  readonly architecture: string;
  readonly variant?: string;
  readonly os: 'linux';
  readonly created: string;
  readonly config: {
    readonly User: string;
    readonly Entrypoint: string[];
    readonly Env: string[];
    /** Absent without a port (a function image). */
    readonly ExposedPorts?: Record<string, Record<string, never>>;
    readonly WorkingDir: string;
    readonly Healthcheck?: {
      readonly Test: string[];
      readonly Interval: number;
      readonly Timeout: number;
      readonly StartPeriod: number;
      readonly Retries: number;
    };
  };
  readonly rootfs: { readonly type: 'layers'; readonly diff_ids: string[] };
  readonly history: Array<{ readonly created: string; readonly created_by: string }>;
}

/** The image config of `spec` over the one layer whose uncompressed tar has the digest `layerDiffId` (`sha256:...`). */
export function imageConfig(spec: ServiceImageSpec, layerDiffId: string): ImageConfig {
  checkServiceImageSpec(spec);
  const binary = binaryPathInImage(spec);
  const own = spec.environment ?? [];
  const environment = [...DEFAULT_ENVIRONMENT.filter(([name]) => !own.some(([ownName]) => ownName === name)), ...own];
  const health = spec.healthCheck && { ...HEALTH_CHECK_DEFAULTS, ...definedOnly(spec.healthCheck) };
  return {
    ...toOciPlatform(spec.architecture),
    os: 'linux',
    created: EPOCH,
    config: {
      User: `${NONROOT_ID}:${NONROOT_ID}`,
      Entrypoint: [binary],
      Env: environment.map(([name, value]) => `${name}=${value}`),
      ExposedPorts: spec.port === undefined ? undefined : { [`${spec.port}/tcp`]: {} },
      WorkingDir: spec.workingDirectory ?? DEFAULT_WORKING_DIRECTORY,
      ...(health && {
        Healthcheck: {
          Test: ['CMD', ...health.command],
          Interval: nanoseconds(health.interval),
          Timeout: nanoseconds(health.timeout),
          StartPeriod: nanoseconds(health.startPeriod),
          Retries: health.retries,
        },
      }),
    },
    rootfs: { type: 'layers', diff_ids: [layerDiffId] },
    history: [{ created: EPOCH, created_by: `cdk-rust: ${binary}` }],
  };
}

/** `value` as JSON without spaces, each object's keys in sorted order: the same value gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function nanoseconds(seconds: number): number {
  return Math.round(seconds * NANOSECONDS_PER_SECOND);
}

/** `object` without its undefined fields, so that spreading it over defaults keeps them. */
function definedOnly<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
