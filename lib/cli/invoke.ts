/**
 * `cdk-rust invoke`: runs a function of a synthesized app locally and prints its response.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { localFunctionFromAssembly } from '../invoke/invoke-locally';
import { MAX_ENVIRONMENT_CONCURRENCY } from '../invoke/environment-concurrency';
import { readEventFile } from '../invoke/event';
import { progress } from '../private/progress';
import { countFlag } from './count-flag';
import { invokeMany, reportInvocation } from './invoke-many';
import { localEnvironment } from './local-environment';

/** The most invocations `--invocations` sends at once. */
export const MAX_INVOCATIONS = 10_000;

export const INVOKE_USAGE = `cdk-rust invoke <construct path or logical id> [options]
  --event FILE          The event (JSON) to send; - reads it from stdin. Default: {}
  --app DIR             The cloud assembly the function is in. Default: cdk.out (synthesized first
                        with the project's CDK CLI when it does not exist and cdk.json is here).
  --env NAME=VALUE      Set an environment variable of the function (repeatable), e.g. for one whose
                        value only resolves when deployed.
  --aws-credentials     Pass this shell's AWS credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
                        AWS_SESSION_TOKEN) to the function. Without it, the function gets none
                        (only the region).
  --aws-profile NAME    Pass the credentials of the AWS profile NAME instead, resolved by the AWS CLI v2
                        (aws configure export-credentials: SSO and assumed roles give short-lived values).
  --invocations N       Send the event N times at once to the function's one process. Each response is
                        printed on one line of stdout as it arrives, each REPORT on stderr, then how many
                        ran at once at most. Default: 1
  --concurrency N       How many invocations the process runs at once (AWS_LAMBDA_MAX_CONCURRENCY), as a
                        Lambda Managed Instances environment does; more wait their turn. 1 runs them one by
                        one. Default: the template's (PerExecutionEnvironmentMaxConcurrency, or 8 per vCPU
                        on a capacity provider), else 1.
  --raw-logs            Print the function's logs exactly as it wrote them. Without it, each JSON log line
                        (lambda_runtime's tracing JSON, Lambda's JSON records) is printed as one readable
                        line: level, [request id], spans, message, then key=value fields.

  Runs the function's bootstrap with the environment Lambda gives it, against a local Lambda runtime
  API. Prints the response on stdout (a streamed response chunk by chunk, as it arrives; the status
  and headers of its HTTP prelude go to stderr) and the function's logs on stderr. Exits 0 when the
  function succeeds, 1 when it fails (printing the error JSON on stdout, after any chunks already
  streamed, or when any of --invocations failed), 2 on usage errors.
  Example: cdk-rust invoke MyStack/Api --event event.json
  Example: cdk-rust invoke MyStack/Api --event event.json --invocations 8 --concurrency 8
`;

/** The parsed arguments of `cdk-rust invoke`. */
export interface InvokeCommandArgs {
  readonly positionals: string[];
  readonly event?: string;
  readonly app?: string;
  readonly env?: string[];
  /** --aws-credentials: pass this process's AWS credentials to the function. */
  readonly awsCredentials?: boolean;
  /** --aws-profile: a named profile's credentials, resolved by the AWS CLI. */
  readonly awsProfile?: string;
  /** --concurrency: how many invocations the process runs at once, over the template's. */
  readonly concurrency?: string;
  /** --invocations: how many times the event is sent at once. */
  readonly invocations?: string;
  /** --raw-logs: print the function's logs as it wrote them, not made readable. */
  readonly rawLogs?: boolean;
}

/** Runs `cdk-rust invoke` and returns its exit code. */
export async function invokeCommand(args: InvokeCommandArgs): Promise<number> {
  if (args.positionals.length !== 1) {
    throw new CdkRustError(
      'CLI_USAGE',
      args.positionals.length === 0 ? 'invoke needs the function to run.' : `invoke runs one function; got ${args.positionals.join(' ')}.`,
      'name it by construct path or logical id, e.g. `cdk-rust invoke MyStack/Api`.',
    );
  }
  const concurrency = countFlag('--concurrency', args.concurrency, MAX_ENVIRONMENT_CONCURRENCY);
  const invocations = countFlag('--invocations', args.invocations, MAX_INVOCATIONS) ?? 1;
  const { environment, passCredentials } = localEnvironment(args);
  const eventJson = args.event === undefined ? '{}' : readEventFile(args.event, '--event');
  const assemblyDir = ensureAssembly(path.resolve(args.app ?? 'cdk.out'), args.app);

  const { fn, definition } = localFunctionFromAssembly(assemblyDir, args.positionals[0], {
    environment,
    passCredentials,
    concurrency,
    rawLogs: args.rawLogs === true,
  });
  const name = definition.constructPath ?? `${definition.stackName}/${definition.logicalId}`;
  try {
    if (invocations > 1) return await invokeMany(fn, name, eventJson, invocations);
    const invocation = fn.invokeJsonStream(eventJson);
    void invocation.head.then((head) => {
      if (head?.statusCode !== undefined) {
        const headers = Object.entries(head.headers ?? {}).map(([header, value]) => `${header}: ${value}`);
        progress(`HTTP ${head.statusCode}${headers.length ? ` (${headers.join('; ')})` : ''}`);
      }
    });
    // Each chunk goes out as it arrives (writes to a pipe or a file are synchronous in Node on Linux and macOS).
    let last = '\n';
    let written = false;
    for await (const chunk of invocation.body) {
      const bytes = chunk as Buffer;
      if (bytes.length === 0) continue;
      process.stdout.write(bytes);
      last = String.fromCharCode(bytes[bytes.length - 1]);
      written = true;
    }
    const result = await invocation.result;
    reportInvocation(name, result);
    // The output ends with a newline: after the response, and before an error printed after streamed chunks.
    if (result.ok) {
      if (!written || last !== '\n') process.stdout.write('\n');
      return 0;
    }
    if (written && last !== '\n') process.stdout.write('\n');
    progress(`${name} failed (${result.kind}): ${result.error.errorType}: ${result.error.errorMessage}`);
    process.stdout.write(`${JSON.stringify(result.error)}\n`);
    return 1;
  } finally {
    await fn.close();
  }
}

/**
 * The assembly directory `dir` (from `--app`, as the user wrote it, when given); synthesized first with the
 * project's CDK CLI when it is missing and cdk.json is here.
 */
export function ensureAssembly(dir: string, app: string | undefined): string {
  if (fs.existsSync(path.join(dir, 'manifest.json'))) return dir;
  const cdkJson = path.join(process.cwd(), 'cdk.json');
  if (fs.existsSync(dir) || !fs.existsSync(cdkJson)) {
    throw new CdkRustError(
      'CLI_USAGE',
      `${app !== undefined ? `--app ${app}: ` : ''}${dir} is not a cloud assembly${fs.existsSync(dir) ? ' (it has no manifest.json)' : ' (it does not exist)'}${fs.existsSync(cdkJson) ? '' : ', and there is no cdk.json here to synthesize one'}.`,
      app !== undefined ? 'point --app at the directory `cdk synth` wrote.' : 'run `cdk synth` first, or pass --app DIR.',
    );
  }
  const cdk = path.join(process.cwd(), 'node_modules', '.bin', 'cdk');
  if (!fs.existsSync(cdk)) {
    throw new CdkRustError(
      'INVOKE_FAILED',
      `${dir} does not exist, and this project has no CDK CLI (${cdk}) to synthesize it.`,
      'install it (npm install --save-dev aws-cdk) or run `cdk synth` yourself.',
    );
  }
  progress(`${path.relative(process.cwd(), dir) || dir} does not exist: synthesizing it with ${path.relative(process.cwd(), cdk)} synth`);
  // The CDK CLI's stdout goes to our stderr: stdout carries only the function's response.
  const result = spawnSync(cdk, ['synth', '--quiet', '--no-notices', '-o', dir], { stdio: ['ignore', 2, 2] });
  if (result.status !== 0 || !fs.existsSync(path.join(dir, 'manifest.json'))) {
    throw new CdkRustError(
      'INVOKE_FAILED',
      `\`cdk synth --quiet -o ${dir}\` failed (${result.error?.message ?? `exit ${result.status}`}).`,
      'fix the synthesis errors above, then run cdk-rust invoke again.',
    );
  }
  return dir;
}
