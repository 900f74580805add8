/**
 * `cdk-rust invoke` as a user runs it (the command line in a process of its own), on a hand-written cloud assembly
 * whose function is a Lambda runtime written in Node.js (test/fixtures/node-runtime), so no Docker or build is
 * needed: the function gets this shell's AWS credentials only with --aws-credentials.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../support';
import { fakeRuntime } from '../invoke/fake-runtime';
import { workspace } from '../invoke/synthetic-assembly';
import { cdkRustProcess } from '../ts-node-process';

const ROOT = path.join(__dirname, '..', '..');

/** `cdk-rust invoke Api/Fn` on `assembly`, with credentials in its environment, and `flags`. */
function invoke(
  assembly: string,
  flags: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): { status: number | null; stdout: string; stderr: string } {
  const proc = cdkRustProcess(['invoke', 'Api/Fn', '--app', assembly, ...flags]);
  const result = spawnSync(proc.command, proc.args, {
    ...proc.options,
    encoding: 'utf-8',
    env: {
      ...proc.options.env,
      AWS_ACCESS_KEY_ID: 'AKIADEVELOPER',
      AWS_SECRET_ACCESS_KEY: 'developer-secret',
      AWS_SESSION_TOKEN: 'developer-token',
      AWS_REGION: 'eu-west-3',
      ...extraEnv,
    },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cdk-rust invoke: the function gets the AWS credentials of this shell only when asked', () => {
  let assembly: string;
  beforeAll(() => {
    assembly = workspace().root;
    fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'node-runtime', 'bootstrap'), path.join(assembly, 'asset.abc123', 'bootstrap'));
  });

  test('without --aws-credentials the function gets none (only the region of its stack), and stderr says how to pass them', () => {
    const result = invoke(assembly, []);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ credentials: [], region: 'eu-west-1' });
    expect(result.stderr).toContain('the function gets no AWS credentials');
    expect(result.stderr).toContain('--aws-credentials');
  });

  test('with --aws-credentials the function gets the key, the secret and the session token', () => {
    const result = invoke(assembly, ['--aws-credentials']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      credentials: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'],
      accessKeyId: 'AKIADEVELOPER',
      region: 'eu-west-1',
    });
    expect(result.stderr).not.toContain('gets no AWS credentials');
  });

  test("with --aws-profile the function gets the profile's credentials (resolved by the AWS CLI), not this shell's", () => {
    // A stand-in for the AWS CLI v2 (not installable here): it prints what `aws configure export-credentials` prints.
    const bin = tempDir('aws-bin');
    fs.writeFileSync(
      path.join(bin, 'aws'),
      [
        '#!/bin/sh',
        'case "$*" in',
        '  "configure export-credentials --profile sso-dev --format process") echo \'{"Version":1,"AccessKeyId":"ASIAPROFILE","SecretAccessKey":"s","SessionToken":"t"}\' ;;',
        '  *) exit 1 ;;',
        'esac',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const result = invoke(assembly, ['--aws-profile', 'sso-dev'], { PATH: `${bin}:${process.env.PATH}` });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      credentials: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'],
      accessKeyId: 'ASIAPROFILE',
      region: 'eu-west-1',
    });
    expect(result.stderr).toContain('passing the credentials of profile sso-dev');
    expect(result.stderr).not.toContain('gets no AWS credentials');
    expect(invoke(assembly, ['--aws-profile', 'sso-dev', '--aws-credentials']).stderr).toContain('[CLI_USAGE]');
  });
});

describe('cdk-rust invoke: an --app that is not a complete cloud assembly is a usage error', () => {
  test('a template that is not JSON exits 2 with INVALID_ASSEMBLY, naming the file and saying to synthesize again', () => {
    const assembly = workspace().root;
    fs.writeFileSync(path.join(assembly, 'Api.template.json'), '{ truncated');
    const result = invoke(assembly, []);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/\[INVALID_ASSEMBLY\] cannot read .*Api\.template\.json: .*\nFix: synthesize the app again/);
  });
});

describe('cdk-rust invoke --invocations: the event is sent N times at once to the one process', () => {
  let assembly: string;
  beforeAll(() => {
    assembly = workspace().root;
    fs.copyFileSync(path.join(fakeRuntime(), 'bootstrap'), path.join(assembly, 'asset.abc123', 'bootstrap'));
    fs.writeFileSync(path.join(assembly, 'event.json'), '{"sleepMs":300}');
  });

  test('with --concurrency 4, four invocations overlap in one process: a line each on stdout, a REPORT each on stderr, then the peak', () => {
    const event = path.join(assembly, 'event.json');
    const result = invoke(assembly, ['--event', event, '--invocations', '4', '--concurrency', '4', '--env', 'FAKE_MODE=concurrent']);
    expect(result.status).toBe(0);
    const answers = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(answers).toHaveLength(4);
    expect(new Set(answers.map((a) => a.pid)).size).toBe(1);
    expect(Math.max(...answers.map((a) => a.startedMs))).toBeLessThan(Math.min(...answers.map((a) => a.endedMs)));
    expect(result.stderr.match(/REPORT Api\/Fn RequestId: /g)).toHaveLength(4);
    const lines = result.stderr.trim().split('\n');
    expect(lines[lines.length - 1]).toBe('[cdk-rust] 4 invocations: at most 4 ran at once (concurrency 4)');
  });

  test('--concurrency 1 runs them one by one', () => {
    const event = path.join(assembly, 'event.json');
    const result = invoke(assembly, ['--event', event, '--invocations', '2', '--concurrency', '1', '--env', 'FAKE_MODE=concurrent']);
    expect(result.status).toBe(0);
    const [first, second] = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(second.startedMs).toBeGreaterThanOrEqual(first.endedMs);
    expect(result.stderr).toContain('2 invocations: at most 1 ran at once (concurrency 1, one at a time)');
  });

  test('a count that is not a whole number is a usage error naming the flag as written', () => {
    expect(invoke(assembly, ['--invocations', 'lots'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('[CLI_USAGE] --invocations lots: not a whole number from 1 to 10000.'),
    });
    expect(invoke(assembly, ['--concurrency', '0'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('[CLI_USAGE] --concurrency 0: not a whole number from 1 to 1600.'),
    });
  });
});

/**
 * A runtime that logs one line as lambda_runtime's JSON tracing does (with the invocation's request id), one plain
 * line, then answers `{}`.
 */
const LOGGING_RUNTIME = `
const http = require('http');
const call = (method, path, body) => new Promise((resolve, reject) => {
  const req = http.request('http://' + process.env.AWS_LAMBDA_RUNTIME_API + '/2018-06-01/runtime' + path, { method }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.headers));
  });
  req.on('error', reject);
  req.end(body);
});
(async () => {
  for (;;) {
    const id = (await call('GET', '/invocation/next'))['lambda-runtime-aws-request-id'];
    const span = { requestId: id, name: 'Lambda runtime invoke' };
    console.log(JSON.stringify({ level: 'INFO', fields: { message: 'greeting', name: 'Zoë', request_id: id }, span, spans: [span] }));
    console.log('plain line');
    await call('POST', '/invocation/' + id + '/response', '{}');
  }
})();
`;

describe("cdk-rust invoke: the function's JSON log lines are printed readable, or as written with --raw-logs", () => {
  let assembly: string;
  beforeAll(() => {
    assembly = workspace().root;
    const asset = path.join(assembly, 'asset.abc123');
    fs.writeFileSync(path.join(asset, 'runtime.js'), LOGGING_RUNTIME);
    fs.writeFileSync(path.join(asset, 'bootstrap'), `#!/bin/sh\nexec '${process.execPath}' "$LAMBDA_TASK_ROOT/runtime.js"\n`, {
      mode: 0o755,
    });
  });

  test('by default, a JSON line becomes level, short request id, message and fields; other lines are unchanged', () => {
    const result = invoke(assembly, [], { NO_COLOR: '1' });
    expect(result.status).toBe(0);
    const requestId = /RequestId: (\S+)/.exec(result.stderr)![1];
    expect(result.stderr).toContain(
      `INFO  [${requestId.slice(0, 8)}] greeting name=Zoë request_id=${requestId.slice(0, 8)}…\nplain line\n`,
    );
    expect(result.stderr).not.toContain('"fields"');
  });

  test('with --raw-logs, the JSON line is printed exactly as the function wrote it', () => {
    const result = invoke(assembly, ['--raw-logs'], { NO_COLOR: '1' });
    expect(result.status).toBe(0);
    const requestId = /RequestId: (\S+)/.exec(result.stderr)![1];
    const span = { requestId, name: 'Lambda runtime invoke' };
    const line = JSON.stringify({
      level: 'INFO',
      fields: { message: 'greeting', name: 'Zoë', request_id: requestId },
      span,
      spans: [span],
    });
    expect(result.stderr).toContain(`${line}\nplain line\n`);
  });
});
