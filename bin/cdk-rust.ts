#!/usr/bin/env node
/**
 * The cdk-rust command line: a thin layer over the library.
 *
 * Start-up matters (`--help`, `invoke`), so only `synth` loads aws-cdk-lib and the constructs: it
 * imports lib/cli/synth when it runs. `npm run build` bundles this file with esbuild
 * (scripts/bundle-cli.mjs) into dist/bin/cdk-rust.js, with aws-cdk-lib, constructs and cdk-nag left
 * external; keep that import dynamic, or every command pays for aws-cdk-lib again.
 */
import * as path from 'path';
import { parseArgs } from 'util';
import { invokeCommand, INVOKE_USAGE } from '../lib/cli/invoke';
import { runCommand, RUN_USAGE } from '../lib/cli/run';
import { SYNTH_FLAGS, SynthFlagValues, synthOptionsOf } from '../lib/cli/synth-args';
import { watchCommand, WATCH_USAGE } from '../lib/cli/watch';
import { BUILD_CHILD_COMMAND } from '../lib/watch/build-command';
import { CdkRustError } from '../lib/errors';

const USAGE = `Usage: cdk-rust <command> [options]

Commands:
  synth     Build a Cargo project into a Lambda function (or, with --service, an ECS Fargate
            service) and write a deployable CloudFormation template, with no CDK app of your own.
  invoke    Run a function of a synthesized app locally, with the same bootstrap Lambda runs.
  run       Run a container service of a synthesized app locally, until Ctrl-C.
  watch     Serve functions of a synthesized app on local HTTP ports, rebuilding them as their
            sources change, until Ctrl-C.
  help      Show this help.

Any command takes --verbose: on an error, also print the stack trace (and the error CDK wrapped ours in).

cdk-rust synth --manifest PATH [options]
  --manifest PATH       Cargo.toml of the package (or workspace) to build. Required.
  --binary NAME         The bin to run, when the package has several.
  --arch ARCH           x86_64 (default) or arm64.
  --alarm-email ADDR    Subscribe ADDR to the error-rate alarm's topic (repeatable).
  --out DIR             Where to write the output. Default: cdk-rust.out
  --stack-name NAME     CloudFormation stack name. Default: cdk-rust-<binary or crate dir>
  --known-hosts FILE    Pinned known_hosts lines for private git dependencies over SSH.
  --features LIST       Comma-separated Cargo features to enable.
  --builder-image IMG   Docker image to build in (default: CDK_RUST_BUILDER_IMAGE, or cdk-rust's own).
  --force-docker        Build in Docker even when the host toolchain could.
  --env NAME=VALUE      An environment variable of the function or service (repeatable).
  --build-env NAME=VALUE
                        A variable of the build (bundling.buildEnvironment; repeatable), e.g. SQLX_OFFLINE=true.
  --build-secret ID=env:NAME | ID=file:PATH
                        A build secret (bundling.buildSecrets; repeatable): read from this shell's variable NAME
                        or from the file PATH, never written into the template, asset or logs.
  --service             An ECS Fargate service behind a load balancer instead of a function: the
                        binary in a minimal image; --alarm-email subscribes to the service's alarms.
  --port N              (service) The port the service listens on (PORT is set to it). Default: 8080
  --health-check-path P (service) The path the load balancer checks. Default: /health
  --container-health-check "ARGS"
                        (service) Run the binary with ARGS as the container health check, e.g. "healthcheck".
                        Default: cdk-rust's health probe requests the health-check path.

Output: DIR is a CDK cloud assembly holding the template (<stack>.template.json), the built asset and
bootstrap.zip (the code as Lambda takes it). Deploy it with the CDK CLI, which uploads the asset:
  npx cdk deploy --app DIR

${INVOKE_USAGE}
${RUN_USAGE}
${WATCH_USAGE}`;

function main(argv: string[]): number | Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'synth') return synth(rest);
  if (command === 'invoke') return invoke(rest);
  if (command === 'run') return run(rest);
  if (command === 'watch') return watch(rest);
  // The build child of `watch` (not for people): loaded here, as it brings aws-cdk-lib.
  if (command === BUILD_CHILD_COMMAND) return import('../lib/watch/build-runner').then((m) => m.runBuildChild());
  throw new CdkRustError('CLI_USAGE', `unknown command "${command}".`, 'run `cdk-rust --help` for the commands.');
}

async function synth(args: string[]): Promise<number> {
  const { values } = parseCommand(args, SYNTH_FLAGS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const { service: asService, options } = synthOptionsOf(values as SynthFlagValues);
  // Loaded here, not at the top: it brings aws-cdk-lib, which no other command needs.
  const { synthFunctionApp, synthServiceApp } = await import('../lib/cli/synth');
  if (asService) {
    const service = synthServiceApp(options);
    process.stdout.write(
      [
        `stack:    ${service.stackName}`,
        `template: ${path.relative(process.cwd(), service.templateFile)}`,
        `image:    ${path.relative(process.cwd(), service.imageTarball)}`,
        `run:      npx cdk-rust run Stack/Service --app ${path.relative(process.cwd(), service.assemblyDir) || '.'}`,
        `deploy:   npx cdk deploy --app ${path.relative(process.cwd(), service.assemblyDir) || '.'}`,
        '',
      ].join('\n'),
    );
    return 0;
  }
  const result = synthFunctionApp(options);
  process.stdout.write(
    [
      `stack:    ${result.stackName}`,
      `template: ${path.relative(process.cwd(), result.templateFile)}`,
      `code:     ${path.relative(process.cwd(), result.zipFile)}`,
      `deploy:   npx cdk deploy --app ${path.relative(process.cwd(), result.assemblyDir) || '.'}`,
      '',
    ].join('\n'),
  );
  return 0;
}

function invoke(args: string[]): number | Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    {
      event: { type: 'string' },
      app: { type: 'string' },
      env: { type: 'string', multiple: true },
      'aws-credentials': { type: 'boolean' },
      'aws-profile': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  return invokeCommand({
    positionals,
    event: values.event as string | undefined,
    app: values.app as string | undefined,
    env: values.env as string[] | undefined,
    awsCredentials: values['aws-credentials'] as boolean | undefined,
    awsProfile: values['aws-profile'] as string | undefined,
  });
}

function run(args: string[]): Promise<number> | number {
  const { values, positionals } = parseCommand(
    args,
    {
      app: { type: 'string' },
      env: { type: 'string', multiple: true },
      'aws-credentials': { type: 'boolean' },
      'aws-profile': { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  return runCommand({
    positionals,
    app: values.app as string | undefined,
    env: values.env as string[] | undefined,
    awsCredentials: values['aws-credentials'] as boolean | undefined,
    awsProfile: values['aws-profile'] as string | undefined,
    timeout: values.timeout as string | undefined,
  });
}

function watch(args: string[]): Promise<number> | number {
  const { values, positionals } = parseCommand(
    args,
    {
      app: { type: 'string' },
      port: { type: 'string' },
      env: { type: 'string', multiple: true },
      'aws-credentials': { type: 'boolean' },
      'aws-profile': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  return watchCommand({
    positionals,
    app: values.app as string | undefined,
    port: values.port as string | undefined,
    env: values.env as string[] | undefined,
    awsCredentials: values['aws-credentials'] as boolean | undefined,
    awsProfile: values['aws-profile'] as string | undefined,
  });
}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

function parseCommand(
  args: string[],
  options: Options,
  allowPositionals = false,
): { values: Record<string, unknown>; positionals: string[] } {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (error) {
    throw new CdkRustError(
      'CLI_USAGE',
      (error as Error).message.replace(/\. To specify.*$/s, '.'),
      'run `cdk-rust --help` for the options.',
    );
  }
}

/** Errors in what the user typed (exit 2), as opposed to failures of what ran (exit 1). */
const USAGE_ERRORS = new Set(['CLI_USAGE', 'INVALID_EVENT', 'FUNCTION_NOT_FOUND', 'SERVICE_NOT_FOUND']);

/**
 * Prints an error for people: a CdkRustError as its message (what, where, and the fix); anything else,
 * which would be a cdk-rust bug, with its stack. `--verbose` adds the stacks of both.
 */
function report(error: unknown, verbose: boolean): void {
  if (error instanceof CdkRustError) {
    process.stderr.write(`cdk-rust: ${error.message}\n`);
    if (verbose) {
      process.stderr.write(`${error.stack}\n`);
      if (error.cause instanceof Error) process.stderr.write(`caused by: ${error.cause.stack}\n`);
    }
    process.exitCode = USAGE_ERRORS.has(error.code) ? 2 : 1;
  } else {
    process.stderr.write(`cdk-rust: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  }
}

const argv = process.argv.slice(2);
const verbose = argv.includes('--verbose');
try {
  const result = main(argv.filter((arg) => arg !== '--verbose'));
  if (typeof result === 'number') process.exitCode = result;
  else
    result.then(
      (code) => {
        process.exitCode = code;
      },
      (error) => report(error, verbose),
    );
} catch (error) {
  report(error, verbose);
}
