/**
 * Hand-written cloud assemblies for the assembly reader's and invokeLocally's tests: manifests, templates and
 * asset directories written with fs, including ones that point outside themselves or back into themselves.
 */
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../support';

/** A Lambda function resource with the given code and metadata, as a template holds it. */
export function lambdaResource(stack: string, id: string, code: object, metadata: object = {}): object {
  return {
    Type: 'AWS::Lambda::Function',
    Properties: { Runtime: 'provided.al2023', Handler: 'bootstrap', Code: code },
    Metadata: { 'aws:cdk:path': `${stack}/${id}/Resource`, ...metadata },
  };
}

export function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value));
}

/** A stack artifact of a manifest. */
export function stackArtifact(templateFile: string, extra: object = {}): object {
  return { type: 'aws:cloudformation:stack', environment: 'aws://111122223333/eu-west-1', properties: { templateFile }, ...extra };
}

export function nestedArtifact(directoryName: string): object {
  return { type: 'cdk:cloud-assembly', properties: { directoryName } };
}

/** Writes `<dir>/manifest.json` with the artifacts. */
export function writeManifest(dir: string, artifacts: Record<string, object>): void {
  writeJson(path.join(dir, 'manifest.json'), { version: '48.0.0', artifacts });
}

/** An asset directory holding a file named bootstrap (never run by these tests). */
export function writeAsset(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'bootstrap'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  return dir;
}

/**
 * A workspace with `cdk.out` (the assembly: stack Api with function Fn, code in asset.abc123) and, next to it,
 * `elsewhere` (outside the assembly), holding a template and a bootstrap of its own.
 */
export function workspace(): { root: string; outside: string } {
  const base = fs.realpathSync(tempDir('assembly-confinement'));
  const root = path.join(base, 'cdk.out');
  const outside = path.join(base, 'elsewhere');
  writeManifest(root, { Api: stackArtifact('Api.template.json') });
  writeJson(path.join(root, 'Api.template.json'), {
    Resources: { Fn: lambdaResource('Api', 'Fn', { S3Bucket: 'b', S3Key: 'abc123.zip' }) },
  });
  writeAsset(path.join(root, 'asset.abc123'));
  writeJson(path.join(outside, 'Outside.template.json'), {
    Resources: { Stolen: lambdaResource('Outside', 'Stolen', { S3Bucket: 'b', S3Key: 'abc123.zip' }) },
  });
  writeJson(path.join(outside, 'metadata.json'), { '/Outside/Stolen/Resource': [{ type: 'aws:cdk:logicalId', data: 'Fn' }] });
  writeAsset(outside);
  return { root, outside };
}

/** Replaces the Api stack's function with one whose code is `code` (and metadata `metadata`). */
export function setCode(root: string, code: object, metadata: object = {}): void {
  writeJson(path.join(root, 'Api.template.json'), { Resources: { Fn: lambdaResource('Api', 'Fn', code, metadata) } });
}

/** A small assembly: two stacks, one function with aws:cdk:path, one known only from the metadata file. */
export function writeAssembly(): string {
  const dir = tempDir('assembly');
  const fn = (extra: object): object => ({
    Type: 'AWS::Lambda::Function',
    Properties: {
      Runtime: 'provided.al2023',
      Handler: 'bootstrap',
      Code: { S3Bucket: 'b', S3Key: 'abc123.zip' },
      ...extra,
    },
  });
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      version: '48.0.0',
      artifacts: {
        One: {
          type: 'aws:cloudformation:stack',
          environment: 'aws://111122223333/eu-central-1',
          properties: { templateFile: 'One.template.json' },
          metadata: { '/One/Api/Resource': [{ type: 'aws:cdk:logicalId', data: 'ApiFn' }] },
        },
        Two: {
          type: 'aws:cloudformation:stack',
          environment: 'aws://unknown-account/unknown-region',
          properties: { templateFile: 'Two.template.json', stackName: 'two-stack' },
          additionalMetadataFile: 'Two.metadata.json',
        },
      },
    }),
  );
  fs.writeFileSync(
    path.join(dir, 'One.template.json'),
    JSON.stringify({
      Resources: {
        ApiFn: fn({
          MemorySize: 512,
          Timeout: 7,
          Architectures: ['arm64'],
          Environment: { Variables: { PLAIN: 'x', NUM: 3, TABLE: { Ref: 'Table' }, REGION: { Ref: 'AWS::Region' } } },
          LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'DEBUG' },
        }),
        Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
      },
    }),
  );
  fs.writeFileSync(
    path.join(dir, 'Two.template.json'),
    JSON.stringify({
      Resources: {
        WorkerA: { ...fn({}), Metadata: { 'aws:cdk:path': 'two/Jobs/WorkerA/Resource' } },
        WorkerB: { ...fn({ Code: { ZipFile: 'x' } }), Metadata: { 'aws:cdk:path': 'two/Jobs/WorkerB/Resource' } },
      },
    }),
  );
  fs.writeFileSync(path.join(dir, 'Two.metadata.json'), JSON.stringify({}));
  return dir;
}
