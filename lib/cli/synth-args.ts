/**
 * `cdk-rust synth`'s command line, turned into the options of synthFunctionApp or synthServiceApp: every flag's
 * value checked here, with an error naming the flag, so the library never sees a string where it wants a number.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { fromArchFlag } from '../private/architecture';
import { parseEnv } from './local-environment';
import { FlagValues, HELP, parseCommand } from './parse-command';
import type { SynthOptions, SynthServiceOptions } from './synth';

/** The flags of `cdk-rust synth`, as util.parseArgs takes them. */
export const SYNTH_FLAGS = {
  manifest: { type: 'string' },
  binary: { type: 'string' },
  arch: { type: 'string' },
  'alarm-email': { type: 'string', multiple: true },
  dashboard: { type: 'boolean' },
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
export type SynthFlagValues = FlagValues<typeof SYNTH_FLAGS>;

/** What a `cdk-rust synth` command line asks for: a function, or (`--service`) a service. */
export type SynthArguments =
  { readonly service: false; readonly options: SynthOptions } | { readonly service: true; readonly options: SynthServiceOptions };

/** The flags only a service takes. */
const SERVICE_FLAGS = ['port', 'health-check-path', 'container-health-check'] as const;

/** `cdk-rust synth`'s arguments, parsed and checked; {@link HELP} for `--help`. Throws CLI_USAGE naming the flag. */
export function synthArguments(args: readonly string[]): SynthArguments | typeof HELP {
  const { values } = parseCommand(args, SYNTH_FLAGS);
  return values.help ? HELP : synthOptionsOf(values);
}

/** The options `values` ask for, and whether they ask for a service. Throws CLI_USAGE naming the flag. */
export function synthOptionsOf(values: SynthFlagValues): SynthArguments {
  const manifestPath = manifestOf(values);
  if (values.service) {
    if (values['force-docker'] !== undefined) {
      throw new CdkRustError(
        'CLI_USAGE',
        '--force-docker is a function option.',
        'leave it out: a service image is always built in Docker.',
      );
    }
    return { service: true, options: { ...commonOptionsOf(values, manifestPath, 'Fargate'), ...serviceOptionsOf(values) } };
  }
  const serviceOnly = SERVICE_FLAGS.find((flag) => values[flag] !== undefined);
  if (serviceOnly) {
    throw new CdkRustError('CLI_USAGE', `--${serviceOnly} is a service option.`, 'add --service to synthesize an ECS Fargate service.');
  }
  return { service: false, options: { ...commonOptionsOf(values, manifestPath, 'Lambda'), forceDockerBundling: values['force-docker'] } };
}

function manifestOf(values: SynthFlagValues): string {
  if (values.manifest) return values.manifest;
  throw new CdkRustError('CLI_USAGE', 'synth needs --manifest.', 'pass the Cargo.toml to build, e.g. --manifest ./my-fn/Cargo.toml.');
}

/** The options a function and a service share: what to build, where to write it, and the build's settings. */
function commonOptionsOf(values: SynthFlagValues, manifestPath: string, runner: 'Lambda' | 'Fargate'): SynthOptions {
  return {
    manifestPath,
    binaryName: values.binary,
    alarmEmails: values['alarm-email'],
    dashboard: values.dashboard,
    outdir: path.resolve(values.out ?? 'cdk-rust.out'),
    stackName: values['stack-name'],
    environment: values.env && parseEnv(values.env, '--env'),
    ...buildOptionsOf(values),
    architecture: values.arch === undefined ? undefined : fromArchFlag(values.arch, runner),
  };
}

/** The build's options: `bundling` of the construct, and the builder. */
function buildOptionsOf(
  values: SynthFlagValues,
): Pick<SynthOptions, 'knownHosts' | 'features' | 'builderImage' | 'buildEnvironment' | 'buildSecrets'> {
  return {
    knownHosts: values['known-hosts'] === undefined ? undefined : knownHostsOf(values['known-hosts']),
    features: values.features
      ?.split(',')
      .map((f) => f.trim())
      .filter(Boolean),
    builderImage: values['builder-image'],
    buildEnvironment: values['build-env'] && parseEnv(values['build-env'], '--build-env'),
    buildSecrets: values['build-secret'] && parseEnv(values['build-secret'], '--build-secret', 'ID=env:NAME or ID=file:PATH'),
  };
}

/** The options only a service takes. */
function serviceOptionsOf(values: SynthFlagValues): Omit<SynthServiceOptions, keyof SynthOptions> {
  return {
    port: portOf(values.port),
    healthCheckPath: values['health-check-path'],
    containerHealthCheckArgs: values['container-health-check']?.split(' ').filter(Boolean),
  };
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
