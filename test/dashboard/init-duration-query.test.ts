import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { initDurationQuery, reportLinesLogged } from '../../lib/dashboard/init-duration-query';

function fnWith(props: Partial<lambda.FunctionProps>): lambda.Function {
  const stack = new Stack();
  return new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.PROVIDED_AL2023,
    handler: 'bootstrap',
    code: lambda.Code.fromBucket(s3.Bucket.fromBucketName(stack, 'Code', 'code'), 'bootstrap.zip'),
    ...props,
  });
}

describe('init duration: read from REPORT lines, in either log format', () => {
  test('the query takes the JSON platform.report field or the text REPORT field, and bins by the period', () => {
    const query = initDurationQuery(Duration.minutes(15)).join('\n');
    expect(query).toContain('filter type = "platform.report" or @type = "REPORT"');
    expect(query).toContain('coalesce(record.metrics.initDurationMs, @initDuration)');
    expect(query).toMatch(/by bin\(15m\)$/);
  });

  test('REPORT lines reach the log group in text, and in JSON at system level INFO, DEBUG or unset, not WARN', () => {
    const { JSON: json, TEXT: text } = lambda.LoggingFormat;
    expect(reportLinesLogged(fnWith({}))).toBe(true);
    expect(reportLinesLogged(fnWith({ loggingFormat: text }))).toBe(true);
    expect(reportLinesLogged(fnWith({ loggingFormat: json }))).toBe(true);
    expect(reportLinesLogged(fnWith({ loggingFormat: json, systemLogLevelV2: lambda.SystemLogLevel.INFO }))).toBe(true);
    expect(reportLinesLogged(fnWith({ loggingFormat: json, systemLogLevelV2: lambda.SystemLogLevel.DEBUG }))).toBe(true);
    expect(reportLinesLogged(fnWith({ loggingFormat: json, systemLogLevelV2: lambda.SystemLogLevel.WARN }))).toBe(false);
  });
});
