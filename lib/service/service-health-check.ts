/**
 * A service container's own health check: the props (ServiceHealthCheck) and what the image config records of them
 * (ServiceImageHealthCheck), checked against what ECS accepts.
 */
import { Duration } from 'aws-cdk-lib';
import { healthProbeArguments } from '../bundling/health-probe';
import { CdkRustError } from '../errors';
import { HEALTH_PROBE_PATH, ServiceImageHealthCheck } from './image-spec';

/**
 * The container's own health check. The image has no shell or curl, so it runs cdk-rust's health probe (a small
 * static program cdk-rust builds and adds at `/cdk-rust/healthcheck`, which requests `path` on 127.0.0.1) or, with
 * `args`, the service's own binary.
 */
export interface ServiceHealthCheck {
  /**
   * Whether the container has a health check at all.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The path the health probe requests on `127.0.0.1:<port>`: healthy when it answers 200-399 within 4 s.
   * Not used with `args`.
   *
   * @default - RustService: its `healthCheckPath`; RustServiceImage: '/health'
   */
  readonly path?: string;

  /**
   * Run the service binary with these arguments instead of the probe, e.g. `['healthcheck']` for a subcommand
   * that requests the service's health path and exits 0 when it answers 2xx. Not with `path`.
   *
   * @default - cdk-rust's health probe
   */
  readonly args?: string[];

  /**
   * Time between checks.
   *
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;

  /**
   * Time a check may take before it counts as failed.
   *
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;

  /**
   * Time after the start during which failures do not count.
   *
   * @default - none
   */
  readonly startPeriod?: Duration;

  /**
   * Failed checks in a row that make the container unhealthy.
   *
   * @default 3
   */
  readonly retries?: number;
}

/** The path the health probe requests unless `healthCheck.path` says otherwise. */
const DEFAULT_HEALTH_PATH = '/health';

/** What ECS accepts for a container health check (its task definitions carry the same check), in seconds. */
const ECS_HEALTH_CHECK_RANGES = { interval: [5, 300], timeout: [2, 120], startPeriod: [0, 300] } as const;

/** The image config's health check: the probe requesting the path, or the binary with the user's arguments; timings in seconds. */
export function imageHealthCheck(check: ServiceHealthCheck, binaryPath: string, port: number): ServiceImageHealthCheck {
  if (check.args !== undefined && check.path !== undefined) {
    throw new CdkRustError(
      'INVALID_PROP',
      'healthCheck: both args and path are given, but a health check runs either the service binary (args) or the health probe (path).',
      "keep args to run your binary, or path to let cdk-rust's probe request it.",
    );
  }
  const command =
    check.args !== undefined
      ? [binaryPath, ...check.args]
      : [HEALTH_PROBE_PATH, ...healthProbeArguments(port, check.path ?? DEFAULT_HEALTH_PATH, 'healthCheck.path')];
  const retries = checkRetries(check.retries);
  return {
    command,
    interval: seconds(check.interval, 'interval'),
    timeout: seconds(check.timeout, 'timeout'),
    startPeriod: seconds(check.startPeriod, 'startPeriod'),
    retries,
  };
}

/** A timing of the check in whole seconds, within what ECS accepts for `prop`. */
function seconds(duration: Duration | undefined, prop: keyof typeof ECS_HEALTH_CHECK_RANGES): number | undefined {
  if (duration === undefined) return undefined;
  if (duration.isUnresolved()) {
    throw new CdkRustError(
      'INVALID_PROP',
      `healthCheck.${prop} is a token, but it is written into the image at synth time.`,
      'pass a literal duration, e.g. Duration.seconds(10).',
    );
  }
  const value = duration.toMilliseconds() / 1000;
  const [least, most] = ECS_HEALTH_CHECK_RANGES[prop];
  if (!Number.isInteger(value) || value < least || value > most) {
    throw new CdkRustError(
      'INVALID_PROP',
      `healthCheck.${prop}: ${value} s is outside what ECS accepts for a container health check.`,
      `use a whole number of seconds from ${least} to ${most}.`,
    );
  }
  return value;
}

/** `healthCheck.retries`, within what ECS accepts. */
function checkRetries(retries: number | undefined): number | undefined {
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 1 || retries > 10)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `healthCheck.retries: ${retries} is outside what ECS accepts for a container health check.`,
      'use a whole number from 1 to 10.',
    );
  }
  return retries;
}
