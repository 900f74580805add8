#!/usr/bin/env node
/**
 * The cdk-rust command line: a thin layer over the library.
 *
 * Start-up matters (`--help`, `invoke`), so only `synth` loads aws-cdk-lib and the constructs: it
 * imports lib/cli/synth when it runs. `npm run build` bundles this file with esbuild
 * (scripts/bundle-cli.mjs) into dist/bin/cdk-rust.js, with aws-cdk-lib, constructs and cdk-nag left
 * external; keep that import dynamic, or every command pays for aws-cdk-lib again.
 */
import { invokeCommand, INVOKE_USAGE } from '../lib/cli/invoke';
import { invokeArguments, runArguments, watchCommandArguments } from '../lib/cli/local-command-args';
import { HELP } from '../lib/cli/parse-command';
import { runCommand, RUN_USAGE } from '../lib/cli/run';
import { synthArguments } from '../lib/cli/synth-args';
import { synthCommand, SYNTH_USAGE } from '../lib/cli/synth-command';
import { watchCommand, WATCH_USAGE } from '../lib/cli/watch';
import { BUILD_CHILD_COMMAND } from '../lib/watch/build-command';
import { IMAGE_BUILD_CHILD_COMMAND } from '../lib/service/image-build-command';
import { CdkRustError } from '../lib/errors';
import { VERBOSE_VARIABLE } from '../lib/private/verbose';

const USAGE = `Usage: cdk-rust <command> [options]

Commands:
  synth     Build a Cargo project into a Lambda function (or, with --service, an ECS Fargate
            service) and write a deployable CloudFormation template, with no CDK app of your own.
  invoke    Run a function of a synthesized app locally, with the same bootstrap Lambda runs.
  run       Run a container service of a synthesized app locally, until Ctrl-C.
  watch     Serve functions of a synthesized app on local HTTP ports, rebuilding them as their
            sources change, until Ctrl-C.
  help      Show this help.

Any command takes --verbose: builds stream BuildKit's and cargo's full output (as CDK_RUST_VERBOSE=1 does
for cdk synth) instead of a few lines and a log file; on an error, also print the stack trace (and the error
CDK wrapped ours in).

${SYNTH_USAGE}
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
  // The image build child of `run --watch`, likewise.
  if (command === IMAGE_BUILD_CHILD_COMMAND) return import('../lib/service/image-build-child').then((m) => m.runImageBuildChild());
  throw new CdkRustError('CLI_USAGE', `unknown command "${command}".`, 'run `cdk-rust --help` for the commands.');
}

/** A command: its arguments parsed, then `execute` run with them, or the usage for `--help`. */
function command<A>(parse: (args: readonly string[]) => A | typeof HELP, execute: (parsed: A) => Promise<number>) {
  return (args: string[]): number | Promise<number> => {
    const parsed = parse(args);
    return parsed === HELP ? help() : execute(parsed);
  };
}

const synth = command(synthArguments, synthCommand);
const invoke = command(invokeArguments, invokeCommand);
const run = command(runArguments, runCommand);
const watch = command(watchCommandArguments, watchCommand);

/** A command's `--help`: the whole usage. */
function help(): number {
  process.stdout.write(USAGE);
  return 0;
}

/** Errors in what the user typed (exit 2), as opposed to failures of what ran (exit 1). */
const USAGE_ERRORS = new Set(['CLI_USAGE', 'INVALID_EVENT', 'FUNCTION_NOT_FOUND', 'INVALID_ASSEMBLY', 'SERVICE_NOT_FOUND']);

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
// Read by every build of this process and of the synths it starts (lib/private/verbose.ts).
if (verbose) process.env[VERBOSE_VARIABLE] = '1';
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
