/**
 * `cdk watch --hotswap` on a RustFunction, against moto: the CDK CLI's own watch loop re-synthesizes the app on
 * every change; cdk-rust's asset hash decides whether anything is built, cargo's incremental build compiles only
 * what changed, and the CLI hotswaps the new code with Lambda's UpdateFunctionCode.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { HOTSWAP_FUNCTION, HOTSWAP_STACK, HotswapProject, sha256File, startHotswapProject } from './hotswap-project';
import { devEnv } from './support';

/** The asset directory the project's synthesized template deploys as the function's code. */
function deployedAssetDir(project: HotswapProject): string {
  const assembly = path.join(project.dir, 'cdk.out');
  const template = JSON.parse(fs.readFileSync(path.join(assembly, `${HOTSWAP_STACK}.template.json`), 'utf-8'));
  const fn = Object.values(template.Resources as Record<string, any>).find((r) => r.Type === 'AWS::Lambda::Function');
  return path.join(assembly, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
}

describe('cdk watch --hotswap: a RustFunction is rebuilt incrementally and hotswapped; an unrelated edit builds nothing', () => {
  let project: HotswapProject | undefined;

  beforeAll(
    async () => {
      devEnv();
      // Verbose builds: the test reads which crates cargo compiled.
      project = await startHotswapProject(path.join(__dirname, 'fixtures', 'hello'), { ...process.env, CDK_RUST_VERBOSE: '1' });
    },
    10 * 60 * 1000,
  );

  afterAll(async () => {
    await project?.close();
  });

  test("a one-line edit of the crate compiles only the crate and updates the deployed function's code", async () => {
    const p = project!;
    const main = path.join(p.crateDir, 'src', 'main.rs');
    const cycle = await p.change(() => {
      fs.writeFileSync(main, fs.readFileSync(main, 'utf-8').replace('hello from cdk-rust', 'hello from a hotswap'));
    }, true);

    expect(cycle.output).toContain("Detected change to 'crate/src/main.rs'");
    expect(cycle.output.match(/\[cdk-rust\] building [^\n]*/g)).toHaveLength(1);
    // Incremental: everything but the crate comes from the build's target cache (the std from the image's sysroot).
    expect([...cycle.output.matchAll(/Compiling (\S+) v/g)].map((m) => m[1])).toEqual(['hello']);
    expect(cycle.output).toContain(`AWS::Lambda::Function '${HOTSWAP_FUNCTION}' hotswapped!`);

    // What moto now runs is exactly the new build, and it carries the edit.
    const bootstrap = path.join(deployedAssetDir(p), 'bootstrap');
    expect(fs.readFileSync(bootstrap).includes('hello from a hotswap')).toBe(true);
    const inspect = spawnSync('python3', [path.join(__dirname, 'moto_inspect.py')], { env: p.moto.env, encoding: 'utf-8' });
    if (inspect.status !== 0) throw new Error(`moto_inspect.py failed:\n${inspect.stdout}${inspect.stderr}`);
    const deployed = (JSON.parse(inspect.stdout) as Array<Record<string, any>>).find((f) => f.name === HOTSWAP_FUNCTION);
    expect(deployed?.bootstrapSha256).toBe(sha256File(bootstrap));
  });

  test('an edit of a file no build reads runs a watch cycle that builds nothing and deploys no change', async () => {
    const p = project!;
    const before = await p.deployedCodeSha();
    const cycle = await p.change(() => fs.appendFileSync(path.join(p.dir, 'notes.md'), 'An unrelated line.\n'), false);

    expect(cycle.output).toContain("Detected change to 'notes.md'");
    expect(cycle.output).not.toContain('[cdk-rust] building');
    expect(cycle.output).toContain(`${HOTSWAP_STACK} (no changes)`);
    expect(await p.deployedCodeSha()).toBe(before);
  });
});
