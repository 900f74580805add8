/**
 * The region a local invocation runs in when none is given, as the AWS SDKs and CLI find it.
 */

/** The region when neither the caller nor the environment names one. */
export const FALLBACK_REGION = 'us-east-1';

/** `region` when given, else `AWS_REGION`, else `AWS_DEFAULT_REGION` of `env`, else {@link FALLBACK_REGION}. */
export function resolveRegion(region: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? FALLBACK_REGION;
}
