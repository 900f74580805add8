import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { zipFiles } from '../../lib/bundling/zip';
import { tempDir } from '../support';

/** What python's zipfile reads from a zip: per entry, its mode, date and content. */
function readZip(zip: Buffer): Record<string, { mode: number; date: number[]; createSystem: number; content: string }> {
  const file = path.join(tempDir('zip'), 'code.zip');
  fs.writeFileSync(file, zip);
  const script =
    'import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\n' +
    'print(json.dumps({i.filename:{"mode":(i.external_attr>>16)&0o7777,"date":list(i.date_time),"createSystem":i.create_system,' +
    '"content":z.read(i.filename).decode("latin1")} for i in z.infolist()}))';
  const result = spawnSync('python3', ['-c', script, file], { encoding: 'utf-8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
}

describe('zip: a deterministic Lambda code zip', () => {
  const bootstrap = Buffer.from('\x7fELF pretend binary '.repeat(100), 'latin1');

  test('holds the bootstrap with mode 0755, a fixed 1980-01-01 date and a Unix origin, readable by a standard reader', () => {
    expect(readZip(zipFiles([{ name: 'bootstrap', content: bootstrap, mode: 0o755 }]))).toEqual({
      bootstrap: { mode: 0o755, date: [1980, 1, 1, 0, 0, 0], createSystem: 3, content: bootstrap.toString('latin1') },
    });
  });

  test('is the same bytes every time, whatever the time zone', () => {
    const first = zipFiles([{ name: 'bootstrap', content: bootstrap, mode: 0o755 }]);
    const tz = process.env.TZ;
    try {
      process.env.TZ = 'Pacific/Kiritimati';
      expect(zipFiles([{ name: 'bootstrap', content: bootstrap, mode: 0o755 }]).equals(first)).toBe(true);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  test("keeps each file's own mode", () => {
    const zip = zipFiles([
      { name: 'bootstrap', content: bootstrap, mode: 0o755 },
      { name: 'config.json', content: Buffer.from('{}'), mode: 0o644 },
    ]);
    const entries = readZip(zip);
    expect(entries['config.json'].mode).toBe(0o644);
    expect(entries.bootstrap.mode).toBe(0o755);
  });
});
