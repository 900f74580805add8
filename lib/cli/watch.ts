/**
 * `cdk-rust watch`: serves functions of a synthesized app on local HTTP ports, as function URLs, and
 * rebuilds each when its sources change, until Ctrl-C or SIGTERM.
 */
import * as path from 'path';
import { CdkRustError } from '../errors';
import { MAX_ENVIRONMENT_CONCURRENCY } from '../invoke/environment-concurrency';
import { progress } from '../private/progress';
import { countFlag } from './count-flag';
import { ensureAssembly } from './invoke';
import { localEnvironment } from './local-environment';
import { LoopProfileArgs, LOOP_PROFILE, loopProfile } from './loop-profile';
import { runUntilSignal } from './until-signal';

/** The first function's port unless --port says otherwise. */
export const DEFAULT_WATCH_PORT = 9000;

export const WATCH_USAGE = `cdk-rust watch <construct path or logical id> [...] [options]
  --app DIR             The cloud assembly the functions are in. Default: cdk.out (synthesized first
                        with the project's CDK CLI when it does not exist and cdk.json is here).
  --port N              The first function's port; the next functions take N+1, N+2, ... 0 picks free
                        ports. Default: ${DEFAULT_WATCH_PORT}
  --env NAME=VALUE      Set an environment variable of every function (repeatable).
  --aws-credentials     Pass this shell's AWS credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
                        AWS_SESSION_TOKEN) to the functions. Without it, the functions get none
                        (only the region).
  --aws-profile NAME    Pass the credentials of the AWS profile NAME instead, resolved by the AWS CLI v2
                        (aws configure export-credentials: SSO and assumed roles give short-lived values).
  --profile NAME        The Cargo profile rebuilds use. Default: ${LOOP_PROFILE} (no LTO, incremental, in a target
                        cache of its own; still static musl, built in Docker like synth).
  --release             Rebuild exactly what is deployed (the construct's profile, usually release).
  --concurrency N       How many requests each function's process runs at once (AWS_LAMBDA_MAX_CONCURRENCY),
                        as a Lambda Managed Instances environment does; more wait their turn. 1 runs them
                        one by one. Default: the template's (PerExecutionEnvironmentMaxConcurrency, or 8 per
                        vCPU on a capacity provider), else 1.
  --raw-logs            Print the functions' logs exactly as they wrote them. Without it, each JSON log line
                        (lambda_runtime's tracing JSON, Lambda's JSON records) is printed as one readable
                        line: level, [request id], spans, message, then key=value fields.

  Serves each RustFunction on http://127.0.0.1:PORT/ as its function URL would (payload format 2.0
  events, so curl works), running its bootstrap with the template's environment, memory and timeout.
  When a file its build reads changes, it builds again through the same plan and hash as synth, with
  the loop's profile (nothing is built when the hash is unchanged; the synthesized build serves until
  the first loop build is done), one build at a time, while the previous build keeps answering;
  a failed build leaves it serving. After a new \`cdk synth\`, the template's settings are reloaded.
  Only requests addressed to 127.0.0.1, localhost or [::1] and the port are served, and none that a
  web page of another origin sends (403): open the URL itself in a browser, or use curl.
  Ctrl-C or SIGTERM stops everything.
  Example: cdk-rust watch MyStack/Api MyStack/Worker
`;

/** The parsed arguments of `cdk-rust watch`. */
export interface WatchCommandArgs extends LoopProfileArgs {
  readonly positionals: string[];
  readonly app?: string;
  readonly port?: string;
  readonly env?: string[];
  /** --aws-credentials: pass this process's AWS credentials to the functions. */
  readonly awsCredentials?: boolean;
  /** --aws-profile: a named profile's credentials, resolved by the AWS CLI. */
  readonly awsProfile?: string;
  /** --concurrency: how many requests each function's process runs at once, over the template's. */
  readonly concurrency?: string;
  /** --raw-logs: print the functions' logs as they wrote them, not made readable. */
  readonly rawLogs?: boolean;
}

/** The checked arguments of `cdk-rust watch`. */
export interface WatchArguments {
  readonly functions: string[];
  /** The profile rebuilds use; undefined for the recorded one (--release). */
  readonly profile?: string;
  readonly port: number;
  readonly environment: Record<string, string>;
  readonly passCredentials: boolean;
  /** How many requests each function's process runs at once; undefined for the template's. */
  readonly concurrency?: number;
  /** Print the functions' logs as they wrote them (--raw-logs); absent to make JSON lines readable. */
  readonly rawLogs?: boolean;
}

/** Checks the arguments of `cdk-rust watch`: CLI_USAGE errors before anything starts. */
export function watchArguments(args: WatchCommandArgs): WatchArguments {
  if (args.positionals.length === 0) {
    throw new CdkRustError(
      'CLI_USAGE',
      'watch needs the functions to serve.',
      'name each by construct path or logical id, e.g. `cdk-rust watch MyStack/Api MyStack/Worker`.',
    );
  }
  const duplicate = args.positionals.find((p, i) => args.positionals.indexOf(p) !== i);
  if (duplicate !== undefined) {
    throw new CdkRustError('CLI_USAGE', `watch: ${duplicate} is named twice.`, 'name each function once.');
  }
  const port = args.port === undefined ? DEFAULT_WATCH_PORT : /^\d+$/.test(args.port) ? Number(args.port) : NaN;
  if (!(port >= 0) || port + args.positionals.length - 1 > 65535) {
    throw new CdkRustError(
      'CLI_USAGE',
      `--port ${args.port}: not a port number${port >= 0 ? ` for ${args.positionals.length} functions (they take ${port} and the next ports)` : ''}.`,
      'give a whole number from 1 to 65535 (the functions take N, N+1, ...), or 0 for free ports, e.g. --port 9000.',
    );
  }
  const concurrency = countFlag('--concurrency', args.concurrency, MAX_ENVIRONMENT_CONCURRENCY);
  return {
    functions: args.positionals,
    port,
    profile: loopProfile(args, 'watch'),
    ...localEnvironment(args),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(args.rawLogs ? { rawLogs: true } : {}),
  };
}

/** Runs `cdk-rust watch` until Ctrl-C or SIGTERM; returns its exit code. */
export async function watchCommand(args: WatchCommandArgs): Promise<number> {
  const { functions, port, profile, environment, passCredentials, concurrency, rawLogs } = watchArguments(args);
  const assemblyDir = ensureAssembly(path.resolve(args.app ?? 'cdk.out'), args.app);
  // Loaded here: it brings aws-cdk-lib (through the bundling), which `--help` does not need.
  const { WatchSession } = await import('../watch/watch-session');
  const session = new WatchSession({ assemblyDir, functions, port, profile, environment, passCredentials, concurrency, rawLogs });
  // Ctrl-C during a first build stops that build too (it runs in a process group of its own).
  await runUntilSignal(session, 'stopping', () => {
    if (!session.isClosed) {
      progress(`watching ${functions.length === 1 ? session.functions[0].name : `${functions.length} functions`} (Ctrl-C stops)`);
    }
  });
  return 0;
}
