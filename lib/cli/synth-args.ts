/**
 * `cdk-rust synth`'s command line, turned into the options of synthFunctionApp or synthServiceApp: every flag's
 * value checked here, with an error naming the flag, so the library never sees a string where it wants a number.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { parseEnv } from './local-environment';
import type { SynthServiceOptions } from './synth';

/** The flags of `cdk-rust synth`, as util.parseArgs takes them. */
export const SYNTH_FLAGS = {
  manifest: { type: 'string' },
  binary: { type: 'string' },
  arch: { type: 'string' },
  'alarm-email': { type: 'string', multiple: true },
  out: { type: 'string' },
  'stack-name': { type: 'string' },
  'known-hosts': { type: 'string' },
  features: { type: 'string' },
  'builder-image': { type: 'string' },
  'force-docker': { type: 'boolean' },
  env: { type: 'string', multiple: true },
  'build-env': { type: 'string', multiple: true },
  'build-secret': { type: 'string', multiple: true },
  service: { type: 'boolean' },
  port: { type: 'string' },
  'health-check-path': { type: 'string' },
  'container-health-check': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What util.parseArgs gives for {@link SYNTH_FLAGS}. */
export interface SynthFlagValues {
  readonly manifest?: string;
  readonly binary?: string;
  readonly arch?: string;
  readonly 'alarm-email'?: string[];
  readonly out?: string;
  readonly 'stack-name'?: string;
  readonly 'known-hosts'?: string;
  readonly features?: string;
  readonly 'builder-image'?: string;
  readonly 'force-docker'?: boolean;
  readonly env?: string[];
  readonly 'build-env'?: string[];
  readonly 'build-secret'?: string[];
  readonly service?: boolean;
  readonly port?: string;
  readonly 'health-check-path'?: string;
  readonly 'container-health-check'?: string;
}

/** The flags only a service takes. */
const SERVICE_FLAGS = ['port', 'health-check-path', 'container-health-check'] as const;

/** The options `values` ask for, and whether they ask for a service. Throws CLI_USAGE naming the flag. */
export function synthOptionsOf(values: SynthFlagValues): { service: boolean; options: SynthServiceOptions } {
  if (!values.manifest) {
    throw new CdkRustError('CLI_USAGE', 'synth needs --manifest.', 'pass the Cargo.toml to build, e.g. --manifest ./my-fn/Cargo.toml.');
  }
  const service = values.service === true;
  const serviceOnly = SERVICE_FLAGS.filter((flag) => values[flag] !== undefined);
  if (!service && serviceOnly.length > 0) {
    throw new CdkRustError('CLI_USAGE', `--${serviceOnly[0]} is a service option.`, 'add --service to synthesize an ECS Fargate service.');
  }
  if (service && values['force-docker'] !== undefined) {
    throw new CdkRustError('CLI_USAGE', '--force-docker is a function option.', 'leave it out: a service image is always built in Docker.');
  }
  const options: SynthServiceOptions = {
    manifestPath: values.manifest,
    binaryName: values.binary,
    architecture: values.arch,
    alarmEmails: values['alarm-email'],
    outdir: path.resolve(values.out ?? 'cdk-rust.out'),
    stackName: values['stack-name'],
    knownHosts: values['known-hosts'] === undefined ? undefined : knownHostsOf(values['known-hosts']),
    features: values.features
      ?.split(',')
      .map((f) => f.trim())
      .filter(Boolean),
    builderImage: values['builder-image'],
    forceDockerBundling: values['force-docker'],
    environment: values.env && parseEnv(values.env, '--env'),
    buildEnvironment: values['build-env'] && parseEnv(values['build-env'], '--build-env'),
    buildSecrets: values['build-secret'] && parseEnv(values['build-secret'], '--build-secret', 'ID=env:NAME or ID=file:PATH'),
    port: portOf(values.port),
    healthCheckPath: values['health-check-path'],
    containerHealthCheckArgs: values['container-health-check']?.split(' ').filter(Boolean),
  };
  return { service, options };
}

function knownHostsOf(file: string): string[] {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    throw new CdkRustError('CLI_USAGE', `--known-hosts: no file at ${file}.`, 'give a file of pinned known_hosts lines.');
  }
  return fs
    .readFileSync(file, 'utf-8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

function portOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port)) {
    throw new CdkRustError('CLI_USAGE', `--port ${value}: not a port number.`, 'give a whole number from 1 to 65535, e.g. --port 8080.');
  }
  return port;
}
