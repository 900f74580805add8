/**
 * The cloud assembly reader, on hand-written assemblies: what it reads from a well-formed one, and, on untrusted
 * input (manifests, templates, asset directories written with fs, which point outside themselves or back into
 * themselves), that nothing it reads or runs comes from outside the assembly directory, since `cdk-rust invoke`
 * runs the bootstrap the reader finds.
 */
import * as fs from 'fs';
import * as path from 'path';
import { findAssemblyFunction, invokeLocally, listAssemblyFunctions, localFunctionFromAssembly } from '../../lib/invoke/assembly';
import { captureStderr, expectCdkRustError, tempDir } from '../support';

/** A Lambda function resource with the given code and metadata, as a template holds it. */
function lambdaResource(stack: string, id: string, code: object, metadata: object = {}): object {
  return {
    Type: 'AWS::Lambda::Function',
    Properties: { Runtime: 'provided.al2023', Handler: 'bootstrap', Code: code },
    Metadata: { 'aws:cdk:path': `${stack}/${id}/Resource`, ...metadata },
  };
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value));
}

/** A stack artifact of a manifest. */
function stackArtifact(templateFile: string, extra: object = {}): object {
  return { type: 'aws:cloudformation:stack', environment: 'aws://111122223333/eu-west-1', properties: { templateFile }, ...extra };
}

function nestedArtifact(directoryName: string): object {
  return { type: 'cdk:cloud-assembly', properties: { directoryName } };
}

/** Writes `<dir>/manifest.json` with the artifacts. */
function writeManifest(dir: string, artifacts: Record<string, object>): void {
  writeJson(path.join(dir, 'manifest.json'), { version: '48.0.0', artifacts });
}

/** An asset directory holding a file named bootstrap (never run by these tests). */
function writeAsset(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'bootstrap'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  return dir;
}

/**
 * A workspace with `cdk.out` (the assembly: stack Api with function Fn, code in asset.abc123) and, next to it,
 * `elsewhere` (outside the assembly), holding a template and a bootstrap of its own.
 */
function workspace(): { root: string; outside: string } {
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
function setCode(root: string, code: object, metadata: object = {}): void {
  writeJson(path.join(root, 'Api.template.json'), { Resources: { Fn: lambdaResource('Api', 'Fn', code, metadata) } });
}

/** A small assembly: two stacks, one function with aws:cdk:path, one known only from the metadata file. */
function writeAssembly(): string {
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

describe('listAssemblyFunctions: every function of the assembly is listed with what its template and manifest say', () => {
  test('lists every function with what the template says', () => {
    const dir = writeAssembly();
    const functions = listAssemblyFunctions(dir);
    expect(functions.map((f) => f.constructPath)).toEqual(['One/Api', 'two/Jobs/WorkerA', 'two/Jobs/WorkerB']);
    expect(functions[0]).toMatchObject({
      logicalId: 'ApiFn',
      stackName: 'One',
      memorySize: 512,
      timeoutSeconds: 7,
      architecture: 'arm64',
      environment: { PLAIN: 'x', NUM: '3', REGION: 'eu-central-1' },
      unresolvedVariables: ['TABLE'],
      logFormat: 'JSON',
      applicationLogLevel: 'DEBUG',
      region: 'eu-central-1',
      account: '111122223333',
      codeDirectory: path.join(fs.realpathSync(dir), 'asset.abc123'),
    });
    expect(functions[1]).toMatchObject({
      stackName: 'two-stack',
      memorySize: 128,
      timeoutSeconds: 3,
      architecture: 'x86_64',
      logFormat: 'Text',
    });
    expect(functions[2].codeProblem).toContain('inline');
  });

  test('a variable whose value only resolves when deployed is left out with a warning, unless the caller gives it', () => {
    const dir = writeAssembly();
    const { stderr } = captureStderr(() => localFunctionFromAssembly(dir, 'One/Api'));
    expect(stderr).toBe(
      '[cdk-rust] warning: environment variable TABLE of One/Api is left out: its value is a CloudFormation ' +
        'expression that only resolves when deployed (give it a value with --env TABLE=... or the environment option)\n',
    );
    expect(captureStderr(() => localFunctionFromAssembly(dir, 'One/Api', { environment: { TABLE: 't' } })).stderr).toBe('');
  });
});

describe('findAssemblyFunction: a selector names exactly one function, or the error lists the candidates', () => {
  test('matches by logical id, Stack/LogicalId, construct path, the path of the function resource, or a unique parent path', () => {
    const dir = writeAssembly();
    expect(findAssemblyFunction(dir, 'ApiFn').constructPath).toBe('One/Api');
    expect(findAssemblyFunction(dir, 'One/ApiFn').constructPath).toBe('One/Api');
    expect(findAssemblyFunction(dir, 'One/Api').logicalId).toBe('ApiFn');
    expect(findAssemblyFunction(dir, '/One/Api/Resource').logicalId).toBe('ApiFn');
    expect(findAssemblyFunction(dir, 'two-stack/WorkerA').logicalId).toBe('WorkerA');
    expect(findAssemblyFunction(dir, 'two/Jobs/WorkerB').logicalId).toBe('WorkerB');
  });

  test('lists the candidates when nothing or several match', () => {
    const dir = writeAssembly();
    expect(() => findAssemblyFunction(dir, 'Nope')).toThrow(
      /no Lambda function in .* matches "Nope". The functions are:\n {2}One\/Api {2}\(logical id ApiFn in stack One\)\n {2}two\/Jobs\/WorkerA/,
    );
    expect(() => findAssemblyFunction(dir, 'two/Jobs')).toThrow(/"two\/Jobs" matches several Lambda functions[^]*WorkerA[^]*WorkerB/);
    expect(() => findAssemblyFunction(tempDir('empty'), 'x')).toThrow(/has no manifest.json/);
  });
});

describe('invokeLocally: an event that is not JSON is refused before anything is read or run', () => {
  test('eventJson that is not JSON fails with INVALID_EVENT, even for an assembly that does not exist', async () => {
    await expect(invokeLocally({ assemblyDir: tempDir('no-assembly'), function: 'Api/Fn', eventJson: '{"name": ' })).rejects.toMatchObject({
      code: 'INVALID_EVENT',
      message: expect.stringContaining('the event is not valid JSON'),
    });
  });
});

describe('listAssemblyFunctions: each nested assembly is read once, and only inside the assembly', () => {
  test('a nested assembly that points back at itself, at its parent, or at either through a symlink is read once', () => {
    const { root } = workspace();
    const stage = path.join(root, 'assembly-Stage');
    writeManifest(root, {
      Api: stackArtifact('Api.template.json'),
      Stage: nestedArtifact('assembly-Stage'),
      Self: nestedArtifact('.'),
      Link: nestedArtifact('link-to-root'),
    });
    fs.symlinkSync(root, path.join(root, 'link-to-root'));
    writeManifest(stage, {
      Worker: stackArtifact('Worker.template.json'),
      Parent: nestedArtifact('..'),
      Self: nestedArtifact('.'),
      Again: nestedArtifact('../assembly-Stage'),
    });
    writeJson(path.join(stage, 'Worker.template.json'), {
      Resources: { Job: lambdaResource('Stage/Worker', 'Job', { S3Bucket: 'b', S3Key: 'def456.zip' }) },
    });

    const functions = listAssemblyFunctions(root);
    expect(functions.map((f) => f.constructPath)).toEqual(['Api/Fn', 'Stage/Worker/Job']);
    expect(findAssemblyFunction(root, 'Stage/Worker/Job').logicalId).toBe('Job');
  });

  test('a nested assembly outside the assembly directory (relative, absolute, or through a symlink) is refused, with a fix', () => {
    const { root, outside } = workspace();
    writeManifest(outside, { Outside: stackArtifact('Outside.template.json') });
    fs.symlinkSync(outside, path.join(root, 'assembly-Link'));
    for (const directoryName of ['../elsewhere', outside, 'assembly-Link']) {
      writeManifest(root, { Api: stackArtifact('Api.template.json'), Stage: nestedArtifact(directoryName) });
      expectCdkRustError(
        () => listAssemblyFunctions(root),
        'FUNCTION_NOT_FOUND',
        `the nested assembly Stage, ${JSON.stringify(directoryName)}, resolves to a path outside the cloud assembly ${root}`,
        'Fix: synthesize the app again',
      );
    }
  });
});

describe('listAssemblyFunctions: templates and metadata files are read only inside the assembly', () => {
  test('a templateFile outside the assembly (relative, absolute, or through a symlink) is refused, with a fix', () => {
    const { root, outside } = workspace();
    fs.symlinkSync(path.join(outside, 'Outside.template.json'), path.join(root, 'Linked.template.json'));
    for (const templateFile of [
      '../elsewhere/Outside.template.json',
      path.join(outside, 'Outside.template.json'),
      'Linked.template.json',
    ]) {
      writeManifest(root, { Api: stackArtifact(templateFile) });
      expectCdkRustError(
        () => listAssemblyFunctions(root),
        'FUNCTION_NOT_FOUND',
        `the template of stack Api, ${JSON.stringify(templateFile)}, resolves to a path outside the cloud assembly`,
        'Fix: synthesize the app again',
      );
    }
  });

  test('an additionalMetadataFile outside the assembly is refused, with a fix', () => {
    const { root } = workspace();
    writeManifest(root, { Api: stackArtifact('Api.template.json', { additionalMetadataFile: '../elsewhere/metadata.json' }) });
    expectCdkRustError(
      () => listAssemblyFunctions(root),
      'FUNCTION_NOT_FOUND',
      'the metadata file of stack Api, "../elsewhere/metadata.json", resolves to a path outside the cloud assembly',
      'Fix: synthesize the app again',
    );
  });

  test('a manifest.json that is a symlink to a file outside the assembly is refused', () => {
    const { root, outside } = workspace();
    writeManifest(outside, { Outside: stackArtifact('Outside.template.json') });
    fs.rmSync(path.join(root, 'manifest.json'));
    fs.symlinkSync(path.join(outside, 'manifest.json'), path.join(root, 'manifest.json'));
    expectCdkRustError(
      () => listAssemblyFunctions(root),
      'FUNCTION_NOT_FOUND',
      'its manifest, "manifest.json", resolves to a path outside',
    );
  });
});

describe('localFunctionFromAssembly: only a bootstrap inside the assembly is run', () => {
  /** The bootstrap that localFunctionFromAssembly would run for the Api/Fn function. */
  function bootstrapOf(root: string): string {
    const { fn } = localFunctionFromAssembly(root, 'Api/Fn');
    return fn.bootstrap;
  }

  test('an asset inside the assembly is run from its real path', () => {
    const { root } = workspace();
    expect(listAssemblyFunctions(root)[0].codeDirectory).toBe(path.join(root, 'asset.abc123'));
    expect(bootstrapOf(root)).toBe(path.join(root, 'asset.abc123', 'bootstrap'));
    // A symlink that stays inside the assembly is followed, and the real file is what runs.
    setCode(root, { S3Bucket: 'b', S3Key: 'linked.zip' });
    fs.symlinkSync(path.join(root, 'asset.abc123'), path.join(root, 'asset.linked'));
    expect(bootstrapOf(root)).toBe(path.join(root, 'asset.abc123', 'bootstrap'));
  });

  test('a missing asset is still reported as missing when invoked, not as outside the assembly', async () => {
    const { root } = workspace();
    fs.rmSync(path.join(root, 'asset.abc123'), { recursive: true });
    const { fn } = localFunctionFromAssembly(root, 'Api/Fn');
    await expect(fn.invoke({})).rejects.toMatchObject({
      code: 'ASSET_NOT_FOUND',
      message: expect.stringContaining(`there is no bootstrap at ${path.join(root, 'asset.abc123', 'bootstrap')}`),
    });
    await fn.close();
  });

  test('an aws:asset:path outside the assembly (relative or absolute) gives no code directory, and is refused with a fix', () => {
    const { root, outside } = workspace();
    for (const assetPath of ['../elsewhere', outside]) {
      setCode(root, { S3Bucket: 'b', S3Key: { 'Fn::Sub': 'not-a-string' } }, { 'aws:asset:path': assetPath, 'aws:asset:property': 'Code' });
      const [definition] = listAssemblyFunctions(root);
      expect(definition.codeDirectory).toBeUndefined();
      expect(definition.codeProblem).toContain(`its code directory, ${outside}, resolves to a path outside the cloud assembly ${root}`);
      expectCdkRustError(
        () => localFunctionFromAssembly(root, 'Api/Fn'),
        'ASSET_NOT_FOUND',
        'Api/Fn has no code asset in the cloud assembly',
        'Fix: run functions whose code is an asset directory of the cloud assembly',
      );
    }
  });

  test('an S3Key that climbs out of the assembly is refused', () => {
    const { root } = workspace();
    setCode(root, { S3Bucket: 'b', S3Key: '/../../elsewhere.zip' });
    const [definition] = listAssemblyFunctions(root);
    expect(definition.codeDirectory).toBeUndefined();
    expect(definition.codeProblem).toContain('outside the cloud assembly');
    expectCdkRustError(() => localFunctionFromAssembly(root, 'Api/Fn'), 'ASSET_NOT_FOUND', 'outside the cloud assembly');
  });

  test('an asset directory that is a symlink to a directory outside the assembly is refused', () => {
    const { root, outside } = workspace();
    fs.rmSync(path.join(root, 'asset.abc123'), { recursive: true });
    fs.symlinkSync(outside, path.join(root, 'asset.abc123'));
    expect(listAssemblyFunctions(root)[0].codeDirectory).toBeUndefined();
    expectCdkRustError(() => localFunctionFromAssembly(root, 'Api/Fn'), 'ASSET_NOT_FOUND', 'outside the cloud assembly');
  });

  test('a bootstrap that is a symlink to a file outside the assembly, or a broken symlink, is refused before anything runs', () => {
    const { root, outside } = workspace();
    const bootstrap = path.join(root, 'asset.abc123', 'bootstrap');
    for (const target of [path.join(outside, 'bootstrap'), '/bin/sh', path.join(outside, 'not-yet-there')]) {
      fs.rmSync(bootstrap);
      fs.symlinkSync(target, bootstrap);
      expectCdkRustError(
        () => localFunctionFromAssembly(root, 'Api/Fn'),
        'ASSET_NOT_FOUND',
        `the bootstrap of Api/Fn, ${bootstrap}, resolves to a path outside the cloud assembly ${root}`,
        'Fix: synthesize the app again (`cdk synth`) and invoke the assembly it writes',
      );
    }
  });

  test('a bootstrap that is a directory is refused (its contents are not searched for another bootstrap)', () => {
    const { root, outside } = workspace();
    const bootstrap = path.join(root, 'asset.abc123', 'bootstrap');
    fs.rmSync(bootstrap);
    fs.mkdirSync(bootstrap);
    fs.symlinkSync(path.join(outside, 'bootstrap'), path.join(bootstrap, 'bootstrap'));
    expectCdkRustError(
      () => localFunctionFromAssembly(root, 'Api/Fn'),
      'ASSET_NOT_FOUND',
      `the bootstrap of Api/Fn, ${bootstrap}, is not a file`,
    );
  });
});
