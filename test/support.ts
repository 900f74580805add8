/** Helpers shared by the end-to-end tests. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { readCargoWorkspace } from '../lib/bundling/cargo';
import { synthFunctionApp } from '../lib/cli/synth';
import { BuildPlan, PlanProps, makeBuildPlan } from '../lib/bundling/plan';
import { scopesGranularAcknowledgements } from '../lib/private/aws-cdk-lib-version';

export const FIXTURES = path.join(__dirname, 'fixtures');

/** The manifest (or another file) of a fixture crate in test/fixtures. */
export function fixture(name: string, file = 'Cargo.toml'): string {
  return path.join(FIXTURES, name, file);
}

/** The build plan of a fixture crate, with an empty environment (so no CDK_RUST_BUILDER_IMAGE) unless given. */
export function planOf(name: string, props: PlanProps = {}): BuildPlan {
  return makeBuildPlan(readCargoWorkspace(fixture(name)), { env: {}, ...props });
}

/** The development environment from scripts/dev-env.sh; fails the test when it is not up. */
export interface DevEnv {
  readonly docker: string;
  readonly builderImage: string;
  readonly sshAuthSock: string;
  readonly knownHosts: string[];
}

export function devEnv(): DevEnv {
  const { CDK_DOCKER, CDK_RUST_BUILDER_IMAGE, SSH_AUTH_SOCK, CDK_RUST_TEST_KNOWN_HOSTS } = process.env;
  if (!process.env.CDK_RUST_DEV_ENV || !CDK_DOCKER || !CDK_RUST_BUILDER_IMAGE || !SSH_AUTH_SOCK || !CDK_RUST_TEST_KNOWN_HOSTS) {
    throw new Error('The end-to-end tests need the development environment: run `scripts/dev-env.sh up` (npm test does).');
  }
  return {
    docker: CDK_DOCKER,
    builderImage: CDK_RUST_BUILDER_IMAGE,
    sshAuthSock: SSH_AUTH_SOCK,
    knownHosts: fs
      .readFileSync(CDK_RUST_TEST_KNOWN_HOSTS, 'utf-8')
      .split('\n')
      .filter((l) => l.trim()),
  };
}

/** A fresh temporary directory, removed by the caller (or left for the OS). */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cdk-rust-${prefix}-`));
}

/** A private copy of a fixture crate (without any target/), so that a test may edit it. */
export function copyFixture(name: string, into?: string): string {
  const dir = into ?? tempDir(name);
  fs.cpSync(path.join(FIXTURES, name), dir, {
    recursive: true,
    filter: (src) => !src.split(path.sep).includes('target'),
  });
  return dir;
}

/** What `file` says of a binary. */
export function describeBinary(file: string): string {
  const result = spawnSync('file', ['-b', file], { encoding: 'utf-8' });
  if (result.status !== 0) throw new Error(`file failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** True when the ELF file asks for a dynamic loader (has a PT_INTERP segment). */
export function hasInterpreter(file: string): boolean {
  const result = spawnSync('readelf', ['-lW', file], { encoding: 'utf-8' });
  if (result.status !== 0) throw new Error(`readelf failed: ${result.stderr}`);
  return /\bINTERP\b/.test(result.stdout);
}

/** Runs a built binary outside Lambda and returns its stdout. */
export function runBinary(file: string, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(file, [], { encoding: 'utf-8', env: { PATH: '/usr/bin:/bin', ...env }, timeout: 30_000 });
  if (result.status !== 0) throw new Error(`${file} exited with ${result.status}: ${result.stderr}`);
  return result.stdout;
}

/** Lists every file below `dir`. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

/** Collects what is written to process.stderr while `fn` runs (and still lets it through). */
export function captureStderr<T>(fn: () => T): { result: T; stderr: string } {
  const chunks: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf-8'));
    return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write);
  try {
    return { result: fn(), stderr: chunks.join('') };
  } finally {
    spy.mockRestore();
  }
}

/** Runs async `fn` with process.stderr silenced; returns its result and what it wrote to stderr. */
export async function stderrOf<T>(fn: () => Promise<T>): Promise<{ result: T; stderr: string }> {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf-8'));
    return true;
  }) as typeof process.stderr.write);
  try {
    return { result: await fn(), stderr: chunks.join('') };
  } finally {
    spy.mockRestore();
  }
}

/** One cdk-nag finding: the rule and the construct it fired on. */
export interface NagFinding {
  readonly rule: string;
  readonly path: string;
}

/**
 * Synthesizes `app` (which must have `@aws-cdk/core:failSynthOnValidationErrors: false` in its context and
 * the nag plugins added) and lists every unacknowledged finding of its validation report.
 */
export function nagFindings(app: { synth(): { directory: string } }): NagFinding[] {
  const assembly = app.synth();
  const reportFile = path.join(assembly.directory, 'validation-report.json');
  if (!fs.existsSync(reportFile)) throw new Error(`no validation report in ${assembly.directory}: were the nag plugins added?`);
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf-8'));
  return collectViolations(report).flatMap((v: any) =>
    (v.violatingConstructs ?? v.violatingResources ?? [{}]).map((c: any) => ({
      rule: String(v.ruleName),
      path: String(c.constructPath ?? c.resourceLogicalId ?? '?'),
    })),
  );
}

/** Every violation in a validation report, whatever its nesting (plugin reports, stage reports). */
function collectViolations(node: unknown): any[] {
  if (Array.isArray(node)) return node.flatMap(collectViolations);
  if (node !== null && typeof node === 'object') {
    return Object.entries(node).flatMap(([key, value]) =>
      key === 'violations' && Array.isArray(value) ? value : collectViolations(value),
    );
  }
  return [];
}

/**
 * Synthesizes the app that `build` fills, with cdk-nag's AwsSolutions and Serverless packs reporting instead of
 * failing the synth, and returns the findings sorted. `context` is added to the app's (e.g. no bundling).
 */
export function nagFindingsFor(build: (app: App) => void, context: Record<string, unknown> = {}): NagFinding[] {
  const outdir = tempDir('nag');
  try {
    const app = new App({ outdir, analyticsReporting: false, context: { '@aws-cdk/core:failSynthOnValidationErrors': false, ...context } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    build(app);
    return nagFindings(app).sort((a, b) => `${a.rule} ${a.path}`.localeCompare(`${b.rule} ${b.path}`));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The findings less the X-Ray wildcard of each RustFunction's TracingPolicy (and the managed-instances example's
 * operator policy) on an aws-cdk-lib that cannot keep the acknowledgement of that finding to the policy (before
 * 2.269, where RustFunction leaves it to the user).
 */
export function withoutUnscopableXrayFindings(findings: NagFinding[]): NagFinding[] {
  if (scopesGranularAcknowledgements()) return findings;
  return findings.filter(
    (f) =>
      !(f.rule === 'AwsSolutions-IAM5[Resource::*]' && /\/TracingPolicy\/Resource$/.test(f.path)) &&
      // The managed-instances example acknowledges its capacity provider's operator policy only where it can be scoped.
      !(f.rule.endsWith('AWSLambdaManagedEC2ResourceOperator]') && /\/Capacity\/OperatorRole\/Resource$/.test(f.path)),
  );
}

/**
 * A template with its asset hashes masked, for snapshots: the hash changes with every change of the
 * build recipe, and is asserted sharply where it is the point (test/bundling/hash.test.ts).
 */
export function maskAssetHashes(template: unknown): unknown {
  return JSON.parse(
    JSON.stringify(template)
      .replace(/[0-9a-f]{64}(\.zip)?/g, (_, zip) => `<asset-hash>${zip ?? ''}`)
      // RustServiceImage's name for an image not built in this synth: cdk-rust/<bin>:<image hash>.
      .replace(/(cdk-rust\/[a-z0-9._-]+):[0-9a-f]{16}\b/g, '$1:<image-hash>'),
  );
}

/** Runs `fn` and returns what it throws (undefined when it does not throw). */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Expects `fn` to throw a CdkRustError with `code`, whose message contains every fragment. */
export function expectCdkRustError(fn: () => unknown, code: string, ...fragments: string[]): void {
  const error = thrownBy(fn) as { name?: string; code?: string; message?: string } | undefined;
  expect(error?.name).toBe('CdkRustError');
  expect(error?.code).toBe(code);
  for (const fragment of fragments) expect(error?.message).toContain(fragment);
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The two Docker clients the end-to-end builds run through (see scripts/dev-env.sh). */
export type TestClientName = 'classic' | 'buildx';
export const TEST_CLIENTS: readonly TestClientName[] = ['classic', 'buildx'];

/**
 * The environment that makes cdk-rust use `name`: `classic` is Debian's 20.10 client (BuildKit built in,
 * no plugin); `buildx` is the machine's Docker 28 client with the buildx plugin built by dev-env.sh, in a
 * DOCKER_CONFIG of its own (a plugin in ~/.docker would be seen by both clients).
 */
export function clientEnv(name: TestClientName): NodeJS.ProcessEnv {
  const env = devEnv();
  if (name === 'classic') return { CDK_DOCKER: env.docker, DOCKER_CONFIG: undefined };
  const { CDK_RUST_TEST_BUILDX_DOCKER, CDK_RUST_TEST_BUILDX_CONFIG } = process.env;
  if (!CDK_RUST_TEST_BUILDX_DOCKER || !CDK_RUST_TEST_BUILDX_CONFIG) {
    throw new Error('The buildx client is missing from the development environment: run `scripts/dev-env.sh up`.');
  }
  return { CDK_DOCKER: CDK_RUST_TEST_BUILDX_DOCKER, DOCKER_CONFIG: CDK_RUST_TEST_BUILDX_CONFIG };
}

/**
 * Sets `vars` in process.env (undefined removes one) for the tests of the enclosing describe block,
 * and puts the old values back after them.
 */
export function useEnvironment(vars: () => NodeJS.ProcessEnv): void {
  const saved: NodeJS.ProcessEnv = {};
  beforeAll(() => {
    for (const [key, value] of Object.entries(vars())) {
      saved[key] = process.env[key];
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  afterAll(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
}

/** Writes `text` to `relative` under `root` (creating its directories), with `mode` (default 0644). */
export function writeProjectFile(root: string, relative: string, text: string, mode = 0o644): void {
  fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
  fs.writeFileSync(path.join(root, relative), text, { mode });
}

/**
 * The cloud assembly `cdk-rust synth` writes for the crate at `manifestPath` (its bin `binaryName`), built in Docker
 * with the development environment's builder image, into a new directory named after `label`; the build's progress
 * is kept off the test's output.
 */
export function builtAssembly(manifestPath: string, label: string, binaryName?: string): string {
  const { builderImage } = devEnv();
  return captureStderr(() =>
    synthFunctionApp({ manifestPath, binaryName, outdir: tempDir(label), builderImage, forceDockerBundling: true }),
  ).result.assemblyDir;
}
