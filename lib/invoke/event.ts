/**
 * Invocation events: JSON text, checked before anything runs (Lambda only takes JSON events), read from
 * a file or stdin.
 */
import * as fs from 'fs';
import { CdkRustError } from '../errors';

/** Parses an event, or fails with `INVALID_EVENT` naming `source` and saying where its JSON is broken. */
export function parseEvent(text: string, source = 'the event'): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CdkRustError(
      'INVALID_EVENT',
      `${source} is not valid JSON: ${(error as Error).message}.`,
      'give a JSON document, e.g. {"name": "Ferris"} (Lambda only takes JSON events).',
    );
  }
}

/**
 * The event in `file` (`-` reads stdin), as JSON text checked to parse. Fails with `INVALID_EVENT` when it
 * cannot be read or is not JSON. Messages name it as `option` (the flag it was given with, e.g. `--event`).
 */
export function readEventFile(file: string, option = 'the event file'): string {
  const stdin = file === '-';
  let text: string;
  try {
    text = fs.readFileSync(stdin ? 0 : file, 'utf-8');
  } catch (error) {
    throw unreadable(file, option, error as NodeJS.ErrnoException);
  }
  parseEvent(text, stdin ? 'the event read from stdin' : `the event in ${file}`);
  return text;
}

/** Why the event could not be read, and what to do about it. */
function unreadable(file: string, option: string, error: NodeJS.ErrnoException): CdkRustError {
  const otherwise = 'or - to read the event from stdin';
  if (file === '-') {
    return new CdkRustError(
      'INVALID_EVENT',
      `cannot read the event from stdin: ${error.message}.`,
      "pipe the event into stdin (e.g. echo '{}' | ...), or give a JSON file instead of -.",
    );
  }
  switch (error.code) {
    case 'ENOENT':
      return new CdkRustError('INVALID_EVENT', `${option}: no file at ${file}.`, `give the path of a JSON file, ${otherwise}.`);
    case 'EISDIR':
      return new CdkRustError('INVALID_EVENT', `${option}: ${file} is a directory.`, `give the path of a JSON file in it, ${otherwise}.`);
    case 'EACCES':
    case 'EPERM':
      return new CdkRustError(
        'INVALID_EVENT',
        `${option}: ${file} cannot be read (${error.code}): permission denied.`,
        `make it readable (chmod u+r ${file}), ${otherwise}.`,
      );
    default:
      return new CdkRustError(
        'INVALID_EVENT',
        `${option}: cannot read ${file}: ${error.message}.`,
        `give a readable JSON file, ${otherwise}.`,
      );
  }
}
