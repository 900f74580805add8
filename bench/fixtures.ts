/**
 * What the benchmark builds: fresh copies of examples/greeter, the edits made to them, a generated
 * workspace of N functions, and the small CDK apps run as whole processes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BenchError } from './support';

export const REPO = path.resolve(__dirname, '..');
export const GREETER = path.join(REPO, 'examples', 'greeter');
/** The example actix-web service (RustService, RustServiceImage). */
export const SERVICE = path.join(REPO, 'examples', 'service');

/** Copies a crate (never its target/) into `dest`, which must not exist yet. */
export function copyCrate(source: string, dest: string): string {
  if (fs.existsSync(dest)) throw new BenchError(`${dest} exists already: copies must be fresh`);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.cpSync(source, dest, {
    recursive: true,
    filter: (src) => !path.relative(source, src).split(path.sep).includes('target'),
  });
  return dest;
}

// ------------------------------------------------------------------------------------------------
// Edits of greeter's sources (scenarios 3 and 4)

const MESSAGE_LINE = /^ {4}Ok\(Response \{ message: format!\(.*\) \}\)$/m;

/** The dependencies scenario 4 adds, with how main.rs uses each one. */
export const ADDED_DEPENDENCIES: ReadonlyArray<{ name: string; requirement: string; use: string }> = [
  { name: 'itoa', requirement: '"1"', use: ' + itoa::Buffer::new().format(7u32)' },
  { name: 'hex', requirement: '"0.4"', use: ' + &hex::encode([0xbe_u8, 0xef])' },
];

/**
 * Rewrites greeter's greeting line so that the binary changes: `tag` goes into the message, and every
 * dependency of `deps` is used in it.
 */
export function editGreeting(crateDir: string, tag: string, deps: readonly string[] = []): void {
  const file = path.join(crateDir, 'src', 'main.rs');
  const text = fs.readFileSync(file, 'utf-8');
  if (!MESSAGE_LINE.test(text)) throw new BenchError(`${file}: the greeting line was not found (did examples/greeter change?)`);
  const uses = deps
    .map((d) => {
      const dep = ADDED_DEPENDENCIES.find((x) => x.name === d);
      if (!dep) throw new BenchError(`unknown added dependency ${d}`);
      return dep.use;
    })
    .join('');
  const line = `    Ok(Response { message: format!("Hello [${tag}]{}, {name}!", String::new()${uses}) })`;
  fs.writeFileSync(file, text.replace(MESSAGE_LINE, line));
}

/** Adds `name = requirement` to greeter's [dependencies]. */
export function addDependency(crateDir: string, name: string): void {
  const dep = ADDED_DEPENDENCIES.find((x) => x.name === name);
  if (!dep) throw new BenchError(`unknown added dependency ${name}`);
  const file = path.join(crateDir, 'Cargo.toml');
  const text = fs.readFileSync(file, 'utf-8');
  if (!/^\[dependencies\]$/m.test(text)) throw new BenchError(`${file} has no [dependencies] table`);
  fs.writeFileSync(file, text.replace(/^\[dependencies\]$/m, `[dependencies]\n${name} = ${dep.requirement}`));
}

/** Copies the files the edits touch from one greeter copy to another. */
export function syncEdits(from: string, to: string): void {
  for (const f of ['Cargo.toml', 'Cargo.lock', path.join('src', 'main.rs')]) {
    fs.copyFileSync(path.join(from, f), path.join(to, f));
  }
}

/** The line of examples/service's `hello` handler that builds its message (its format string, then its arguments). */
const SERVICE_MESSAGE_LINE = /^( +)message: format!\("([^"]*?)\{name\}, from a Rust service on ECS[^"]*"(.*)\),$/m;

/** Rewrites the example service's greeting so that the binary changes: `tag` goes into the message. */
export function editServiceGreeting(crateDir: string, tag: string): void {
  const file = path.join(crateDir, 'src', 'main.rs');
  const text = fs.readFileSync(file, 'utf-8');
  const match = SERVICE_MESSAGE_LINE.exec(text);
  if (!match) throw new BenchError(`${file}: the hello message line was not found (did examples/service change?)`);
  fs.writeFileSync(
    file,
    text.replace(SERVICE_MESSAGE_LINE, `${match[1]}message: format!("${match[2]}{name}, from a Rust service on ECS [${tag}]"${match[3]}),`),
  );
}

// ------------------------------------------------------------------------------------------------
// A workspace of N functions (scenario 5)

export function functionNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `fn${String(i + 1).padStart(2, '0')}`);
}

/**
 * Writes a workspace of `n` function crates sharing one `shared` lib crate, every function with
 * greeter's dependencies and release profile, and greeter's Cargo.lock (which cargo then completes
 * with the workspace's own packages, keeping every registry version).
 */
export function writeWorkspace(dir: string, n: number): string[] {
  const names = functionNames(n);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'Cargo.toml'),
    [
      '[workspace]',
      'resolver = "2"',
      'members = ["shared", "functions/*"]',
      '',
      '[workspace.package]',
      'version = "0.1.0"',
      'edition = "2021"',
      'publish = false',
      '',
      '[workspace.dependencies]',
      'lambda_runtime = "1.5"',
      'serde = { version = "1", features = ["derive"] }',
      'serde_json = "1"',
      'tokio = { version = "1", features = ["macros"] }',
      'shared = { path = "shared" }',
      '',
      '# The same release profile as examples/greeter.',
      '[profile.release]',
      'strip = true',
      'lto = "thin"',
      'codegen-units = 1',
      '',
    ].join('\n'),
  );
  fs.copyFileSync(path.join(GREETER, 'Cargo.lock'), path.join(dir, 'Cargo.lock'));

  const shared = path.join(dir, 'shared');
  fs.mkdirSync(path.join(shared, 'src'), { recursive: true });
  fs.writeFileSync(
    path.join(shared, 'Cargo.toml'),
    [
      '[package]',
      'name = "shared"',
      'version.workspace = true',
      'edition.workspace = true',
      'publish.workspace = true',
      '',
      '[dependencies]',
      'serde = { workspace = true }',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(shared, 'src', 'lib.rs'),
    [
      '//! What every function of the benchmark workspace shares.',
      'use serde::Serialize;',
      '',
      '#[derive(Serialize)]',
      'pub struct Greeting {',
      "    pub function: &'static str,",
      '    pub message: String,',
      '}',
      '',
      "pub fn greet(function: &'static str, name: &str) -> Greeting {",
      '    Greeting { function, message: format!("{function} says hello to {name}") }',
      '}',
      '',
    ].join('\n'),
  );

  for (const name of names) {
    const crate = path.join(dir, 'functions', name);
    fs.mkdirSync(path.join(crate, 'src'), { recursive: true });
    fs.writeFileSync(
      path.join(crate, 'Cargo.toml'),
      [
        '[package]',
        `name = "${name}"`,
        'version.workspace = true',
        'edition.workspace = true',
        'publish.workspace = true',
        '',
        '[dependencies]',
        'lambda_runtime = { workspace = true }',
        'serde = { workspace = true }',
        'serde_json = { workspace = true }',
        'tokio = { workspace = true }',
        'shared = { workspace = true }',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(crate, 'src', 'main.rs'),
      [
        `//! Function ${name} of the benchmark workspace.`,
        'use lambda_runtime::{service_fn, Error, LambdaEvent};',
        'use serde_json::Value;',
        '',
        `const NAME: &str = "${name}";`,
        '',
        'async fn handler(event: LambdaEvent<Value>) -> Result<shared::Greeting, Error> {',
        '    let name = event.payload.get("name").and_then(Value::as_str).unwrap_or("world");',
        '    Ok(shared::greet(NAME, name))',
        '}',
        '',
        '#[tokio::main]',
        'async fn main() -> Result<(), Error> {',
        '    println!("{NAME} starting");',
        '    lambda_runtime::run(service_fn(handler)).await',
        '}',
        '',
      ].join('\n'),
    );
  }
  return names;
}

/** The line of the generated workspace's `shared` crate that builds every function's message. */
const SHARED_MESSAGE_LINE = /^ {4}Greeting \{ function, message: format!\(.*\) \}$/m;

/**
 * Rewrites the message line of a generated workspace's `shared` crate so that every function's binary
 * changes: `tag` goes into the message (the scale scenario's one-line change).
 */
export function editShared(wsDir: string, tag: string): void {
  const file = path.join(wsDir, 'shared', 'src', 'lib.rs');
  const text = fs.readFileSync(file, 'utf-8');
  if (!SHARED_MESSAGE_LINE.test(text)) throw new BenchError(`${file}: the message line was not found (did writeWorkspace change?)`);
  fs.writeFileSync(
    file,
    text.replace(SHARED_MESSAGE_LINE, `    Greeting { function, message: format!("{function} says hello to {name} [${tag}]") }`),
  );
}

// ------------------------------------------------------------------------------------------------
// CDK apps, run as whole processes (`node app.js config.json`)

/** What an app synthesizes. */
export interface AppConfig {
  readonly outdir: string;
  readonly functions: ReadonlyArray<{ id: string; manifestPath: string; binaryName?: string }>;
  /** For the floor app: directories holding a prebuilt bootstrap. */
  readonly prebuilt?: ReadonlyArray<{ id: string; dir: string }>;
  readonly errorRateAlarm?: boolean;
  /** For ours: RustFunction's `bundling` props, given to every function as they are (e.g. `builder`, `builderImage`). */
  readonly bundling?: Readonly<Record<string, unknown>>;
}

/** cdk-rust's RustFunction, from the compiled library (`BENCH_DIST`). */
export const OURS_APP = `'use strict';
const fs = require('fs');
const cdk = require('aws-cdk-lib');
const { RustFunction } = require(process.env.BENCH_DIST);
const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf-8'));
const app = new cdk.App({ outdir: config.outdir });
const stack = new cdk.Stack(app, 'Bench');
for (const fn of config.functions) {
  new RustFunction(stack, fn.id, {
    manifestPath: fn.manifestPath,
    binaryName: fn.binaryName,
    ...(config.errorRateAlarm === false ? { errorRateAlarm: false } : {}),
    ...(config.bundling ? { bundling: config.bundling } : {}),
  });
}
app.synth();
`;

/** The floor: plain lambda.Function on a directory that already holds bootstrap. */
export const FLOOR_APP = `'use strict';
const fs = require('fs');
const cdk = require('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda');
const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf-8'));
const app = new cdk.App({ outdir: config.outdir });
const stack = new cdk.Stack(app, 'Bench');
for (const fn of config.prebuilt) {
  new lambda.Function(stack, fn.id, {
    runtime: lambda.Runtime.PROVIDED_AL2023,
    architecture: lambda.Architecture.X86_64,
    handler: 'bootstrap',
    code: lambda.Code.fromAsset(fn.dir),
  });
}
app.synth();
`;

/** The peer: cargo-lambda-cdk's RustFunction (local bundling with \`cargo lambda build\`). */
export const PEER_APP = `'use strict';
const fs = require('fs');
const cdk = require('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda');
const { RustFunction } = require('cargo-lambda-cdk');
const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf-8'));
const app = new cdk.App({ outdir: config.outdir });
const stack = new cdk.Stack(app, 'Bench');
for (const fn of config.functions) {
  new RustFunction(stack, fn.id, {
    manifestPath: fn.manifestPath,
    binaryName: fn.binaryName,
    architecture: lambda.Architecture.X86_64,
  });
}
app.synth();
`;

// ------------------------------------------------------------------------------------------------
// Service apps (scenarios 13 and 14), run as whole processes (`node app.js config.json`)

/** What a service app synthesizes. */
export interface ServiceAppConfig {
  readonly outdir: string;
  /** The crate (ours), or the prebuilt docker-archive (the floor). */
  readonly manifestPath?: string;
  readonly tarball?: string;
  /** RustService with its four alarms turned off. */
  readonly alarms?: false;
}

/** RustServiceImage alone: the image archive of a crate (`node service-image.js config.json`). */
export const SERVICE_IMAGE_APP = `'use strict';
const fs = require('fs');
const cdk = require('aws-cdk-lib');
const { RustServiceImage } = require(process.env.BENCH_DIST);
const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf-8'));
const app = new cdk.App({ outdir: config.outdir });
const stack = new cdk.Stack(app, 'Bench');
new RustServiceImage(stack, 'Image', {
  manifestPath: config.manifestPath,
  files: [{ source: 'configuration' }],
  bundling: { builderImage: process.env.CDK_RUST_BUILDER_IMAGE },
});
app.synth();
`;

/** cdk-rust's RustService, configured as examples/rust-service.ts (`node service.js config.json`). */
export const SERVICE_APP = `'use strict';
const fs = require('fs');
const cdk = require('aws-cdk-lib');
const { RustService } = require(process.env.BENCH_DIST);
const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf-8'));
const app = new cdk.App({ outdir: config.outdir });
const stack = new cdk.Stack(app, 'Bench');
const off = { enabled: false };
new RustService(stack, 'Service', {
  manifestPath: config.manifestPath,
  files: [{ source: 'configuration' }],
  containerHealthCheck: { args: ['healthcheck'], interval: cdk.Duration.seconds(10), startPeriod: cdk.Duration.seconds(5) },
  autoScaling: { maxCapacity: 4, requestsPerTarget: 1000 },
  ...(config.alarms === false ? { alarms: { http5xxRate: off, unhealthyHosts: off, cpu: off, memory: off } } : {}),
});
app.synth();
`;

/**
 * The floor of a service: aws-ecs-patterns' ApplicationLoadBalancedFargateService on a prebuilt docker-archive
 * (`ecs.ContainerImage.fromTarball`), with what RustService sets up around it that the pattern can take: the same
 * VPC shape (2 AZs, 1 NAT gateway, flow logs of rejected traffic), a cluster with Container Insights, the same task
 * size and count, port, circuit breaker, grace period, container health check, target group check and scaling.
 * Not: the alarms and their topic, the log group's retention, the read-only root file system and its /tmp volume,
 * the task definition's user, the listener's own ingress rule, cdk-nag acknowledgements.
 */
export const SERVICE_FLOOR_APP = `'use strict';
const fs = require('fs');
const cdk = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const ecs = require('aws-cdk-lib/aws-ecs');
const ecsPatterns = require('aws-cdk-lib/aws-ecs-patterns');
const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf-8'));
const app = new cdk.App({ outdir: config.outdir });
const stack = new cdk.Stack(app, 'Bench');
const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, flowLogs: { FlowLogs: { trafficType: ec2.FlowLogTrafficType.REJECT } } });
const cluster = new ecs.Cluster(stack, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task', {
  cpu: 256,
  memoryLimitMiB: 512,
  runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
});
taskDefinition.addContainer('App', {
  image: ecs.ContainerImage.fromTarball(config.tarball),
  environment: { PORT: '8080' },
  portMappings: [{ containerPort: 8080 }],
  logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'service' }),
  healthCheck: {
    command: ['CMD', '/app/service', 'healthcheck'],
    interval: cdk.Duration.seconds(10),
    startPeriod: cdk.Duration.seconds(5),
  },
});
const service = new ecsPatterns.ApplicationLoadBalancedFargateService(stack, 'Service', {
  cluster,
  taskDefinition,
  desiredCount: 2,
  publicLoadBalancer: true,
  circuitBreaker: { rollback: true },
  minHealthyPercent: 100,
  healthCheckGracePeriod: cdk.Duration.seconds(60),
});
service.targetGroup.configureHealthCheck({ path: '/health', healthyHttpCodes: '200-299' });
const scaling = service.service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 4 });
scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 70 });
scaling.scaleOnRequestCount('Requests', { requestsPerTarget: 1000, targetGroup: service.targetGroup });
app.synth();
`;

// ------------------------------------------------------------------------------------------------
// A tiny cloud assembly (the CLI start-up scenario)

/**
 * Writes a cloud assembly of one stack, `Bench`, with one function, `Bench/Greeter`, whose code is an
 * asset directory holding a `bootstrap` (a shell script that is never run): enough for
 * `cdk-rust invoke` to read the manifest, the template and the construct paths.
 */
export function writeTinyAssembly(dir: string): string {
  const asset = 'asset.0000000000000000000000000000000000000000000000000000000000000000';
  fs.mkdirSync(path.join(dir, asset), { recursive: true });
  fs.writeFileSync(path.join(dir, asset, 'bootstrap'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify(
      {
        version: '48.0.0',
        artifacts: {
          Bench: {
            type: 'aws:cloudformation:stack',
            environment: 'aws://unknown-account/unknown-region',
            properties: { templateFile: 'Bench.template.json', stackName: 'Bench' },
            metadata: { '/Bench/Greeter/Resource': [{ type: 'aws:cdk:logicalId', data: 'Greeter' }] },
            displayName: 'Bench',
          },
        },
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(
    path.join(dir, 'Bench.template.json'),
    JSON.stringify(
      {
        Resources: {
          Greeter: {
            Type: 'AWS::Lambda::Function',
            Properties: {
              Code: { S3Bucket: 'bucket', S3Key: `${asset.slice('asset.'.length)}.zip` },
              Handler: 'bootstrap',
              Runtime: 'provided.al2023',
              Architectures: ['x86_64'],
              MemorySize: 128,
              Timeout: 3,
            },
            Metadata: { 'aws:cdk:path': 'Bench/Greeter/Resource', 'aws:asset:path': asset, 'aws:asset:property': 'Code' },
          },
        },
      },
      null,
      2,
    ),
  );
  return dir;
}
