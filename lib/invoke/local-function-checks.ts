/**
 * What a LocalFunction refuses before any process starts, as Lambda refuses it: an architecture Lambda does not name,
 * and an event that is not JSON or is over 6 MB.
 */
import { CdkRustError } from '../errors';
import { ARCHITECTURE_NAMES, isArchitectureName } from '../private/architecture';
import { parseEvent } from './event';
import { checkEventSize } from './payload';

/** `event` serialized as JSON; `INVALID_EVENT` when it cannot be (`textMethod` takes JSON text instead). */
export function eventAsJson(event: unknown, textMethod: string): string {
  const json = JSON.stringify(event);
  if (json === undefined) {
    throw new CdkRustError(
      'INVALID_EVENT',
      `the event (${typeof event}) cannot be serialized as JSON.`,
      `pass a value JSON.stringify can serialize (an object, array, string, number, boolean or null), or JSON text to ${textMethod}.`,
    );
  }
  return json;
}

/** A JSON event as bytes; text that is not JSON, and events over 6 MB, are refused with `INVALID_EVENT`. */
export function checkedEvent(json: string | Buffer): Buffer {
  const body = typeof json === 'string' ? Buffer.from(json, 'utf-8') : json;
  parseEvent(body.toString('utf-8'));
  checkEventSize(body);
  return body;
}

/** Refuses an architecture Lambda does not name (a typo, or a `lambda.Architecture` object instead of its name). */
export function checkArchitecture(architecture: unknown): void {
  if (architecture === undefined || isArchitectureName(architecture)) return;
  const given =
    typeof architecture === 'object' && architecture !== null && typeof (architecture as { name?: unknown }).name === 'string'
      ? `a lambda.Architecture (${(architecture as { name: string }).name})`
      : (JSON.stringify(architecture) ?? String(architecture));
  throw new CdkRustError(
    'INVALID_PROP',
    `architecture: ${given} is not an architecture Lambda runs.`,
    `use ${ARCHITECTURE_NAMES.map((a) => `'${a}'`).join(' or ')} (for a lambda.Architecture, its name), or leave it out to use the binary's own.`,
  );
}
