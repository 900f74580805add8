/**
 * Running functions locally, end to end: real bootstraps built by cdk-rust in Docker (the fixture on the
 * real `lambda_runtime` crate, and a hand-written std-only runtime), run against the Runtime API emulator.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { invokeLocally, InvokeFailure, InvokeResult, InvokeSuccess, LocalFunction, LocalFunctionOptions } from '../../lib';
import { Bundling } from '../../lib/bundling/bundling';
import { builtAssembly, captureStderr, devEnv, FIXTURES, stderrOf, tempDir } from '../support';
import { cdkRustProcess } from '../ts-node-process';

const ROOT = path.join(__dirname, '..', '..');

/** Builds a fixture crate with cdk-rust, in Docker, and returns its bootstrap. */
function build(name: string, architecture = lambda.Architecture.X86_64): string {
  const prepared = Bundling.prepare({
    manifestPath: path.join(FIXTURES, name, 'Cargo.toml'),
    builderImage: devEnv().builderImage,
    forceDockerBundling: true,
    architecture,
  });
  return captureStderr(() => Bundling.build(prepared, path.join(tempDir(name), 'asset'))).result.bootstrap;
}

function ok(result: InvokeResult): InvokeSuccess {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result)}`);
  return result;
}

function failed(result: InvokeResult): InvokeFailure {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result;
}

let behaviours: string;
let raw: string;
let rawArm64: string;
const opened: LocalFunction[] = [];

function local(code: string, options: Partial<LocalFunctionOptions> = {}): LocalFunction {
  const fn = new LocalFunction({ code, streamLogs: false, ...options });
  opened.push(fn);
  return fn;
}

beforeAll(() => {
  devEnv();
  behaviours = build('lambda-behaviours');
  raw = build('raw-runtime');
  rawArm64 = build('raw-runtime', lambda.Architecture.ARM_64);
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((fn) => fn.close()));
});

describe('LocalFunction, on the lambda_runtime crate: it answers, stays warm and fails as Lambda does', () => {
  test('answers an event; its stdout and stderr are streamed to stderr and collected in the result', async () => {
    const fn = local(behaviours, { functionName: 'behaviours', streamLogs: true, region: 'eu-west-1' });
    const { result, stderr } = await stderrOf(() => fn.invoke({ action: 'echo', name: 'Ferris' }));
    const success = ok(result);
    expect(success.payload).toMatchObject({
      echo: { action: 'echo', name: 'Ferris' },
      requestId: success.requestId,
      functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:behaviours',
      traceId: expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/),
    });
    expect(success.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(success.logs).toContain(`stdout: action echo in request ${success.requestId}`);
    expect(success.logs).toContain('stderr: invocation 1 of process');
    expect(stderr).toContain(`stdout: action echo in request ${success.requestId}`);
    expect(success.initDurationMs).toBeGreaterThan(0);
  });

  test('stays warm: two invocations are served by one process', async () => {
    const fn = local(behaviours);
    const first = ok(await fn.invoke({ action: 'count' }));
    const second = ok(await fn.invoke({ action: 'count' }));
    expect(first.payload).toEqual({ count: 1, pid: fn.pid });
    expect(second.payload).toEqual({ count: 2, pid: fn.pid });
    expect(first.initDurationMs).toBeDefined();
    expect(second.initDurationMs).toBeUndefined();
    expect(second.logs).not.toContain('invocation 1 of');
  });

  test('a handler Err is a function error with its errorType and errorMessage', async () => {
    const fn = local(behaviours);
    const failure = failed(await fn.invoke({ action: 'fail' }));
    expect(failure.kind).toBe('function');
    expect(failure.error).toEqual({ errorType: 'BehaviourError', errorMessage: 'the event asked this function to fail' });
  });

  test('a panic is caught by lambda_runtime and reported as a function error; the process stays warm', async () => {
    const fn = local(behaviours);
    const failure = failed(await fn.invoke({ action: 'panic' }));
    expect(failure.kind).toBe('function');
    expect(failure.error.errorMessage).toBe('Lambda panicked: the event asked this function to panic');
    // lambda_runtime 1.5 names the type of the panic payload.
    expect(failure.error.errorType).toContain('Box<dyn core::any::Any');
    expect(failure.logs).toContain('panicked at src/main.rs');
    const pid = fn.pid;
    expect(ok(await fn.invoke({ action: 'count' })).payload).toEqual({ count: 2, pid });
  });

  test('a timeout kills the process with Sandbox.Timedout; the next invocation runs in a new process', async () => {
    const fn = local(behaviours, { timeoutSeconds: 1 });
    const first = ok(await fn.invoke({ action: 'count' }));
    const { result } = await stderrOf(() => fn.invoke({ action: 'sleep', ms: 5000 }));
    const failure = failed(result);
    expect(failure.kind).toBe('timeout');
    expect(failure.error).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' });
    expect(failure.durationMs).toBeGreaterThanOrEqual(990);
    expect(failure.durationMs).toBeLessThan(3000);
    expect(fn.pid).toBeUndefined();

    const next = ok(await fn.invoke({ action: 'count' }));
    expect(next.payload).toMatchObject({ count: 1 });
    expect((next.payload as { pid: number }).pid).not.toBe((first.payload as { pid: number }).pid);
    expect(next.initDurationMs).toBeDefined();
  });

  test('a sleep within the timeout answers', async () => {
    const fn = local(behaviours, { timeoutSeconds: 2 });
    expect(ok(await fn.invoke({ action: 'sleep', ms: 300 })).payload).toEqual({ slept: 300 });
  });

  test('a process that exits during an invocation is a Runtime.ExitError; the next invocation starts a new one', async () => {
    const fn = local(behaviours);
    const failure = failed(await fn.invoke({ action: 'exit', code: 4 }));
    expect(failure).toMatchObject({ kind: 'exit', exitCode: 4, error: { errorType: 'Runtime.ExitError' } });
    expect(failure.error.errorMessage).toMatch(/^Runtime exited with error: exit status 4\n/);
    expect(failure.error.errorMessage).toContain('exiting with code 4');
    expect(ok(await fn.invoke({ action: 'count' })).payload).toMatchObject({ count: 1 });
  });

  test('an error from main before the runtime starts: lambda_runtime posts no /init/error, the process exits 1', async () => {
    const fn = local(behaviours, { environment: { FAIL_INIT: '1' } });
    const failure = failed(await fn.invoke({ action: 'echo' }));
    expect(failure).toMatchObject({ kind: 'exit', exitCode: 1, error: { errorType: 'Runtime.ExitError' } });
    expect(failure.error.errorMessage).toContain('Runtime exited with error: exit status 1');
    expect(failure.error.errorMessage).toContain('Error: "initialisation failed: FAIL_INIT=1"');
    expect(failure.logs).toContain('FAIL_INIT=1: failing before the runtime starts');
  });

  test('malformed event JSON is refused before any process starts', async () => {
    const fn = local(behaviours);
    await expect(fn.invokeJson('{"action": echo}')).rejects.toThrow(/the event is not valid JSON: Unexpected token/);
    expect(fn.pid).toBeUndefined();
  });
});

describe("LocalFunction, on a hand-written runtime: it gets Lambda's headers, environment and limits", () => {
  test("gets Lambda's headers with each event, and Lambda's environment plus its own variables", async () => {
    const fn = local(raw, {
      functionName: 'raw-fn',
      memorySize: 512,
      region: 'eu-west-1',
      logFormat: 'JSON',
      applicationLogLevel: 'DEBUG',
      environment: { GREETING: 'hi', AWS_LAMBDA_FUNCTION_NAME: 'not-allowed' },
    });
    const before = Date.now();
    const success = ok(await fn.invoke({ respond: 'headers' }));
    const { headers, env, cwd } = success.payload as { headers: Record<string, string>; env: Record<string, string>; cwd: string };
    expect(headers).toMatchObject({
      'lambda-runtime-aws-request-id': success.requestId,
      'lambda-runtime-invoked-function-arn': 'arn:aws:lambda:eu-west-1:000000000000:function:raw-fn',
      'lambda-runtime-trace-id': expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/),
      'content-type': 'application/json',
    });
    const deadline = Number(headers['lambda-runtime-deadline-ms']);
    expect(deadline).toBeGreaterThanOrEqual(before + 3000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 3000);
    const taskRoot = path.dirname(raw);
    expect(env).toMatchObject({
      AWS_LAMBDA_RUNTIME_API: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      AWS_LAMBDA_FUNCTION_NAME: 'raw-fn',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_LAMBDA_LOG_FORMAT: 'JSON',
      AWS_LAMBDA_LOG_LEVEL: 'DEBUG',
      _HANDLER: 'bootstrap',
      LAMBDA_TASK_ROOT: taskRoot,
      TZ: ':UTC',
      GREETING: 'hi',
    });
    expect(cwd).toBe(taskRoot);
    // Nothing of this process's own environment leaks in beyond what Lambda sets (credentials aside).
    expect(env.HOME).toBeUndefined();
    expect(env.CDK_DOCKER).toBeUndefined();
  });

  test('without JSON logging there are no AWS_LAMBDA_LOG_* variables', async () => {
    const fn = local(raw);
    const { env } = ok(await fn.invoke({})).payload as { env: Record<string, string> };
    expect(env.AWS_LAMBDA_LOG_FORMAT).toBeUndefined();
    expect(env.AWS_LAMBDA_LOG_LEVEL).toBeUndefined();
    expect(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE).toBe('128');
  });

  test('an error posted to /init/error is an init error', async () => {
    const fn = local(raw, { environment: { RAW_MODE: 'init-error' } });
    const failure = failed(await fn.invoke({}));
    expect(failure.kind).toBe('init');
    expect(failure.error).toEqual({
      errorType: 'Runtime.RawInitFailure',
      errorMessage: 'the raw runtime could not initialise',
      stackTrace: ['main.rs'],
    });
    expect(failure.logs).toContain('init/error answered 202');
  });

  test('exiting before the first /next is a Runtime.ExitError with the exit code and the end of its stderr', async () => {
    const fn = local(raw, { environment: { RAW_MODE: 'exit-early' } });
    const failure = failed(await fn.invoke({}));
    expect(failure).toMatchObject({ kind: 'exit', exitCode: 7, error: { errorType: 'Runtime.ExitError' } });
    expect(failure.error.errorMessage).toBe(
      'Runtime exited with error: exit status 7\nLast lines of its stderr:\n' +
        'raw-runtime starting in mode "exit-early"\nraw-runtime: giving up before the first /next',
    );
  });

  test('a response over 6 MB is a Function.ResponseSizeTooLarge error (the runtime gets 413); 6 MB exactly passes', async () => {
    const fn = local(raw);
    const failure = failed(await fn.invoke({ respond: 'big', bytes: 6_291_457 }));
    expect(failure).toMatchObject({
      kind: 'function',
      error: {
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: 'Response payload size (6291457 bytes) exceeded maximum allowed payload size (6291456 bytes).',
      },
    });
    expect(failure.logs).toContain('response answered 413');
    const exact = ok(await fn.invoke({ respond: 'big', bytes: 6_291_456 }));
    expect(exact.payloadText.length).toBe(6_291_456);
  });

  test('a response for a request id that was never issued gets 400', async () => {
    const fn = local(raw);
    const { bogusStatus, bogusBody } = ok(await fn.invoke({ respond: 'bad-id' })).payload as { bogusStatus: number; bogusBody: string };
    expect(bogusStatus).toBe(400);
    expect(JSON.parse(bogusBody).errorType).toBe('InvalidRequestID');
  });

  test('an event over 6 MB is refused', async () => {
    const fn = local(raw);
    await expect(fn.invoke({ big: 'x'.repeat(6_291_456) })).rejects.toMatchObject({ code: 'INVALID_EVENT' });
    expect(fn.pid).toBeUndefined();
  });
});

describe('LocalFunction, with an arm64 bootstrap on this x86_64 machine: it runs through qemu, or says how to get it', () => {
  const qemu = spawnSync('sh', ['-c', 'command -v qemu-aarch64-static || command -v qemu-aarch64'], { encoding: 'utf-8' }).stdout.trim();

  (qemu ? test : test.skip)('runs through qemu user-mode emulation', async () => {
    const fn = local(rawArm64, { architecture: 'arm64' });
    const { result, stderr } = await stderrOf(() => fn.invoke({}));
    expect(stderr).toContain(`running the arm64 bootstrap through ${qemu}`);
    expect(ok(result).payload).toMatchObject({ env: { AWS_LAMBDA_FUNCTION_VERSION: '$LATEST' } });
  });

  test('without qemu on PATH, fails saying to install qemu-user-static', async () => {
    const saved = process.env.PATH;
    process.env.PATH = tempDir('empty-path');
    try {
      const fn = local(rawArm64, { architecture: 'arm64' });
      await expect(fn.invoke({})).rejects.toMatchObject({
        code: 'EMULATOR_NOT_FOUND',
        message: expect.stringMatching(
          /is an arm64 binary and this machine is x86_64: running it needs qemu-aarch64-static or qemu-aarch64 on PATH[^]*apt-get install qemu-user-static/,
        ),
      });
    } finally {
      process.env.PATH = saved;
    }
  });

  test('declared x86_64, it fails as Lambda would', async () => {
    const fn = local(rawArm64, { architecture: 'x86_64' });
    await expect(fn.invoke({})).rejects.toMatchObject({ code: 'ARCHITECTURE_MISMATCH' });
  });
});

describe('invokeLocally and cdk-rust invoke, on a synthesized app: a function runs by its construct path', () => {
  let assembly: string;
  beforeAll(() => {
    assembly = builtAssembly(path.join(FIXTURES, 'lambda-behaviours', 'Cargo.toml'), 'invoke-app');
  });

  function cli(
    args: string[],
    options: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {},
  ): { status: number | null; stdout: string; stderr: string } {
    const proc = cdkRustProcess(args, options.env);
    const result = spawnSync(proc.command, proc.args, {
      ...proc.options,
      cwd: options.cwd ?? proc.options.cwd,
      input: options.input,
      encoding: 'utf-8',
      maxBuffer: 64 * 1024 * 1024,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  test("invokeLocally runs a function of the assembly by construct path, with the template's settings", async () => {
    const { result } = await stderrOf(() =>
      invokeLocally({ assemblyDir: assembly, function: 'Stack/Function', event: { action: 'echo' } }),
    );
    const success = ok(result);
    expect(success.payload).toMatchObject({
      echo: { action: 'echo' },
      functionArn: expect.stringMatching(/:function:cdk-rust-lambda-behaviours-Function/),
    });
    const deadline = (success.payload as { deadlineMs: number }).deadlineMs;
    // RustFunction's default timeout is 10 s.
    expect(deadline - Date.now()).toBeGreaterThan(8000);
  });

  test('cdk-rust invoke prints the response on stdout and the logs on stderr, and exits 0', () => {
    const eventFile = path.join(tempDir('event'), 'event.json');
    fs.writeFileSync(eventFile, JSON.stringify({ action: 'echo', name: 'Ferris' }));
    const result = cli(['invoke', 'Stack/Function', '--app', assembly, '--event', eventFile]);
    expect(result.status).toBe(0);
    const response = JSON.parse(result.stdout);
    expect(response.echo).toEqual({ action: 'echo', name: 'Ferris' });
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`stdout: action echo in request ${response.requestId}`);
    expect(result.stderr).toMatch(
      /\[cdk-rust\] REPORT Stack\/Function RequestId: [0-9a-f-]{36} Duration: [\d.]+ ms Init Duration: [\d.]+ ms/,
    );
  });

  test('cdk-rust invoke exits 1 on a function error, printing the error JSON on stdout; the event may come from stdin', () => {
    const result = cli(['invoke', 'Stack/Function', '--app', assembly, '--event', '-'], { input: '{"action":"fail"}' });
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({ errorType: 'BehaviourError', errorMessage: 'the event asked this function to fail' });
    expect(result.stderr).toContain('failed (function): BehaviourError');
  });

  test('cdk-rust invoke exits 2 on usage errors: an unknown function (listing the candidates), a malformed event', () => {
    const unknown = cli(['invoke', 'Stack/Nope', '--app', assembly]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no Lambda function in');
    expect(unknown.stderr).toContain('Stack/Function  (logical id Function');

    const malformed = cli(['invoke', 'Stack/Function', '--app', assembly, '--event', '-'], { input: '{"action":' });
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toContain('the event read from stdin is not valid JSON');

    expect(cli(['invoke', '--app', assembly]).status).toBe(2);
    expect(cli(['invoke', 'Stack/Function', '--app', tempDir('none')]).stderr).toContain('has no manifest.json');
  });

  test('cdk-rust invoke exits 2 when the event file cannot be read (missing, or a directory), naming --event and the file', () => {
    const dir = tempDir('event');
    const missing = cli(['invoke', 'Stack/Function', '--app', assembly, '--event', path.join(dir, 'missing.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`--event: no file at ${path.join(dir, 'missing.json')}.`);
    expect(missing.stderr).toContain('Fix: give the path of a JSON file, or - to read the event from stdin.');

    const directory = cli(['invoke', 'Stack/Function', '--app', assembly, '--event', dir]);
    expect(directory.status).toBe(2);
    expect(directory.stderr).toContain(`--event: ${dir} is a directory.`);
    expect(directory.stderr).not.toContain('    at ');
  });

  test('cdk-rust invoke exits 2 on a malformed --env, naming the flag and the value', () => {
    const result = cli(['invoke', 'Stack/Function', '--app', assembly, '--env', 'TABLE_NAME']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--env TABLE_NAME: expected NAME=VALUE.');
    expect(result.stderr).toContain('Fix: give each variable as --env NAME=VALUE');
  });

  test('a missing asset is reported clearly', () => {
    const copy = tempDir('broken-app');
    fs.cpSync(assembly, copy, { recursive: true });
    for (const entry of fs.readdirSync(copy)) if (entry.startsWith('asset.')) fs.rmSync(path.join(copy, entry), { recursive: true });
    const result = cli(['invoke', 'Stack/Function', '--app', copy]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/there is no bootstrap at .*asset\.[0-9a-f]{64}\/bootstrap/);
    expect(result.stderr).toContain('Fix: synthesize the app again');
  });

  test("without --app and no cdk.out, it synthesizes with the project's CDK CLI first", () => {
    const project = tempDir('project');
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'));
    // An "app" that writes the already synthesized assembly where the CDK CLI asks for it.
    const app = `node -e "require('fs').cpSync('${assembly}', process.env.CDK_OUTDIR, { recursive: true })"`;
    // No telemetry and no notices: the tests reach no address but 127.0.0.1.
    fs.writeFileSync(path.join(project, 'cdk.json'), JSON.stringify({ app, context: { 'cli-telemetry': false } }));
    const result = cli(['invoke', 'Stack/Function'], { cwd: project, env: { CDK_DISABLE_CLI_TELEMETRY: 'true' } });
    expect(result.stderr).toContain('cdk.out does not exist: synthesizing it with node_modules/.bin/cdk synth');
    if (result.status !== 0) throw new Error(`exit ${result.status}: ${result.stderr}`);
    expect(JSON.parse(result.stdout).echo).toEqual({});
    expect(fs.existsSync(path.join(project, 'cdk.out', 'manifest.json'))).toBe(true);
  });
});
