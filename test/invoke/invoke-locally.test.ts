/**
 * Running a function of a cloud assembly locally, on hand-written assemblies: an event that is not JSON is refused
 * before anything runs, and only a bootstrap whose real path is inside the assembly is ever run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { listAssemblyFunctions } from '../../lib/invoke/assembly';
import { invokeLocally, localFunctionFromAssembly } from '../../lib/invoke/invoke-locally';
import { expectCdkRustError, tempDir } from '../support';
import { workspace, setCode } from './synthetic-assembly';

describe('invokeLocally: an event that is not JSON is refused before anything is read or run', () => {
  test('eventJson that is not JSON fails with INVALID_EVENT, even for an assembly that does not exist', async () => {
    await expect(invokeLocally({ assemblyDir: tempDir('no-assembly'), function: 'Api/Fn', eventJson: '{"name": ' })).rejects.toMatchObject({
      code: 'INVALID_EVENT',
      message: expect.stringContaining('the event is not valid JSON'),
    });
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
