/**
 * The main job, for real: `cdk synth` of the examples app through the CDK CLI (with cdk-nag on every
 * stack and real builds), cfn-lint on every template, and `cdk deploy` of every stack to a local
 * moto server, whose deployed functions must hold an executable `bootstrap`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { localFunctionFromAssembly } from '../lib/invoke/invoke-locally';
import { findAssemblyService } from '../lib/service/assembly-service';
import { runServiceLocally } from '../lib/service/run-service';
import { Moto, startMoto, waitForHttp } from './moto';
import { describeBinary, devEnv, freePort, hasInterpreter, listFiles } from './support';

const ROOT = path.join(__dirname, '..');
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');
const ASSEMBLY = path.join(ROOT, 'cdk.out');

interface FunctionAsset {
  readonly stack: string;
  readonly logicalId: string;
  readonly architecture: string;
  readonly bootstrap: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd: ROOT, env, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

function templates(): string[] {
  return fs
    .readdirSync(ASSEMBLY)
    .filter((f) => f.endsWith('.template.json'))
    .map((f) => path.join(ASSEMBLY, f));
}

/** Every Lambda function of the assembly, with the bootstrap of its asset. */
function functionAssets(): FunctionAsset[] {
  return templates().flatMap((file) => {
    const resources = JSON.parse(fs.readFileSync(file, 'utf-8')).Resources as Record<string, any>;
    return (
      Object.entries(resources)
        // OS-only runtimes: the Rust and Go functions (the service stack also holds CDK's own Node.js custom resource).
        .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Runtime === 'provided.al2023')
        .map(([logicalId, r]) => {
          const hash = String(r.Properties.Code.S3Key).replace(/\.zip$/, '');
          return {
            stack: path.basename(file, '.template.json'),
            logicalId,
            architecture: r.Properties.Architectures[0],
            bootstrap: path.join(ASSEMBLY, `asset.${hash}`, 'bootstrap'),
          };
        })
    );
  });
}

describe('the examples app', () => {
  beforeAll(() => {
    devEnv();
    const synth = run(CDK, ['synth', '--quiet']);
    if (synth.status !== 0) throw new Error(`cdk synth failed:\n${synth.output}`);
  });

  test('synthesizes all nine stacks with cdk-nag (AwsSolutions + Serverless) and no finding', () => {
    expect(
      templates()
        .map((t) => path.basename(t))
        .sort(),
    ).toEqual([
      'CdkRustArm64Function.template.json',
      'CdkRustExistingService.template.json',
      'CdkRustExtension.template.json',
      'CdkRustGoAndRust.template.json',
      'CdkRustManagedInstances.template.json',
      'CdkRustPlainFunction.template.json',
      'CdkRustPrivateDependency.template.json',
      'CdkRustService.template.json',
      'CdkRustStreaming.template.json',
    ]);
    // The packs fail the synth on any finding; the report is there and names none. (function.test.ts
    // shows the packs do fire on a finding.)
    const report = JSON.parse(fs.readFileSync(path.join(ASSEMBLY, 'validation-report.json'), 'utf-8'));
    expect(report.pluginReports).toEqual([]);
  });

  test("every function's asset is a static bootstrap for its architecture", () => {
    const assets = functionAssets();
    // Eight RustFunctions, and the GoFunction of the go-and-rust example (built by the local go, CGO off).
    expect(assets).toHaveLength(9);
    for (const asset of assets) {
      const description = describeBinary(asset.bootstrap);
      expect(description).toMatch(/statically linked|static-pie linked/);
      expect(description).toContain(asset.architecture === 'arm64' ? 'ARM aarch64' : 'x86-64');
      expect(hasInterpreter(asset.bootstrap)).toBe(false);
      expect(fs.statSync(asset.bootstrap).mode & 0o777).toBe(0o755);
    }
    // The plain, the existing-stack, the go-and-rust and the extension Rust functions build the same crate the same
    // way: one asset.
    const x86Greeters = assets.filter((a) => a.logicalId.startsWith('Greeter') && a.architecture === 'x86_64');
    expect(x86Greeters).toHaveLength(4);
    expect(new Set(x86Greeters.map((a) => a.bootstrap)).size).toBe(1);
  });

  test('managed instances: the run_concurrent greeter serves 8 invocations at once in one process, as on its capacity provider', async () => {
    const { fn, definition } = localFunctionFromAssembly(ASSEMBLY, 'CdkRustManagedInstances/Greeter', { streamLogs: false });
    // perExecutionEnvironmentMaxConcurrency, read from the template.
    expect(definition.concurrency).toBe(64);
    try {
      const results = await Promise.all(Array.from({ length: 8 }, () => fn.invoke({ name: 'Ferris', waitMs: 400 })));
      const served = results.map((r) => {
        if (!r.ok) throw new Error(`invocation failed: ${JSON.stringify(r.error)}`);
        return (r.payload as { servedByThisEnvironment: number }).servedByThisEnvironment;
      });
      // One process counted them all (its shared counter), and they ran at the same time.
      expect(served.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(fn.peakConcurrency).toBe(8);
    } finally {
      await fn.close();
    }
  });

  test("the extension's layer asset holds only extensions/telemetry-extension: static, executable, x86-64", () => {
    const template = JSON.parse(fs.readFileSync(path.join(ASSEMBLY, 'CdkRustExtension.template.json'), 'utf-8'));
    const layers = Object.values(template.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::Lambda::LayerVersion');
    expect(layers).toHaveLength(1);
    expect(layers[0].Properties.CompatibleArchitectures).toEqual(['x86_64']);
    const dir = path.join(ASSEMBLY, `asset.${String(layers[0].Properties.Content.S3Key).replace(/\.zip$/, '')}`);
    expect(listFiles(dir).map((f) => path.relative(dir, f))).toEqual(['extensions/telemetry-extension']);
    const binary = path.join(dir, 'extensions', 'telemetry-extension');
    expect(describeBinary(binary)).toMatch(/x86-64.*statically linked/);
    expect(fs.statSync(binary).mode & 0o777).toBe(0o755);
  });

  test("cdk ls builds nothing, and cdk synth -e builds only the selected stack's function", () => {
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-select-'));
    try {
      const ls = run(CDK, ['ls', '-o', fresh]);
      expect(ls.status).toBe(0);
      expect(ls.output).not.toContain('[cdk-rust] building');
      const one = run(CDK, ['synth', '--quiet', '-e', 'CdkRustArm64Function', '-o', fresh]);
      expect(one.status).toBe(0);
      expect(one.output.match(/\[cdk-rust\] building [^\n]*/g)).toEqual([
        expect.stringContaining('greeter/greeter for aarch64-unknown-linux-musl'),
      ]);
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  });

  test('cdk-rust run: the service reads configuration/base.json relative to /app, shipped with files, and answers healthy', async () => {
    const running = await runServiceLocally(findAssemblyService(ASSEMBLY, 'CdkRustService/Service'), { log: () => undefined });
    try {
      const hello = await fetch(`${running.url}/hello/run`);
      expect(await hello.json()).toEqual({ message: 'hello run, from a Rust service on ECS' });
    } finally {
      await running.stop();
    }
  });

  test('cfn-lint: no error and no warning in any template (W3005 ignored, see .cfnlintrc)', () => {
    const lint = run('cfn-lint', templates());
    expect(lint.output.trim()).toBe('');
    expect(lint.status).toBe(0);
  });

  /**
   * The deployed dashboard `name`: its body is JSON once deployed, it has a row headed `<kind> ...`, and its alarm
   * status widget cites alarms by ARNs of the deployment's partition, region and account. (moto 5.2's CloudFormation
   * creates no AWS::CloudWatch::Alarm, and resolves the alarm's name to `None`: the alarms themselves are pinned by
   * the template tests and cfn-lint.)
   */
  function expectDashboard(env: NodeJS.ProcessEnv, name: string, kind: 'Function' | 'Service'): void {
    const listed = run('python3', [path.join(__dirname, 'moto_dashboards.py')], env);
    if (listed.status !== 0) throw new Error(`moto_dashboards.py failed:\n${listed.output}`);
    const { alarms, dashboards } = JSON.parse(listed.output) as { alarms: string[]; dashboards: Array<{ name: string; body: any }> };
    expect(dashboards.map((d) => d.name)).toContain(name);
    const dashboard = dashboards.find((d) => d.name === name);
    const widgets: any[] = dashboard!.body.widgets;
    expect(widgets.some((w) => w.type === 'text' && String(w.properties.markdown).startsWith(`### ${kind} `))).toBe(true);
    const cited: string[] = widgets.find((w) => w.type === 'alarm').properties.alarms;
    expect(cited.length).toBeGreaterThan(0);
    for (const arn of cited) expect(arn).toMatch(/^arn:aws:cloudwatch:us-east-1:123456789012:alarm:./);
    expect(alarms).toEqual([]);
  }

  describe('cdk deploy to moto', () => {
    let moto: Moto | undefined;
    let env: NodeJS.ProcessEnv;

    beforeAll(async () => {
      moto = await startMoto();
      env = moto.env;
    });

    afterAll(() => {
      moto?.stop();
    });

    test("deploys every function stack; each function's code zip holds an executable bootstrap", () => {
      const bootstrap = run(CDK, ['bootstrap', 'aws://123456789012/us-east-1', '--app', ASSEMBLY], env);
      expect(bootstrap.status).toBe(0);
      // The service stack is not deployed here: publishing its image needs `docker login` to ECR, which this
      // machine cannot reach (a loopback-registry deploy of it is still to come).
      const functionStacks = templates()
        .map((t) => path.basename(t, '.template.json'))
        .filter((name) => name !== 'CdkRustService')
        // moto has no AWS::Lambda::CapacityProvider: the Managed Instances stack is checked by cfn-lint above and
        // by its template tests (test/examples.test.ts, test/managed-instances/).
        .filter((name) => name !== 'CdkRustManagedInstances');
      expect(functionStacks).toHaveLength(7);
      const deploy = run(CDK, ['deploy', ...functionStacks, '--app', ASSEMBLY, '--require-approval', 'never'], env);
      if (deploy.status !== 0) throw new Error(`cdk deploy failed:\n${deploy.output}`);

      const inspect = run('python3', [path.join(__dirname, 'moto_inspect.py')], env);
      if (inspect.status !== 0) throw new Error(`moto_inspect.py failed:\n${inspect.output}`);
      const deployed = JSON.parse(inspect.output) as Array<Record<string, any>>;
      expect(deployed).toHaveLength(8);
      for (const fn of deployed) {
        expect(fn).toMatchObject({
          runtime: 'provided.al2023',
          handler: 'bootstrap',
          timeout: 10,
          entries: ['bootstrap'],
          bootstrapMode: '0o755',
          bootstrapMagic: '7f454c46', // \x7fELF
        });
      }
      // Every function but the GoFunction of the go-and-rust example is a RustFunction.
      const rust = deployed.filter((fn) => !String(fn.name).includes('GoGreeter'));
      expect(rust).toHaveLength(7);
      for (const fn of rust) expect(fn.environment).toMatchObject({ RUST_BACKTRACE: '1' });
      expectDashboard(env, 'CdkRustStreaming-cdk-rust-us-east-1', 'Function');
    });

    test('deploys the service stack, its image pushed to the loopback registry; pulled back, it runs and answers', async () => {
      // ECR cannot be reached from here: a Docker client wrapper sends cdk deploy's pushes to the loopback registry
      // that scripts/dev-env.sh runs, under the same repository path and tag (test/fixtures/docker-loopback).
      const registry = process.env.CDK_RUST_TEST_REGISTRY!;
      const docker = devEnv().docker;
      const deployEnv = {
        ...env,
        CDK_DOCKER: path.join(__dirname, 'fixtures', 'docker-loopback', 'docker'),
        CDK_RUST_REAL_DOCKER: docker,
        CDK_RUST_TEST_REGISTRY: registry,
      };
      const deploy = run(CDK, ['deploy', 'CdkRustService', '--app', ASSEMBLY, '--require-approval', 'never'], deployEnv);
      if (deploy.status !== 0) throw new Error(`cdk deploy failed:\n${deploy.output}`);
      expect(deploy.output).toContain(`The push refers to repository [${registry}/cdk-hnb659fds-container-assets-`);

      // The stack's dashboard is left out by moto 5.2, which cannot resolve a target group's TargetGroupFullName
      // (its service row's metrics need it): the template test and cfn-lint cover it.

      const inspect = run('python3', [path.join(__dirname, 'moto_inspect_services.py')], env);
      if (inspect.status !== 0) throw new Error(`moto_inspect_services.py failed:\n${inspect.output}`);
      const services = JSON.parse(inspect.output) as Array<Record<string, any>>;
      expect(services).toHaveLength(1);
      expect(services[0]).toMatchObject({
        desiredCount: 2,
        portMappings: [8080],
        environment: { PORT: '8080' },
        user: '65532:65532',
        healthCheckPaths: ['/health'],
        loadBalancers: 1,
      });

      // The image the task definition names, as the registry serves it: drop the local tag, pull, run, probe.
      const image = String(services[0].image).replace(/^[0-9]+\.dkr\.ecr\.[^/]+\//, `${registry}/`);
      expect(image.startsWith(`${registry}/`)).toBe(true);
      spawnSync(docker, ['rmi', image]);
      const pull = run(docker, ['pull', image]);
      if (pull.status !== 0) throw new Error(`docker pull failed:\n${pull.output}`);
      const port = await freePort();
      const container = `cdk-rust-moto-${port}`;
      const started = run(docker, ['run', '-d', '--rm', '--name', container, '--network', 'host', '--env', `PORT=${port}`, image]);
      expect(started.status).toBe(0);
      try {
        await waitForHttp(`http://127.0.0.1:${port}/health`, 30_000);
        const hello = await fetch(`http://127.0.0.1:${port}/hello/moto`);
        expect(await hello.json()).toEqual({ message: 'hello moto, from a Rust service on ECS' });
      } finally {
        spawnSync(docker, ['rm', '-f', container]);
      }
    });
  });
});
