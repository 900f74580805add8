/**
 * Python, for real: the wheel that `npm run package` writes, installed into a fresh virtualenv together
 * with aws-cdk-lib from PyPI. The Python example app (examples/python) builds the private-dependency crate
 * over the forwarded SSH agent, and its template is the one TypeScript synthesizes from the same constructs;
 * bad input fails as clearly as it does in TypeScript; the wheel's own `cdk-rust` command invokes the
 * function it built.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ErrorRateAlarm, RustFunction } from '../../lib';
import { awsCdkLibVersion } from '../../lib/private/aws-cdk-lib-version';
import { describeBinary, devEnv, fixture, tempDir } from '../support';
import { comparableTemplate, packagedArtifact } from './support';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'python');
const PLAIN_HANDLER = 'def handler(event, context):\n    return event\n';

let venv: string;

/** Runs a program of the virtualenv; its environment is the test's (the development environment's Docker and agent). */
function venvRun(program: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = EXAMPLE) {
  const result = spawnSync(path.join(venv, 'bin', program), args, {
    cwd,
    env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20', PYTHONDONTWRITEBYTECODE: '1', ...env },
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '', error: result.error };
}

/** The same constructs as examples/python/app.py, in TypeScript. */
function typeScriptTwin(outdir: string, knownHosts: string[]): Template {
  const app = new App({ outdir });
  const stack = new Stack(app, 'CdkRustPython');
  new RustFunction(stack, 'PrivateGreeter', {
    manifestPath: path.join(ROOT, 'examples', 'private-greeter', 'Cargo.toml'),
    bundling: { knownHosts },
  });
  const plain = new lambda.Function(stack, 'Plain', {
    runtime: lambda.Runtime.PYTHON_3_12,
    handler: 'index.handler',
    code: lambda.Code.fromInline(PLAIN_HANDLER),
  });
  new ErrorRateAlarm(stack, 'PlainErrors', { function: plain, threshold: 10 });
  return Template.fromStack(stack);
}

describe('Python: the wheel, a Python CDK app, and the same results as TypeScript', () => {
  let outdir: string;

  beforeAll(() => {
    devEnv();
    const wheel = packagedArtifact('python', /^cdk_rust-.*\.whl$/);
    venv = tempDir('python-venv');
    const created = spawnSync('python3', ['-m', 'venv', venv], { encoding: 'utf-8' });
    expect(created.stderr).toBe('');
    // aws-cdk-lib and constructs come from PyPI; aws-cdk-lib at the version the TypeScript side pins, so that
    // the two templates are compared with the same aws-cdk-lib.
    const installed = venvRun('pip', [
      'install',
      '--quiet',
      '--disable-pip-version-check',
      wheel,
      '-r',
      'requirements.txt',
      `aws-cdk-lib==${awsCdkLibVersion()}`,
    ]);
    if (installed.status !== 0) throw new Error(`pip install failed:\n${installed.stdout}${installed.stderr}`);

    outdir = tempDir('python-out');
    const synth = venvRun('python', ['app.py'], { CDK_OUTDIR: outdir });
    if (synth.status !== 0) throw new Error(`python app.py failed:\n${synth.stdout}${synth.stderr}`);
  });

  test('the example app builds the private-dependency crate over the forwarded agent into a static bootstrap', () => {
    const template = JSON.parse(fs.readFileSync(path.join(outdir, 'CdkRustPython.template.json'), 'utf-8'));
    const fn = Object.values(template.Resources as Record<string, any>).find(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Runtime === 'provided.al2023',
    );
    const bootstrap = path.join(outdir, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`, 'bootstrap');
    expect(describeBinary(bootstrap)).toMatch(/statically linked|static-pie linked/);
  });

  test('its template is the one TypeScript synthesizes from the same constructs, asset hashes included', () => {
    const knownHosts = fs
      .readFileSync(process.env.CDK_RUST_TEST_KNOWN_HOSTS!, 'utf-8')
      .split('\n')
      .filter((line) => line.trim() !== '');
    const python = JSON.parse(fs.readFileSync(path.join(outdir, 'CdkRustPython.template.json'), 'utf-8'));
    const typescript = typeScriptTwin(tempDir('python-twin'), knownHosts).toJSON();
    expect(comparableTemplate(python)).toEqual(comparableTemplate(typescript));
    expect(Object.keys(comparableTemplate(python).Resources).length).toBeGreaterThan(10);
  });

  test("the wheel's cdk-rust command invokes the function Python built", () => {
    const event = path.join(tempDir('python-event'), 'event.json');
    fs.writeFileSync(event, JSON.stringify({ name: 'Python' }));
    const invoked = venvRun('cdk-rust', ['invoke', '--app', outdir, 'CdkRustPython/PrivateGreeter', '--event', event]);
    expect(invoked.stderr).toContain('REPORT CdkRustPython/PrivateGreeter');
    expect(invoked.status).toBe(0);
    expect(JSON.parse(invoked.stdout)).toEqual({ message: 'hello Python, from a private git dependency' });
  });

  describe('bad input is as clear as in TypeScript', () => {
    function raised(cases: string[], env: NodeJS.ProcessEnv = {}): Record<string, { raised: string | null; message?: string }> {
      const run = venvRun('python', [path.join(__dirname, 'python_errors.py'), fixture('hello'), `${Date.now()}`, ...cases], env);
      if (run.status !== 0) throw new Error(`python_errors.py failed:\n${run.stdout}${run.stderr}`);
      return Object.fromEntries(
        run.stdout
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line))
          .map(({ case: name, ...rest }) => [name, rest]),
      );
    }

    test('a bad value: the code, the prop as Python spells it, and the fix', () => {
      const { bad_value: error } = raised(['bad_value']);
      expect(error.raised).toBe('RuntimeError');
      expect(error.message).toMatch(/^\[INVALID_PROP\] Errors\/BadValue: bundling\.cargo_args: "--target-dir" is owned by cdk-rust/);
      expect(error.message).toContain('\nFix: remove it from bundling.cargo_args.');
    });

    test('a prop of the wrong type: refused before anything runs, naming the prop and the type it wants', () => {
      const { wrong_type: error } = raised(['wrong_type']);
      expect(error.raised).toBe('RuntimeError');
      expect(error.message).toContain('cdk-rust.RustFunction');
      expect(error.message).toContain("Key 'features': Unable to deserialize value as array<string>");
    });

    test('error_rate_alarm=True is refused rather than read as "the default alarm"', () => {
      const { alarm_true: error } = raised(['alarm_true']);
      expect(error.message).toMatch(/^\[INVALID_PROP\] Errors\/AlarmTrue: error_rate_alarm is true/);
      expect(error.message).toContain('Fix: leave error_rate_alarm out for the default alarm');
    });

    test('no Docker: DOCKER_NOT_FOUND, naming the client it looked for and how to point at one', () => {
      const { missing_docker: error } = raised(['missing_docker'], { CDK_DOCKER: '/nonexistent/docker' });
      expect(error.raised).toBe('RuntimeError');
      expect(error.message).toMatch(/\[DOCKER_NOT_FOUND\]/);
      expect(error.message).toContain('/nonexistent/docker');
      expect(error.message).toContain('CDK_DOCKER');
    });

    test('no Node.js: importing cdk_rust fails naming node, as the README says', () => {
      const run = venvRun('python', ['-c', 'import cdk_rust'], { PATH: path.join(venv, 'bin') });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain("FileNotFoundError: [Errno 2] No such file or directory: 'node'");
    });
  });
});
