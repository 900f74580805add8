import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createBuildLog } from '../../lib/bundling/build-log';

describe('build-log: each build gets a private log file of its own', () => {
  test('a new empty file of mode 0600, in a fresh directory of mode 0700 under the temporary directory', () => {
    const file = createBuildLog('greeter');
    expect(path.basename(file)).toBe('greeter.log');
    expect(path.dirname(path.dirname(file))).toBe(os.tmpdir());
    expect(fs.readFileSync(file, 'utf-8')).toBe('');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  });

  test('two builds of the same binary never share a log', () => {
    expect(createBuildLog('greeter')).not.toBe(createBuildLog('greeter'));
  });

  test('a name with path separators stays one file name', () => {
    const file = createBuildLog('../../etc/passwd');
    expect(path.basename(file)).toBe('.._.._etc_passwd.log');
    expect(path.dirname(path.dirname(file))).toBe(os.tmpdir());
  });
});
