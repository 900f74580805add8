import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writePrivateFiles } from '../../lib/private/private-files';

describe('private-files: values only this user can read, gone once removed', () => {
  test('each file is written as given, mode 0600, in a fresh directory of mode 0700', () => {
    const written = writePrivateFiles('cdk-rust-test-', { TOKEN: 's3cret', env: 'A=1\n' });
    try {
      expect(fs.readFileSync(written.paths.TOKEN, 'utf-8')).toBe('s3cret');
      expect(fs.readFileSync(written.paths.env, 'utf-8')).toBe('A=1\n');
      expect(fs.statSync(written.paths.TOKEN).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.dirname(written.paths.TOKEN)).mode & 0o777).toBe(0o700);
    } finally {
      written.remove();
    }
    expect(fs.existsSync(path.dirname(written.paths.TOKEN))).toBe(false);
    expect(() => written.remove()).not.toThrow();
  });

  test('a name that is not a plain file name is refused, and nothing is left behind', () => {
    const before = new Set(fs.readdirSync(os.tmpdir()).filter((n: string) => n.startsWith('cdk-rust-odd-')));
    expect(() => writePrivateFiles('cdk-rust-odd-', { '../escape': 'x' })).toThrow(/not a plain file name/);
    const after = fs.readdirSync(os.tmpdir()).filter((n: string) => n.startsWith('cdk-rust-odd-') && !before.has(n));
    expect(after).toEqual([]);
  });
});
