/**
 * `cdk-rust synth`: builds a Cargo project into a function (or a service) and writes a deployable cloud assembly,
 * then prints where everything went. The builder (lib/cli/synth.ts) brings aws-cdk-lib, which no other command
 * needs: it is loaded when the command runs, so keep its import dynamic.
 */
import * as path from 'path';
import type { SynthArguments } from './synth-args';

export const SYNTH_USAGE = `cdk-rust synth --manifest PATH [options]
  --manifest PATH       Cargo.toml of the package (or workspace) to build. Required.
  --binary NAME         The bin to run, when the package has several.
  --arch ARCH           x86_64 (default) or arm64.
  --alarm-email ADDR    Subscribe ADDR to the topic of the function's alarms (repeatable).
  --dashboard           Add an OperationsDashboard: one CloudWatch dashboard for the function or service and
                        its alarms, named <stack name>-cdk-rust-<region> (see docs/operations.md).
  --out DIR             Where to write the output. Default: cdk-rust.out
  --stack-name NAME     CloudFormation stack name. Default: cdk-rust-<binary or crate dir>
  --known-hosts FILE    Pinned known_hosts lines for private git dependencies over SSH.
  --features LIST       Comma-separated Cargo features to enable.
  --builder-image IMG   Docker image to build in (default: CDK_RUST_BUILDER_IMAGE, or cdk-rust's own).
  --force-docker        Build in Docker even when the host toolchain could.
  --env NAME=VALUE      An environment variable of the function or service (repeatable).
  --build-env NAME=VALUE
                        A variable of the build (bundling.buildEnvironment; repeatable), e.g. SQLX_OFFLINE=true.
  --build-secret ID=env:NAME | ID=file:PATH
                        A build secret (bundling.buildSecrets; repeatable): read from this shell's variable NAME
                        or from the file PATH, never written into the template, asset or logs.
  --service             An ECS Fargate service behind a load balancer instead of a function: the
                        binary in a minimal image; --alarm-email subscribes to the service's alarms.
  --port N              (service) The port the service listens on (PORT is set to it). Default: 8080
  --health-check-path P (service) The path the load balancer checks. Default: /health
  --container-health-check "ARGS"
                        (service) Run the binary with ARGS as the container health check, e.g. "healthcheck".
                        Default: cdk-rust's health probe requests the health-check path.

Output: DIR is a CDK cloud assembly holding the template (<stack>.template.json), the built asset and
bootstrap.zip (the code as Lambda takes it). Deploy it with the CDK CLI, which uploads the asset:
  npx cdk deploy --app DIR
`;

/** Runs `cdk-rust synth` as `args` ask, prints what it wrote, and returns the exit code. */
export async function synthCommand(args: SynthArguments): Promise<number> {
  // Loaded here, not at the top: it brings aws-cdk-lib, which no other command needs.
  const { synthFunctionApp, synthServiceApp } = await import('./synth');
  if (args.service) {
    const service = synthServiceApp(args.options);
    print([
      `stack:    ${service.stackName}`,
      `template: ${relative(service.templateFile)}`,
      `image:    ${relative(service.imageTarball)}`,
      `run:      npx cdk-rust run Stack/Service --app ${relative(service.assemblyDir) || '.'}`,
      `deploy:   npx cdk deploy --app ${relative(service.assemblyDir) || '.'}`,
    ]);
    return 0;
  }
  const result = synthFunctionApp(args.options);
  print([
    `stack:    ${result.stackName}`,
    `template: ${relative(result.templateFile)}`,
    `code:     ${relative(result.zipFile)}`,
    `deploy:   npx cdk deploy --app ${relative(result.assemblyDir) || '.'}`,
  ]);
  return 0;
}

function relative(file: string): string {
  return path.relative(process.cwd(), file);
}

function print(lines: string[]): void {
  process.stdout.write([...lines, ''].join('\n'));
}
