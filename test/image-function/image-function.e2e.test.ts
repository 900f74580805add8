/**
 * A RustFunction with `packaging: IMAGE`, for real: a fixture app synthesized with a real build (the image written
 * by cdk-rust), cfn-lint on its template, `cdk-rust invoke` running the function from its image, and `cdk deploy` to
 * moto with the image pushed to the loopback registry: moto's Lambda holds the ECR ImageUri (PackageType Image in the template), and
 * the image pulled back from the registry is the local one and answers through the Runtime API emulator.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { FunctionPackaging, LocalFunction, RustFunction, listAssemblyFunctions } from '../../lib';
import { Moto, startMoto } from '../moto';
import { FIXTURES, devEnv, tempDir } from '../support';
import { cdkRustProcess } from '../ts-node-process';

const ROOT = path.join(__dirname, '..', '..');
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');
const STACK = 'CdkRustImageFunction';

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { status: number | null; stdout: string; output: string } {
  const result = spawnSync(command, args, { cwd: ROOT, env, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

function cli(args: string[]): { status: number | null; stdout: string; output: string } {
  const proc = cdkRustProcess(args);
  return run(proc.command, proc.args, proc.options.env);
}

/** The fixture app, synthesized into `outdir` with a real build of lambda-behaviours as an image function. */
function synthApp(outdir: string): void {
  const app = new App({ outdir, analyticsReporting: false });
  const stack = new Stack(app, STACK, { env: { account: '123456789012', region: 'us-east-1' } });
  new RustFunction(stack, 'Behaviours', {
    manifestPath: path.join(FIXTURES, 'lambda-behaviours', 'Cargo.toml'),
    packaging: FunctionPackaging.IMAGE,
    environment: { GREETING: 'from the image' },
  });
  app.synth();
}

/** The image id (config digest) Docker gives `image`. */
function imageId(docker: string, image: string): string {
  const inspect = run(docker, ['image', 'inspect', '--format', '{{.Id}}', image]);
  if (inspect.status !== 0) throw new Error(inspect.output);
  return inspect.stdout.trim();
}

describe('image function: synthesized, invoked from its image, deployed to moto through the loopback registry', () => {
  const assembly = tempDir('image-function-assembly');
  const docker = devEnv().docker;

  beforeAll(() => synthApp(assembly));

  test('the template passes cfn-lint', () => {
    const lint = run('cfn-lint', [path.join(assembly, `${STACK}.template.json`)]);
    expect(lint.output.trim()).toBe('');
    expect(lint.status).toBe(0);
  });

  test('cdk-rust invoke runs the function from its image and prints its answer', () => {
    const event = path.join(tempDir('image-event'), 'event.json');
    fs.writeFileSync(event, JSON.stringify({ action: 'echo', from: 'invoke' }));
    const invoked = cli(['invoke', `${STACK}/Behaviours`, '--app', assembly, '--event', event]);
    if (invoked.status !== 0) throw new Error(`cdk-rust invoke failed:\n${invoked.output}`);
    expect(JSON.parse(invoked.stdout).echo).toEqual({ action: 'echo', from: 'invoke' });
    expect(invoked.output).toContain('loading its container image');
    expect(invoked.output).toMatch(/Init Duration: [0-9.]+ ms/);
    // The container is gone once invoke is done.
    expect(run(docker, ['ps', '-a', '--filter', 'name=cdk-rust-invoke-', '--format', '{{.Names}}']).stdout.trim()).toBe('');
  });

  describe('cdk deploy to moto', () => {
    let moto: Moto | undefined;
    afterAll(() => moto?.stop());

    test('moto holds the pushed ECR ImageUri; pulled back, the image is the local one and answers', async () => {
      moto = await startMoto();
      const registry = process.env.CDK_RUST_TEST_REGISTRY!;
      const env = {
        ...moto.env,
        CDK_DOCKER: path.join(ROOT, 'test', 'fixtures', 'docker-loopback', 'docker'),
        CDK_RUST_REAL_DOCKER: docker,
        CDK_RUST_TEST_REGISTRY: registry,
      };
      expect(run(CDK, ['bootstrap', 'aws://123456789012/us-east-1', '--app', assembly], moto.env).status).toBe(0);
      const deploy = run(CDK, ['deploy', STACK, '--app', assembly, '--require-approval', 'never'], env);
      if (deploy.status !== 0) throw new Error(`cdk deploy failed:\n${deploy.output}`);
      expect(deploy.output).toContain(`The push refers to repository [${registry}/cdk-hnb659fds-container-assets-`);

      const script = [
        'import boto3,json,os',
        'lam=boto3.client("lambda",endpoint_url=os.environ["AWS_ENDPOINT_URL"],region_name="us-east-1")',
        'fns=[lam.get_function(FunctionName=f["FunctionName"]) for f in lam.list_functions()["Functions"]]',
        'print(json.dumps([{"repositoryType":f["Code"].get("RepositoryType"),"imageUri":f["Code"].get("ImageUri"),',
        '"handler":f["Configuration"].get("Handler"),"runtime":f["Configuration"].get("Runtime")} for f in fns]))',
      ].join('\n');
      const listed = run('python3', ['-c', script], moto.env);
      if (listed.status !== 0) throw new Error(listed.output);
      const [fn] = JSON.parse(listed.stdout) as Array<Record<string, string | undefined>>;
      const [definition] = listAssemblyFunctions(assembly);
      // moto 5.2's CloudFormation drops PackageType (it reports Zip, see its create_from_cloudformation_json), but
      // keeps the code: an ECR image, by the URI the template gives, whose PackageType is Image.
      expect(fn.repositoryType).toBe('ECR');
      const template = JSON.parse(fs.readFileSync(path.join(assembly, `${STACK}.template.json`), 'utf-8'));
      const resource = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function');
      expect(resource.Properties.PackageType).toBe('Image');
      expect(fn.imageUri).toMatch(
        new RegExp(
          `^123456789012\\.dkr\\.ecr\\.us-east-1\\.amazonaws\\.com/cdk-hnb659fds-container-assets-123456789012-us-east-1:${definition.image!.tag}$`,
        ),
      );
      expect(fn.handler ?? undefined).toBeUndefined();
      expect(fn.runtime ?? undefined).toBeUndefined();

      // The image as the registry serves it: the local tag dropped, pulled back, same id as the local image.
      const pushed = fn.imageUri!.replace(/^[0-9]+\.dkr\.ecr\.[^/]+\//, `${registry}/`);
      const local = imageId(docker, pushed);
      spawnSync(docker, ['rmi', pushed]);
      const pull = run(docker, ['pull', pushed]);
      if (pull.status !== 0) throw new Error(`docker pull failed:\n${pull.output}`);
      expect(imageId(docker, pushed)).toBe(local);

      // Run against the Runtime API emulator: the "load command" only names the pulled image.
      const pulled = new LocalFunction({
        code: 'pulled',
        image: { loadCommand: ['echo', pushed], assemblyDir: assembly, docker },
        functionName: 'pulled',
        streamLogs: false,
      });
      try {
        const result = await pulled.invoke({ action: 'echo', from: 'registry' });
        expect(result).toMatchObject({ ok: true, payload: { echo: { action: 'echo', from: 'registry' } } });
      } finally {
        await pulled.close();
      }
    });
  });
});
