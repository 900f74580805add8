/**
 * The measuring scripts that run in a process of their own (on the compiled library, or as drivers): each prints
 * its result as JSON on one `BENCH-RESULT <json>` line of stdout, which the harness reads back from the log.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Context } from './context';
import { Table, Timed, tail, timed } from './support';

/** What starts the line a child script prints its result on. */
export const RESULT_PREFIX = 'BENCH-RESULT ';

/** The result a child printed on its `BENCH-RESULT` line; undefined when it failed or printed none. */
export function childResult<T>(t: Timed): T | undefined {
  const line = t.log.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  return t.status === 0 && line ? (JSON.parse(line.slice(RESULT_PREFIX.length)) as T) : undefined;
}

/** A scenario's measuring script, run as `node <work>/<file>` with the apps' environment (the compiled library). */
export interface AppScript {
  /** The name of its timed run (and of its log). */
  readonly name: string;
  /** Its file name in the work dir. */
  readonly file: string;
  readonly source: string;
  readonly timeoutSeconds: number;
  /** What it runs, for the note of a table it measured nothing for ("lib/invoke's LocalFunction"). */
  readonly what: string;
  /** How many of the last lines of its log that note quotes. */
  readonly tailLines: number;
}

/**
 * Writes `script` into the work dir and runs it: its result, or else the scenario's table (`id`, `title`) saying that
 * nothing was measured, with the end of the script's log.
 */
export function runAppScript<T>(ctx: Context, table: Pick<Table, 'id' | 'title'>, script: AppScript): { result: T } | { table: Table } {
  const file = path.join(ctx.work, script.file);
  fs.writeFileSync(file, script.source);
  const t = timed(script.name, process.execPath, [file], {
    env: ctx.workbench.appEnv(),
    allowFailure: true,
    timeoutSeconds: script.timeoutSeconds,
  });
  const result = childResult<T>(t);
  if (result !== undefined) return { result };
  const note = `not measured: ${script.what} did not run as expected:\n${tail(t.log, script.tailLines)}`;
  return { table: { id: table.id, title: table.title, rows: [], notes: [note] } };
}
