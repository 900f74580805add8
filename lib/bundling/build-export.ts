/**
 * What a finished build exported, moved into place: `bootstrap` (made 0755), and the CA bundle, the time-zone data
 * and the health probe (made 0755) when the plan asks for them. The export has been checked to hold no link
 * (build-output.ts), and each entry is looked at with `lstat` anyway: nothing here follows a link.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { EntryKind, entryKindAt } from '../private/no-follow';
import { CA_BUNDLE, CA_BUNDLE_FILE, ZONEINFO, ZONEINFO_DIR_NAME } from './dockerfile';
import { HEALTH_PROBE_FILE } from './health-probe';
import { BuildPlan } from './plan';

/** Where {@link takeExport} moved each exported file: absolute paths under the output directory. */
export interface TakenExport {
  /** The binary, `bootstrap`. */
  readonly bootstrap: string;
  /** The builder image's CA bundle, when the plan asks for it. */
  readonly caBundle?: string;
  /** The builder image's time-zone data (a directory), when the plan asks for it. */
  readonly zoneinfo?: string;
  /** cdk-rust's health probe (an executable), when the plan asks for it. */
  readonly healthProbe?: string;
}

/** Moves the export of a build of `plan` (with builder image `image`) from `exportDir` into `outputDir`. */
export function takeExport(plan: BuildPlan, image: string, exportDir: string, outputDir: string): TakenExport {
  const move = (name: string, kind: EntryKind, missing: () => CdkRustError, mode?: number): string => {
    const from = path.join(exportDir, name);
    if (entryKindAt(from) !== kind) throw missing();
    if (mode !== undefined) fs.chmodSync(from, mode);
    const to = path.join(outputDir, name);
    fs.renameSync(from, to);
    return to;
  };
  return {
    bootstrap: move('bootstrap', 'file', () => noBootstrap(plan), 0o755),
    caBundle: plan.caBundle ? move(CA_BUNDLE_FILE, 'file', () => noCaBundle(image)) : undefined,
    zoneinfo: plan.zoneinfo ? move(ZONEINFO_DIR_NAME, 'directory', () => noZoneinfo(image)) : undefined,
    healthProbe: plan.healthProbe ? move(HEALTH_PROBE_FILE, 'file', () => noHealthProbe(plan, image), 0o755) : undefined,
  };
}

function noBootstrap(plan: BuildPlan): CdkRustError {
  return new CdkRustError(
    'BUILD_FAILED',
    `the build of ${plan.binaryName} finished but produced no bootstrap.`,
    'check that the builder image copies the binary to /out/bootstrap (it must not override the Dockerfile).',
  );
}

function noCaBundle(image: string): CdkRustError {
  return new CdkRustError(
    'BUILD_FAILED',
    `the builder image ${image} has no CA bundle at ${CA_BUNDLE}, which the service image needs for TLS.`,
    'use a builder image with the ca-certificates package installed (the default one has it).',
  );
}

function noZoneinfo(image: string): CdkRustError {
  return new CdkRustError(
    'BUILD_FAILED',
    `the builder image ${image} has no time-zone data at ${ZONEINFO}, which timeZones asks for.`,
    'use a builder image with the tzdata package installed (the default one has it), or leave timeZones out.',
  );
}

function noHealthProbe(plan: BuildPlan, image: string): CdkRustError {
  return new CdkRustError(
    'BUILD_FAILED',
    `the build of ${plan.binaryName} finished but produced no health probe (${HEALTH_PROBE_FILE} beside bootstrap).`,
    `check that the builder image ${image} can build a std-only crate for ${plan.target} offline with its own cargo, ` +
      'and that it does not override the Dockerfile.',
  );
}
