/**
 * RustFunction's template: snapshots of the main prop combinations (asset hashes masked: they change
 * with the build recipe, and test/bundling/hash.test.ts asserts them), and sharp assertions on what
 * matters. Builds are skipped here (bundling-stacks is empty). Real builds are in test/bundling/*.e2e.test.ts.
 */
import * as path from 'path';
import { App, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { RustFunction, RustFunctionProps } from '../lib';
import { scopesGranularAcknowledgements } from '../lib/private/aws-cdk-lib-version';
import { Bundling } from '../lib/bundling/bundling';
import { FIXTURES, expectCdkRustError, maskAssetHashes, nagFindings, tempDir } from './support';

const HELLO = path.join(FIXTURES, 'hello', 'Cargo.toml');
/** A fixed image and Docker builds, so the asset hash is the same on every machine. */
const BUNDLING = { builderImage: 'snapshot-builder:1', forceDockerBundling: true };

function stackWith(
  props: Partial<RustFunctionProps> = {},
  extra?: (stack: Stack, fn: RustFunction) => void,
): { template: Template; fn: RustFunction } {
  const app = new App({ analyticsReporting: false, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Svc', { env: { account: '123456789012', region: 'eu-west-1' } });
  const fn = new RustFunction(stack, 'Api', { manifestPath: HELLO, ...props, bundling: { ...BUNDLING, ...props.bundling } });
  extra?.(stack, fn);
  return { template: Template.fromStack(stack), fn };
}

describe('snapshots', () => {
  test.each<[string, Partial<RustFunctionProps>]>([
    ['defaults', {}],
    ['arm64', { architecture: lambda.Architecture.ARM_64 }],
    ['alarm off', { errorRateAlarm: false, durationAlarm: { enabled: false }, throttlesAlarm: { enabled: false } }],
    [
      'custom thresholds',
      { errorRateAlarm: { threshold: 1, period: Duration.minutes(1), evaluationPeriods: 5, datapointsToAlarm: 3, minimumInvocations: 10 } },
    ],
  ])('%s', (_name, props) => {
    expect(maskAssetHashes(stackWith(props).template.toJSON())).toMatchSnapshot();
  });

  test('existing topic', () => {
    const app = new App({ analyticsReporting: false, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Svc');
    const topic = sns.Topic.fromTopicArn(stack, 'Ops', 'arn:aws:sns:eu-west-1:123456789012:ops');
    new RustFunction(stack, 'Api', { manifestPath: HELLO, bundling: BUNDLING, alarmTopic: topic });
    expect(maskAssetHashes(Template.fromStack(stack).toJSON())).toMatchSnapshot();
  });
});

describe('the function', () => {
  test('provided.al2023, bootstrap, x86_64, explicit memory and timeout, JSON logs, backtraces, active tracing', () => {
    const { template } = stackWith();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'provided.al2023',
      Handler: 'bootstrap',
      Architectures: ['x86_64'],
      MemorySize: 256,
      Timeout: 10,
      Environment: { Variables: { RUST_BACKTRACE: '1' } },
      LoggingConfig: {
        LogFormat: 'JSON',
        ApplicationLogLevel: 'INFO',
        SystemLogLevel: 'INFO',
        LogGroup: { Ref: Match.stringLikeRegexp('^ApiLogGroup') },
      },
      TracingConfig: { Mode: 'Active' },
    });
  });

  test("the code asset follows the build plan's hash, known before building: same plan, same key; another plan, another key", () => {
    const key = (t: Template) => Object.values(t.findResources('AWS::Lambda::Function'))[0].Properties.Code.S3Key as string;
    const hash = (features?: string[]) =>
      Bundling.prepare({ manifestPath: HELLO, ...BUNDLING, features }, { resolveImage: false }).assetHash;
    expect(key(stackWith().template)).toMatch(/^[0-9a-f]{64}\.zip$/);
    expect(key(stackWith().template)).toBe(key(stackWith().template));
    expect(hash(['x'])).not.toBe(hash());
    expect(key(stackWith({ bundling: { features: ['x'] } }).template)).not.toBe(key(stackWith().template));
  });

  test('arm64 functions get an arm64 build', () => {
    const x86 = stackWith().fn;
    const arm = stackWith({ architecture: lambda.Architecture.ARM_64 });
    arm.template.hasResourceProperties('AWS::Lambda::Function', { Architectures: ['arm64'] });
    const key = (t: Template) => JSON.stringify(Object.values(t.findResources('AWS::Lambda::Function'))[0].Properties.Code.S3Key);
    expect(key(arm.template)).not.toBe(key(stackWith().template));
    expect(x86.architecture.name).toBe('x86_64');
  });

  test('every default can be overridden', () => {
    const { template } = stackWith({
      memorySize: 1024,
      timeout: Duration.seconds(30),
      environment: { RUST_BACKTRACE: '0', RUST_LOG: 'debug' },
      loggingFormat: lambda.LoggingFormat.TEXT,
      tracing: lambda.Tracing.DISABLED,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      Timeout: 30,
      Environment: { Variables: { RUST_BACKTRACE: '0', RUST_LOG: 'debug' } },
      LoggingConfig: Match.objectLike({ LogFormat: 'Text' }),
      TracingConfig: Match.absent(),
    });
    template.resourceCountIs('AWS::IAM::Policy', 1);
  });
});

describe('role and logs', () => {
  test('its own role, with no AWS-managed policy', () => {
    const { template } = stackWith();
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
      },
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('write access to its own log group only; X-Ray in a policy of its own', () => {
    const { template } = stackWith();
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).map((p) => p.Properties.PolicyDocument.Statement);
    expect(policies).toHaveLength(2);
    expect(policies).toContainEqual([
      {
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ApiLogGroup/), 'Arn'] },
      },
    ]);
    expect(policies).toContainEqual([
      {
        Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        Effect: 'Allow',
        Resource: '*',
      },
    ]);
  });

  test('the log group keeps a month and is retained by default; both configurable', () => {
    stackWith().template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Retain',
    });
    stackWith({ logGroupRetention: logs.RetentionDays.ONE_WEEK, logGroupRemovalPolicy: RemovalPolicy.DESTROY }).template.hasResource(
      'AWS::Logs::LogGroup',
      { Properties: { RetentionInDays: 7 }, DeletionPolicy: 'Delete' },
    );
  });

  test('users extend the role with ordinary grants', () => {
    const { template } = stackWith({}, (stack, fn) => {
      new s3.Bucket(stack, 'Data', { enforceSSL: true }).grantRead(fn);
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['s3:GetObject*']) })]),
      },
    });
  });

  test('a role passed in is used, and gets the log write access', () => {
    const { template } = stackWith({}, () => undefined);
    expect(template).toBeDefined();
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'S');
    const role = new iam.Role(stack, 'Mine', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    new RustFunction(stack, 'Api', { manifestPath: HELLO, bundling: BUNDLING, role });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::IAM::Role', 1);
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Mine') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] })]) },
    });
  });
});

describe('the error-rate alarm', () => {
  test("on by default: error rate above 5% over 5 minutes, to the stack's encrypted topic", () => {
    const { template } = stackWith();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'Svc-Api-ErrorRate',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 5,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(invocations >= 1, 100 * errors / invocations, 0)', ReturnData: true }),
        Match.objectLike({ Id: 'errors', MetricStat: Match.objectLike({ Period: 300, Stat: 'Sum' }) }),
      ]),
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^CdkRustAlarmTopic') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('^CdkRustAlarmTopic') }],
    });
    template.resourceCountIs('AWS::KMS::Key', 1);
  });

  test('two functions in a stack share one topic', () => {
    const { template } = stackWith({}, (stack) => {
      new RustFunction(stack, 'Worker', { manifestPath: HELLO, bundling: BUNDLING });
    });
    // Three alarms each: error rate, duration, throttles.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 6);
    template.resourceCountIs('AWS::SNS::Topic', 1);
  });

  test('an existing topic is used, and no key is created', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'S');
    const topic = new sns.Topic(stack, 'Ops');
    new RustFunction(stack, 'Api', { manifestPath: HELLO, bundling: BUNDLING, alarmTopic: topic });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::KMS::Key', 0);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: Match.stringLikeRegexp('^Ops') }] });
  });

  test('off, with the duration and throttles alarms: no alarm, no topic', () => {
    const { template } = stackWith({ errorRateAlarm: false, durationAlarm: { enabled: false }, throttlesAlarm: { enabled: false } });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    template.resourceCountIs('AWS::SNS::Topic', 0);
  });
});

describe('RustFunction: the error-rate alarm is turned off with errorRateAlarm: { enabled: false }, as RustService alarms are', () => {
  /** The warnings of the function `Svc/Api`, as CDK reports them. */
  function warnings(stack: Stack): string[] {
    return Annotations.fromStack(stack)
      .findWarning('/Svc/Api', Match.anyValue())
      .map((w) => String(w.entry.data));
  }

  test('{ enabled: false } creates no error-rate alarm, and warns about nothing', () => {
    const { template, fn } = stackWith({ errorRateAlarm: { enabled: false } });
    // The duration and throttles alarms remain.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    expect(fn.errorRateAlarm).toBeUndefined();
    expect(warnings(fn.stack)).toEqual([]);
  });

  test('{ enabled: false } on every alarm of the function creates no alarm, no topic and no key', () => {
    const { template, fn } = stackWith({
      errorRateAlarm: { enabled: false },
      durationAlarm: { enabled: false },
      throttlesAlarm: { enabled: false },
    });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    expect(fn.errorRateAlarm).toBeUndefined();
    expect(warnings(fn.stack)).toEqual([]);
  });

  test('{ enabled: false } ignores the other options of the alarm, as a RustService alarm does', () => {
    const { template } = stackWith({ errorRateAlarm: { enabled: false, threshold: 120, emailSubscriptions: ['ops@example.com'] } });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test('{ enabled: true } is the default alarm', () => {
    const { template } = stackWith({ errorRateAlarm: { enabled: true } });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
  });

  test('the deprecated false still turns the alarm off, and synthesis warns with a stable id, saying what to write instead', () => {
    const { template, fn } = stackWith({ errorRateAlarm: false });
    expect(fn.errorRateAlarm).toBeUndefined();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    expect(warnings(fn.stack)).toEqual([
      expect.stringMatching(
        /^errorRateAlarm: false is deprecated: use errorRateAlarm: \{ enabled: false \}, .*\[ack: cdk-rust:error-rate-alarm-false\]$/,
      ),
    ]);
  });

  test('{ enabled: false } on every alarm with an alarmTopic is refused, naming each enabled and alarmTopic', () => {
    const stack = new Stack(new App(), 'S');
    expectCdkRustError(
      () =>
        new RustFunction(stack, 'F', {
          manifestPath: HELLO,
          bundling: BUNDLING,
          errorRateAlarm: { enabled: false },
          durationAlarm: { enabled: false },
          throttlesAlarm: { enabled: false },
          alarmTopic: new sns.Topic(stack, 'T'),
        }),
      'INVALID_PROP',
      'alarmTopic is set, but errorRateAlarm.enabled, durationAlarm.enabled and throttlesAlarm.enabled are all false, ' +
        'so nothing would notify it.',
      'Fix: remove alarmTopic, or turn an alarm on (e.g. remove errorRateAlarm.enabled: false).',
    );
  });
});

describe('bad input', () => {
  test('a runtime that cannot run a binary', () => {
    expectCdkRustError(
      () => stackWith({ runtime: lambda.Runtime.NODEJS_22_X } as Partial<RustFunctionProps>),
      'INVALID_PROP',
      'runtime',
      'PROVIDED_AL2023',
    );
  });

  test('the deprecated logRetention', () => {
    expectCdkRustError(() => stackWith({ logRetention: logs.RetentionDays.ONE_DAY }), 'INVALID_PROP', 'logRetention', 'logGroupRetention');
  });

  test('an architecture that contradicts the target', () => {
    expectCdkRustError(
      () => stackWith({ architecture: lambda.Architecture.ARM_64, bundling: { target: 'x86_64-unknown-linux-musl' } }),
      'ARCHITECTURE_MISMATCH',
      'arm64',
      'x86_64',
    );
  });

  test('a manifest with no binary', () => {
    expectCdkRustError(
      () => stackWith({ manifestPath: path.join(FIXTURES, 'workspace', 'crates', 'shared', 'Cargo.toml') }),
      'BINARY_NOT_FOUND',
      'no bin target',
    );
  });

  test('an alarm threshold outside 0 to 100', () => {
    expectCdkRustError(() => stackWith({ errorRateAlarm: { threshold: 120 } }), 'INVALID_PROP', 'threshold');
  });

  test('datapointsToAlarm above the evaluation periods', () => {
    expectCdkRustError(
      () => stackWith({ errorRateAlarm: { evaluationPeriods: 2, datapointsToAlarm: 3 } }),
      'INVALID_PROP',
      'datapointsToAlarm',
    );
  });

  test('an alarm topic with every alarm off', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    expectCdkRustError(
      () =>
        new RustFunction(stack, 'F', {
          manifestPath: HELLO,
          bundling: BUNDLING,
          errorRateAlarm: false,
          durationAlarm: { enabled: false },
          throttlesAlarm: { enabled: false },
          alarmTopic: new sns.Topic(stack, 'T'),
        }),
      'INVALID_PROP',
      'alarmTopic is set, but errorRateAlarm, durationAlarm.enabled and throttlesAlarm.enabled are all false, so nothing would notify it.',
    );
  });

  test('errorRateAlarm true, which other languages can pass (Python types it bool | options)', () => {
    const stack = new Stack(new App(), 'S');
    // @ts-expect-error: TypeScript already refuses true; JavaScript, Python, Java and Go can pass it
    const props: RustFunctionProps = { manifestPath: HELLO, bundling: BUNDLING, errorRateAlarm: true };
    expectCdkRustError(
      () => new RustFunction(stack, 'F', props),
      'INVALID_PROP',
      'errorRateAlarm is true',
      'leave errorRateAlarm out',
      'or { enabled: false } for none',
    );
  });

  test('the defaults are public constants, for languages that cannot read them from the docs', () => {
    const { template } = stackWith({});
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: RustFunction.DEFAULT_MEMORY_SIZE,
      Timeout: RustFunction.DEFAULT_TIMEOUT.toSeconds(),
    });
  });
});

/** An app with cdk-nag's AwsSolutions and Serverless packs, reporting instead of failing, builds skipped. */
function nagApp(): { app: App; stack: Stack } {
  const app = new App({
    outdir: tempDir('nag'),
    analyticsReporting: false,
    context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:failSynthOnValidationErrors': false },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack: new Stack(app, 'Svc') };
}

describe('cdk-nag', () => {
  test('AwsSolutions and Serverless: no unacknowledged finding', () => {
    const { app, stack } = nagApp();
    new RustFunction(stack, 'Api', {
      manifestPath: HELLO,
      bundling: BUNDLING,
      errorRateAlarm: { emailSubscriptions: ['ops@example.com'] },
    });
    // Before aws-cdk-lib 2.269 the X-Ray wildcard is left unacknowledged (see the next test).
    const xray = { rule: 'AwsSolutions-IAM5[Resource::*]', path: expect.stringContaining('Api/TracingPolicy') };
    expect(nagFindings(app)).toEqual(scopesGranularAcknowledgements() ? [] : [xray]);
  });

  test('the X-Ray acknowledgement does not hide a wildcard the user adds', () => {
    const { app, stack } = nagApp();
    const fn = new RustFunction(stack, 'Api', { manifestPath: HELLO, bundling: BUNDLING });
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    const wildcards = nagFindings(app)
      .filter((f) => f.rule === 'AwsSolutions-IAM5[Resource::*]')
      .map((f) => f.path);
    expect(wildcards).toContainEqual(expect.stringContaining('ApiServiceRole/DefaultPolicy'));
    // Where aws-cdk-lib cannot keep the acknowledgement to the X-Ray policy (before 2.269), it is not made.
    expect(wildcards.some((p) => p.includes('Api/TracingPolicy'))).toBe(!scopesGranularAcknowledgements());
  });
});
