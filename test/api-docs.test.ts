import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './support';

const ROOT = path.join(__dirname, '..');

describe('API.md: the API reference is generated from the jsii assembly, and current', () => {
  test('API.md is what jsii-docgen writes from the assembly that `npm run build` made', () => {
    expect(fs.existsSync(path.join(ROOT, '.jsii'))).toBe(true);
    const fresh = path.join(tempDir('api-docs'), 'API.md');
    const run = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'jsii-docgen'), ['-o', fresh], { cwd: ROOT, encoding: 'utf-8' });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    const committed = fs.readFileSync(path.join(ROOT, 'API.md'), 'utf-8');
    // When this fails: `npm run docgen` rewrites API.md; commit it with the API change.
    expect(committed === fs.readFileSync(fresh, 'utf-8')).toBe(true);
  });

  test('the constructs and their props are documented there', () => {
    const api = fs.readFileSync(path.join(ROOT, 'API.md'), 'utf-8');
    for (const name of [
      'RustFunction',
      'RustFunctionProps',
      'RustBundlingOptions',
      'ErrorRateAlarm',
      'ErrorRateAlarmOptions',
      'AlarmTopic',
    ]) {
      expect(api).toContain(`id="cdk-rust.${name}"`);
    }
  });
});
