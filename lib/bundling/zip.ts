/**
 * A deterministic zip of a Lambda `bootstrap`: deflated entries with a fixed 1980-01-01 timestamp and
 * their Unix mode, the same bytes every time for the same files (as CDK's own asset zips are).
 */
import { zipSync } from 'fflate';

/** DOS timestamps have no time zone: fflate reads the local fields of this date, the same everywhere. */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/** Unix "made by" (so unzip and Lambda read the mode from the external attributes). */
const MADE_BY_UNIX = 3;

/** A regular file (S_IFREG) with `mode`, in the high 16 bits of a zip entry's external attributes. */
function unixAttributes(mode: number): number {
  return ((0o100000 | (mode & 0o7777)) << 16) >>> 0;
}

/** Zips `files` (name → content, with Unix mode) into one buffer. */
export function zipFiles(files: ReadonlyArray<{ name: string; content: Buffer; mode: number }>): Buffer {
  const entries = Object.fromEntries(
    files.map((f) => [
      f.name,
      [new Uint8Array(f.content), { level: 9, mtime: FIXED_MTIME, os: MADE_BY_UNIX, attrs: unixAttributes(f.mode) }],
    ]),
  );
  return Buffer.from(zipSync(entries as Parameters<typeof zipSync>[0]));
}
