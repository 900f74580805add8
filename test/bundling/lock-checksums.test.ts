/**
 * What Cargo.lock pins, as the build cache reads it: registry crates with their checksums, git sources
 * with their commits, and nothing that could reach a shell or a path unchecked.
 */
import * as path from 'path';
import { lockDepsList, parseLockedSources, readLockedSources } from '../../lib/bundling/lock-checksums';

const SUM = 'c'.repeat(64);
const REV = '52cf8cab15f95036aea9ebad763d272d4ddd2eb7';

describe('lock-checksums: the lock file is the trust anchor of the dependency archive', () => {
  test('registry crates come with their checksums; path crates and the workspace itself are left out', () => {
    const text = [
      'version = 4',
      '',
      '[[package]]',
      'name = "app"',
      'version = "0.1.0"',
      'dependencies = [',
      ' "serde",',
      ']',
      '',
      '[[package]]',
      'name = "serde"',
      'version = "1.0.228"',
      'source = "registry+https://github.com/rust-lang/crates.io-index"',
      `checksum = "${SUM}"`,
      '',
      '[[package]]',
      'name = "private-reg"',
      'version = "2.0.0-beta.1+build"',
      'source = "sparse+https://crates.example.com/index/"',
      `checksum = "${'d'.repeat(64)}"`,
    ].join('\n');
    expect(parseLockedSources(text)).toEqual({
      crates: [
        { name: 'private-reg', version: '2.0.0-beta.1+build', checksum: 'd'.repeat(64) },
        { name: 'serde', version: '1.0.228', checksum: SUM },
      ],
      git: [],
    });
  });

  test('git sources give the clone name cargo uses and the locked commit', () => {
    expect(readLockedSources(path.join(__dirname, '..', 'fixtures', 'private-dep', 'Cargo.lock'))).toEqual({
      crates: [],
      git: [{ name: 'private-greeting', rev: REV }],
    });
  });

  test('anything not in the expected form is left out: no glob, space, quote or path reaches the scripts', () => {
    const pkg = (name: string, version: string, source: string, checksum?: string) =>
      [
        '[[package]]',
        `name = "${name}"`,
        `version = "${version}"`,
        `source = "${source}"`,
        ...(checksum ? [`checksum = "${checksum}"`] : []),
        '',
      ].join('\n');
    const text = [
      pkg('a*', '1.0.0', 'registry+https://x', SUM),
      pkg('b', '1.0.0 x', 'registry+https://x', SUM),
      pkg('c', '1.0.0', 'registry+https://x', 'not-a-sum'),
      pkg('d', '1.0.0', 'registry+https://x'), // format 1 lock files keep checksums elsewhere: not trusted
      pkg('e', '1.0.0', `git+ssh://h/../..?branch=main#${REV}`),
      pkg('f', '1.0.0', `git+ssh://h/repo.git?branch=main#${REV.slice(0, 39)}`),
      pkg('g', '1.0.0', `git+ssh://h/$(reboot).git#${REV}`),
      pkg('h', '1.0.0', 'path+file:///x'),
    ].join('\n');
    expect(parseLockedSources(text)).toEqual({ crates: [], git: [] });
  });

  test('the list for the save and seed builds: one checked line per crate and git source; nothing without a lock file', () => {
    const list = lockDepsList({ crates: [{ name: 'serde', version: '1.0.228', checksum: SUM }], git: [{ name: 'greeting', rev: REV }] });
    expect(list).toBe(`crate serde-1.0.228 ${SUM}\ngit greeting ${REV}\n`);
    expect(readLockedSources(undefined)).toEqual({ crates: [], git: [] });
    expect(readLockedSources('/nonexistent/Cargo.lock')).toEqual({ crates: [], git: [] });
  });
});
