/**
 * End to end: a RustFunction's `files` land in its asset beside `bootstrap`, with fixed modes and times, and
 * `cdk-rust invoke` runs the function in that directory, so it reads them at the paths it will read on Lambda.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { RustFunction, localFunctionFromAssembly } from '../../lib';
import { ARTIFACT_FILE_TIME } from '../../lib/bundling/artifact-files';
import { devEnv, fixture, listFiles, tempDir } from '../support';

describe('artifact-files: a function reads the files shipped beside bootstrap, locally as on Lambda', () => {
  let assembly: string;
  let asset: string;

  beforeAll(() => {
    devEnv();
    // The fixture itself (not a copy): its build is the one the local-function tests make, so BuildKit reuses it.
    assembly = tempDir('files-e2e');
    const app = new App({ outdir: assembly, analyticsReporting: false });
    new RustFunction(new Stack(app, 'Files'), 'Fn', {
      manifestPath: fixture('raw-runtime'),
      files: [{ source: 'configuration' }],
      errorRateAlarm: false,
    });
    app.synth();
    const template = JSON.parse(fs.readFileSync(path.join(assembly, 'Files.template.json'), 'utf-8'));
    const fn = Object.values(template.Resources as Record<string, any>).find((r) => r.Type === 'AWS::Lambda::Function');
    asset = path.join(assembly, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
  });

  test('the asset holds bootstrap and the files, 0644 with fixed times', () => {
    expect(listFiles(asset).map((f) => path.relative(asset, f))).toEqual(['bootstrap', 'configuration/base.yaml']);
    const shipped = fs.statSync(path.join(asset, 'configuration', 'base.yaml'));
    expect(shipped.mode & 0o7777).toBe(0o644);
    expect(shipped.mtime).toEqual(ARTIFACT_FILE_TIME);
    expect(fs.statSync(path.join(asset, 'bootstrap')).mode & 0o777).toBe(0o755);
  });

  test('cdk-rust invoke runs bootstrap in its asset directory: the function reads configuration/base.yaml there', async () => {
    const { fn } = localFunctionFromAssembly(assembly, 'Files/Fn', { streamLogs: false });
    try {
      const result = await fn.invoke({ respond: 'file', path: 'configuration/base.yaml' });
      expect(result).toMatchObject({ ok: true, payload: { text: 'greeting: hello from a shipped file\n' } });
    } finally {
      await fn.close();
    }
  });
});
