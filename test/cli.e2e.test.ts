/**
 * The `cdk-rust` command line, run as a user runs it (a separate process), with real builds.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { describeBinary, devEnv, FIXTURES, hasInterpreter, tempDir } from './support';
import { cdkRustProcess } from './ts-node-process';

const ROOT = path.join(__dirname, '..');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const proc = cdkRustProcess(args);
  const result = spawnSync(proc.command, proc.args, { ...proc.options, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** {@link cli}, as a process running beside others. */
function cliAsync(args: string[]): Promise<{ status: number | null; stderr: string }> {
  const proc = cdkRustProcess(args);
  const child = spawn(proc.command, proc.args, { ...proc.options, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('close', (status) => resolve({ status, stderr }));
    child.on('error', reject);
  });
}

/** The entries of a zip, by name, with their Unix mode and content (python's zipfile reads it). */
function unzip(file: string, into: string): Record<string, { mode: number }> {
  const script =
    'import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1]);z.extractall(sys.argv[2])\n' +
    'print(json.dumps({i.filename:{"mode":(i.external_attr>>16)&0o777} for i in z.infolist()}))';
  const result = spawnSync('python3', ['-c', script, file, into], { encoding: 'utf-8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
}

describe('cdk-rust synth', () => {
  test('--help explains the commands and options', () => {
    const help = cli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: cdk-rust <command>');
    for (const flag of ['--manifest', '--binary', '--arch', '--alarm-email', '--out', 'cdk deploy --app']) {
      expect(help.stdout).toContain(flag);
    }
  });

  test.each([
    [['synth', '--manifest', 'x', '--bogus'], "Unknown option '--bogus'"],
    [['synth'], 'synth needs --manifest'],
    [['deploy'], 'unknown command "deploy"'],
    [['synth', '--manifest', 'Cargo.toml', '--arch', 'sparc'], '--arch: "sparc"'],
    [['synth', '--manifest', 'Cargo.toml', '--known-hosts', path.join(tempDir('missing'), 'known_hosts')], '--known-hosts: no file'],
    [['synth', '--manifest', 'Cargo.toml', '--known-hosts', tempDir('a-directory')], '--known-hosts: no file'],
  ])('bad arguments %j exit 2 with a clear message', (args, message) => {
    const result = cli(args as string[]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Fix:');
  });

  test("a failed build prints our message, not CDK's wrapper and stack; --verbose adds them", () => {
    // A builder image pinned by digest that exists nowhere: the build is attempted (inside CDK's asset
    // staging, which wraps the error) and fails at once, without compiling anything.
    const args = [
      'synth',
      '--manifest',
      path.join(FIXTURES, 'hello', 'Cargo.toml'),
      '--out',
      tempDir('cli-fail'),
      '--force-docker',
      '--builder-image',
      `cdk-rust-missing-builder@sha256:${'0'.repeat(64)}`,
    ];
    const plain = cli(args);
    expect(plain.status).toBe(1);
    expect(plain.stderr).toMatch(
      /^cdk-rust: \[BUILD_FAILED\] Stack\/Function: the Docker build of hello\/hello for x86_64-unknown-linux-musl failed/m,
    );
    expect(plain.stderr).toContain('Fix: the builder image could not be found');
    expect(plain.stderr).not.toMatch(/FailedToBundleAsset|Failed to bundle asset|^\s+at /m);
    // A quiet build that fails shows the failed run's whole BuildKit output, and names the log that keeps it.
    expect(plain.stderr).toMatch(/^#\d+ /m);
    expect(plain.stderr).toMatch(/The build's full output: \/\S+\/hello\.log/);
    const verbose = cli([...args, '--verbose']);
    expect(verbose.status).toBe(1);
    expect(verbose.stderr).toMatch(/^\s+at /m);
    expect(verbose.stderr).toContain('caused by:');
    expect(verbose.stderr).toContain('Failed to bundle asset');
  });

  test('a manifest with no binary exits 1, saying so', () => {
    const result = cli([
      'synth',
      '--manifest',
      path.join(FIXTURES, 'workspace', 'crates', 'shared', 'Cargo.toml'),
      '--out',
      tempDir('cli'),
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('has no bin target');
  });

  test('builds and writes a deployable cloud assembly with the template and bootstrap.zip', () => {
    const env = devEnv();
    const out = tempDir('cli');
    const result = cli([
      'synth',
      '--manifest',
      path.join(FIXTURES, 'hello', 'Cargo.toml'),
      '--arch',
      'arm64',
      '--alarm-email',
      'oncall@example.com',
      '--builder-image',
      env.builderImage,
      '--out',
      out,
    ]);
    expect(result.stderr).toContain('[cdk-rust] building hello/hello for aarch64-unknown-linux-musl');
    expect(result.status).toBe(0);
    // Quiet by default: a few lines of ours, none of BuildKit's; its whole output and cargo's are in the log named.
    expect(result.stderr).not.toMatch(/^#\d+ /m);
    expect(result.stderr.trimEnd().split('\n').length).toBeLessThanOrEqual(8);
    const logFile = /\(full output: (\/\S+\.log)\)/.exec(result.stderr)?.[1];
    expect(logFile).toBeDefined();
    const buildLog = fs.readFileSync(logFile!, 'utf-8');
    // cargo's own lines, behind BuildKit's prefix (Finished whether or not the target cache was warm).
    expect(buildLog).toMatch(/^#\d+ [\d.]+ +Finished `release` profile/m);
    expect(buildLog).not.toContain('Building [');
    expect(result.stdout).toContain('stack:    cdk-rust-hello');
    expect(result.stdout).toContain(`deploy:   npx cdk deploy --app ${path.relative(ROOT, out)}`);

    const template = JSON.parse(fs.readFileSync(path.join(out, 'Stack.template.json'), 'utf-8'));
    const types = Object.values(template.Resources as Record<string, { Type: string; Properties: any }>);
    const fn = types.find((r) => r.Type === 'AWS::Lambda::Function');
    expect(fn?.Properties).toMatchObject({ Runtime: 'provided.al2023', Handler: 'bootstrap', Architectures: ['arm64'] });
    expect(types.find((r) => r.Type === 'AWS::SNS::Subscription')?.Properties).toMatchObject({ Endpoint: 'oncall@example.com' });
    expect(fs.existsSync(path.join(out, 'manifest.json'))).toBe(true);

    const extracted = tempDir('unzip');
    expect(unzip(path.join(out, 'bootstrap.zip'), extracted)).toEqual({ bootstrap: { mode: 0o755 } });
    const bootstrap = path.join(extracted, 'bootstrap');
    expect(describeBinary(bootstrap)).toMatch(/ARM aarch64.*statically linked/);
    expect(hasInterpreter(bootstrap)).toBe(false);
  });

  test('two synths into one --out at once take turns: both succeed, one waits, nothing half-written is left', async () => {
    const env = devEnv();
    const out = tempDir('cli-shared-out');
    const args = [
      'synth',
      '--manifest',
      path.join(FIXTURES, 'hello', 'Cargo.toml'),
      '--arch',
      'arm64',
      '--builder-image',
      env.builderImage,
    ];
    const [a, b] = await Promise.all([cliAsync([...args, '--out', out]), cliAsync([...args, '--out', out])]);
    expect([a.status, b.status]).toEqual([0, 0]);
    expect([a.stderr, b.stderr].filter((e) => e.includes(`[cdk-rust] waiting for another process writing ${out}`))).toHaveLength(1);
    const leftovers = fs.readdirSync(out).filter((f) => f.endsWith('-building') || f.endsWith('.lock'));
    expect(leftovers).toEqual([]);
    expect(fs.existsSync(path.join(out, 'bootstrap.zip'))).toBe(true);
  });

  test('--service builds the binary into an image and writes a one-service app, with the image tarball (and --dashboard its dashboard)', () => {
    const env = devEnv();
    const out = tempDir('cli-service');
    const result = cli([
      'synth',
      '--service',
      '--manifest',
      path.join(FIXTURES, 'tiny-service', 'Cargo.toml'),
      '--port',
      '9090',
      '--container-health-check',
      'healthcheck',
      '--alarm-email',
      'oncall@example.com',
      '--dashboard',
      '--builder-image',
      env.builderImage,
      '--out',
      out,
    ]);
    expect(result.stderr).toContain('[cdk-rust] building tiny-service/tiny-service for x86_64-unknown-linux-musl');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('stack:    cdk-rust-tiny-service');
    expect(result.stdout).toContain(`run:      npx cdk-rust run Stack/Service --app ${path.relative(ROOT, out)}`);
    const image = /^image: +(.*)$/m.exec(result.stdout)?.[1];
    expect(image && fs.statSync(path.join(ROOT, image)).size).toBeGreaterThan(100_000);

    const template = JSON.parse(fs.readFileSync(path.join(out, 'Stack.template.json'), 'utf-8'));
    const resources = Object.values(template.Resources as Record<string, { Type: string; Properties: any }>);
    const task = resources.find((r) => r.Type === 'AWS::ECS::TaskDefinition');
    expect(task?.Properties.ContainerDefinitions[0]).toMatchObject({
      PortMappings: [{ ContainerPort: 9090, Protocol: 'tcp' }],
      HealthCheck: { Command: ['CMD', '/app/tiny-service', 'healthcheck'] },
    });
    expect(resources.filter((r) => r.Type === 'AWS::CloudWatch::Alarm')).toHaveLength(5);
    expect(resources.find((r) => r.Type === 'AWS::SNS::Subscription')?.Properties).toMatchObject({ Endpoint: 'oncall@example.com' });
    const dashboard = resources.find((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    expect(JSON.stringify(dashboard?.Properties.DashboardBody)).toContain('### Service Service');
  });

  test('service options without --service, and --force-docker with it, are usage errors', () => {
    const noService = cli(['synth', '--manifest', path.join(FIXTURES, 'hello', 'Cargo.toml'), '--port', '9090']);
    expect(noService.status).toBe(2);
    expect(noService.stderr).toContain('[CLI_USAGE] --port is a service option.');
    const forced = cli(['synth', '--service', '--force-docker', '--manifest', path.join(FIXTURES, 'tiny-service', 'Cargo.toml')]);
    expect(forced.status).toBe(2);
    expect(forced.stderr).toContain('--force-docker is a function option.');
  });
});
