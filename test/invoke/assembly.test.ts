/**
 * The cloud assembly reader, on hand-written assemblies: what it reads from a well-formed one, and, on untrusted
 * input (manifests, templates, asset directories written with fs, which point outside themselves or back into
 * themselves), that nothing it reads or runs comes from outside the assembly directory, since `cdk-rust invoke`
 * runs the bootstrap the reader finds.
 */
import * as fs from 'fs';
import * as path from 'path';
import { findAssemblyFunction, listAssemblyFunctions } from '../../lib/invoke/assembly';
import { localFunctionFromAssembly } from '../../lib/invoke/invoke-locally';
import { captureStderr, expectCdkRustError, tempDir } from '../support';
import { lambdaResource, writeJson, stackArtifact, nestedArtifact, writeManifest, workspace, writeAssembly } from './synthetic-assembly';

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
        'INVALID_ASSEMBLY',
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
        'INVALID_ASSEMBLY',
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
      'INVALID_ASSEMBLY',
      'the metadata file of stack Api, "../elsewhere/metadata.json", resolves to a path outside the cloud assembly',
      'Fix: synthesize the app again',
    );
  });

  test('a manifest.json that is a symlink to a file outside the assembly is refused', () => {
    const { root, outside } = workspace();
    writeManifest(outside, { Outside: stackArtifact('Outside.template.json') });
    fs.rmSync(path.join(root, 'manifest.json'));
    fs.symlinkSync(path.join(outside, 'manifest.json'), path.join(root, 'manifest.json'));
    expectCdkRustError(() => listAssemblyFunctions(root), 'INVALID_ASSEMBLY', 'its manifest, "manifest.json", resolves to a path outside');
  });
});

describe('listAssemblyFunctions: a directory that is not a complete cloud assembly is INVALID_ASSEMBLY, not a missing function', () => {
  test('a directory without manifest.json is not a cloud assembly: INVALID_ASSEMBLY, saying to synthesize first', () => {
    const dir = tempDir('not-an-assembly');
    expectCdkRustError(
      () => findAssemblyFunction(dir, 'Api/Fn'),
      'INVALID_ASSEMBLY',
      `${dir} is not a cloud assembly: it has no manifest.json.`,
      'Fix: synthesize the app first (`cdk synth`, which writes cdk.out), or point at the directory it wrote.',
    );
  });

  test('a nested assembly without manifest.json is INVALID_ASSEMBLY, naming the nested assembly', () => {
    const { root } = workspace();
    fs.mkdirSync(path.join(root, 'assembly-Stage'));
    writeManifest(root, { Api: stackArtifact('Api.template.json'), Stage: nestedArtifact('assembly-Stage') });
    expectCdkRustError(
      () => listAssemblyFunctions(root),
      'INVALID_ASSEMBLY',
      '(the nested assembly Stage) is not a cloud assembly: it has no manifest.json.',
      'Fix: synthesize the app again',
    );
  });

  test('a template that is not JSON is INVALID_ASSEMBLY, naming the file', () => {
    const { root } = workspace();
    fs.writeFileSync(path.join(root, 'Api.template.json'), '{ truncated');
    expectCdkRustError(
      () => listAssemblyFunctions(root),
      'INVALID_ASSEMBLY',
      `cannot read ${fs.realpathSync(path.join(root, 'Api.template.json'))}: `,
      'Fix: synthesize the app again',
    );
  });
});

describe('listAssemblyFunctions: a function on Lambda Managed Instances carries the concurrency of one environment', () => {
  function assemblyWith(resources: Record<string, object>): string {
    const dir = fs.realpathSync(tempDir('lmi-assembly'));
    writeManifest(dir, { Lmi: stackArtifact('Lmi.template.json') });
    writeJson(path.join(dir, 'Lmi.template.json'), { Resources: resources });
    return dir;
  }
  function onLmi(id: string, config: object, memorySize: number): object {
    const resource = lambdaResource('Lmi', id, { S3Bucket: 'b', S3Key: 'abc123.zip' }) as { Properties: object };
    const providerConfig = { CapacityProviderArn: { 'Fn::GetAtt': ['Cp', 'Arn'] }, ...config };
    return {
      ...resource,
      Properties: {
        ...resource.Properties,
        MemorySize: memorySize,
        CapacityProviderConfig: { LambdaManagedInstancesCapacityProviderConfig: providerConfig },
      },
    };
  }

  test("the explicit concurrency, AWS's default from the memory and the GiB per vCPU, or none; invoking passes it on", () => {
    const dir = assemblyWith({
      Explicit: onLmi('Explicit', { PerExecutionEnvironmentMaxConcurrency: 64 }, 2048),
      Default: onLmi('Default', {}, 4096),
      Ratio: onLmi('Ratio', { ExecutionEnvironmentMemoryGiBPerVCpu: 4 }, 8192),
      Classic: lambdaResource('Lmi', 'Classic', { S3Bucket: 'b', S3Key: 'abc123.zip' }),
    });
    const byId = Object.fromEntries(listAssemblyFunctions(dir).map((f) => [f.logicalId, f.concurrency]));
    expect(byId).toEqual({ Explicit: 64, Default: 16, Ratio: 16, Classic: undefined });
    expect(localFunctionFromAssembly(dir, 'Lmi/Explicit').fn.concurrency).toBe(64);
    expect(localFunctionFromAssembly(dir, 'Lmi/Classic').fn.concurrency).toBe(1);
    expect(localFunctionFromAssembly(dir, 'Lmi/Default', { concurrency: 1 }).fn.concurrency).toBe(1);
  });
});
