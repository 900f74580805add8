/**
 * The Logs Insights query behind the init-duration graph: Lambda publishes no metric for cold starts, but writes
 * the init duration into the REPORT line of the first invocation of each execution environment.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * The query's lines, for both log formats of a function:
 * - JSON (RustFunction's default): the REPORT line is a `platform.report` record, whose init duration is
 *   `record.metrics.initDurationMs` (Logs Insights discovers the fields of JSON events);
 * - text: a `REPORT RequestId: ... Init Duration: 12.34 ms` line, which Logs Insights parses into `@type`
 *   `REPORT` and `@initDuration`.
 *
 * `coalesce` takes whichever is present; REPORT lines without an init duration (warm invocations) are dropped. The
 * result is one point per `period`: the number of cold starts and the p50, p99 and maximum init duration in ms.
 */
export function initDurationQuery(period: Duration): string[] {
  return [
    'filter type = "platform.report" or @type = "REPORT"',
    'fields coalesce(record.metrics.initDurationMs, @initDuration) as initDurationMs',
    'filter ispresent(initDurationMs)',
    `stats count(*) as coldStarts, pct(initDurationMs, 50) as p50, pct(initDurationMs, 99) as p99, max(initDurationMs) as maximum by bin(${period.toMinutes()}m)`,
  ];
}

/**
 * Whether the function's log group receives its REPORT lines: always in the text format; in the JSON format only at
 * system log level INFO or DEBUG (`platform.report` is an INFO record), which is Lambda's default and RustFunction's.
 */
export function reportLinesLogged(fn: lambda.Function): boolean {
  const cfn = fn.node.defaultChild as lambda.CfnFunction;
  const config = Stack.of(fn).resolve(cfn.loggingConfig) as lambda.CfnFunction.LoggingConfigProperty | undefined;
  if (config?.logFormat !== 'JSON') return true;
  return config.systemLogLevel === undefined || ['INFO', 'DEBUG'].includes(config.systemLogLevel);
}

/** Why the init-duration widget is empty, in place of the query, for a function whose REPORT lines are filtered. */
export const REPORT_LINES_FILTERED =
  '**Init duration**\n\nLambda writes the init duration of each cold start in its `platform.report` record, an INFO ' +
  "system log this function's `systemLogLevelV2` filters out. Set `systemLogLevelV2: " +
  'lambda.SystemLogLevel.INFO` to see cold starts here (one more log record per invocation).';
