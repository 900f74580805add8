/**
 * The file a service's environment reaches `docker run` in: readable by this user only, removed when asked (and when
 * the process exits), and refusing what Docker's env-file format would misread.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeContainerEnvFile } from '../../lib/service/container-env-file';
import { expectCdkRustError } from '../support';

describe('writeContainerEnvFile: the values are on disk for this user only, and only until removed', () => {
  test('one NAME=VALUE line per variable, values verbatim, in a 0600 file in a 0700 directory', () => {
    const file = writeContainerEnvFile({ SECRET: ' s3cr3t "quoted" $HOME #not-a-comment', EMPTY: '', PORT: '8080' }, 'Svc/Api');
    try {
      expect(fs.readFileSync(file.path, 'utf-8')).toBe('SECRET= s3cr3t "quoted" $HOME #not-a-comment\nEMPTY=\nPORT=8080\n');
      expect(fs.statSync(file.path).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.dirname(file.path)).mode & 0o777).toBe(0o700);
    } finally {
      file.remove();
    }
    expect(fs.existsSync(path.dirname(file.path))).toBe(false);
    expect(() => file.remove()).not.toThrow();
  });

  test('a value with a line break, or a name Docker would misread, is refused before anything is written', () => {
    expectCdkRustError(
      () => writeContainerEnvFile({ KEY: 'line one\nINJECTED=1' }, 'Svc/Api'),
      'CLI_USAGE',
      'Svc/Api: the value of environment variable KEY holds a line break',
    );
    expectCdkRustError(() => writeContainerEnvFile({ 'A B': 'x' }, 'Svc/Api'), 'CLI_USAGE', 'the environment variable name "A B"');
    expectCdkRustError(() => writeContainerEnvFile({ '#A': 'x' }, 'Svc/Api'), 'CLI_USAGE', 'the environment variable name "#A"');
  });
});
