import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RustFunction, RustFunctionProps } from '../../lib';
import { copyFixture, tempDir, thrownBy } from '../support';
import { RecordingDocker, recordingDocker } from './fake-docker';

/** A builder image pinned by digest: its identity needs no Docker. */
const PINNED_IMAGE = `cdk-rust-test-builder@sha256:${'0'.repeat(64)}`;

/** The generated-style workspace fixture: three functions (alpha, beta, gamma) sharing a library crate. */
function workspace(): string {
  return path.join(copyFixture('workspace'), 'Cargo.toml');
}

interface Synth {
  /** Each function's bootstrap, as staged, by construct id. */
  readonly bootstraps: Record<string, string>;
  /** Each function's S3 key (its asset hash), by construct id. */
  readonly keys: Record<string, string>;
}

/** Synthesizes an app of `functions` (construct id -> props) into `outdir` with the recording client. */
function synth(
  docker: RecordingDocker,
  outdir: string,
  functions: Record<string, Partial<RustFunctionProps>>,
  manifestPath: string,
): Synth {
  const saved = process.env.CDK_DOCKER;
  process.env.CDK_DOCKER = docker.command;
  try {
    const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new Stack(app, 'Stack');
    const fns = Object.entries(functions).map(
      ([id, props]) =>
        [
          id,
          new RustFunction(stack, id, { manifestPath, bundling: { builderImage: PINNED_IMAGE, forceDockerBundling: true }, ...props }),
        ] as const,
    );
    const assembly = app.synth();
    const template = assembly.getStackByName('Stack').template as {
      Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
    };
    const bootstraps: Record<string, string> = {};
    const keys: Record<string, string> = {};
    for (const [id, fn] of fns) {
      const logicalId = stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
      const assetPath = template.Resources[logicalId].Metadata!['aws:asset:path'];
      bootstraps[id] = fs.readFileSync(path.join(outdir, assetPath, 'bootstrap'), 'utf-8');
      keys[id] = stack.resolve(((fn.node.defaultChild as lambda.CfnFunction).code as lambda.CfnFunction.CodeProperty).s3Key);
    }
    return { bootstraps, keys };
  } finally {
    if (saved === undefined) delete process.env.CDK_DOCKER;
    else process.env.CDK_DOCKER = saved;
  }
}

const THREE = { Alpha: { binaryName: 'alpha' }, Beta: { binaryName: 'beta' }, Gamma: { binaryName: 'gamma' } };

describe('app-builds: one cargo build per workspace and settings, run once the app is complete', () => {
  test('three functions of one workspace are built by one cargo invocation naming all three bins, each asset getting its own', () => {
    const docker = recordingDocker();
    const result = synth(docker, tempDir('app-builds-out'), THREE, workspace());
    expect(docker.compiles()).toEqual([['alpha', 'beta', 'gamma']]);
    expect(result.bootstraps).toEqual({ Alpha: 'binary of alpha', Beta: 'binary of beta', Gamma: 'binary of gamma' });
  });

  test('asset hashes are the same as when each function is built alone', () => {
    const manifest = workspace();
    const together = synth(recordingDocker(), tempDir('app-builds-out'), THREE, manifest).keys;
    for (const [id, props] of Object.entries(THREE)) {
      expect(synth(recordingDocker(), tempDir('app-builds-out'), { [id]: props }, manifest).keys[id]).toBe(together[id]);
    }
  });

  test('an unchanged app builds nothing; an app with one new asset builds only that one, alone', () => {
    const docker = recordingDocker();
    const outdir = tempDir('app-builds-out');
    const manifest = workspace();
    synth(docker, outdir, THREE, manifest);
    synth(docker, outdir, THREE, manifest);
    expect(docker.compiles()).toHaveLength(1);
    // Beta's own crate changes: its hash, and only its, is new.
    fs.appendFileSync(path.join(path.dirname(manifest), 'functions', 'beta', 'src', 'main.rs'), '\n// edited\n');
    const third = synth(docker, outdir, THREE, manifest);
    expect(docker.compiles()).toEqual([['alpha', 'beta', 'gamma'], ['beta']]);
    expect(third.bootstraps.Beta).toBe('binary of beta');
  });

  test('functions whose settings differ (here the architecture) get builds of their own', () => {
    const docker = recordingDocker();
    synth(
      docker,
      tempDir('app-builds-out'),
      { ...THREE, GammaArm: { binaryName: 'gamma', architecture: lambda.Architecture.ARM_64 } },
      workspace(),
    );
    expect(docker.compiles()).toEqual([['alpha', 'beta', 'gamma'], ['gamma']]);
  });

  test('two functions of the same bin share one build of it', () => {
    const docker = recordingDocker();
    const result = synth(
      docker,
      tempDir('app-builds-out'),
      { A: { binaryName: 'alpha' }, B: { binaryName: 'alpha', memorySize: 256 } },
      workspace(),
    );
    expect(docker.compiles()).toEqual([['alpha']]);
    expect(result.bootstraps).toEqual({ A: 'binary of alpha', B: 'binary of alpha' });
  });

  test('a failed group build names every construct it built for, and leaves no asset behind', () => {
    const outdir = tempDir('app-builds-out');
    const failing = recordingDocker();
    // The client fails every compile build.
    fs.writeFileSync(
      failing.command,
      '#!/bin/sh\ncase "$1" in version) echo 20.10.24; exit 0 ;; buildx) exit 1 ;; esac\ncase "$*" in *--help*) echo "--ssh --output"; exit 0 ;; *--output*) echo "#9 ERROR: compile failed" ; exit 1 ;; esac\n',
    );
    const error = thrownBy(() => synth(failing, outdir, THREE, workspace())) as Error;
    expect(error.message).toMatch(/Stack\/Alpha, Stack\/Beta, Stack\/Gamma \(built together: alpha, beta, gamma\)/);
    expect(fs.readdirSync(outdir).filter((f) => f.startsWith('asset.'))).toEqual([]);
  });
});
