/**
 * The aws-cdk-lib the app runs with: the user's (a peer dependency), anywhere from the floor in package.json
 * up, so behaviour that changed between releases is decided here, by version.
 */

/** The loaded aws-cdk-lib's version, e.g. "2.270.0". */
export function awsCdkLibVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('aws-cdk-lib/package.json') as { version: string }).version;
}

/** Whether `version` (x.y.z) is at least `minimum` (x.y.z). */
export function isAtLeast(version: string, minimum: string): boolean {
  const parse = (v: string) => v.split(/[.-]/, 3).map((part) => Number.parseInt(part, 10) || 0);
  const [a, b] = [parse(version), parse(minimum)];
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

/**
 * Whether `Validations.of(scope).acknowledge()` keeps a rule id that contains `::` (such as cdk-nag's
 * `AwsSolutions-IAM5[Resource::*]`) to its scope. Before aws-cdk-lib 2.269.0 such an id was matched across the
 * whole app, so acknowledging it on one policy hid the same finding on every other resource.
 */
export function scopesGranularAcknowledgements(version = awsCdkLibVersion()): boolean {
  return isAtLeast(version, '2.269.0');
}
