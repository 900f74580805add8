import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ELB_LOG_DELIVERY, VENDED_LOG_DELIVERY, configureAccessLogs } from '../../lib/service/access-log-bucket';

const ACCOUNT = '123456789012';

/** A stack in `region` (none: environment-agnostic) with a load balancer whose access logs are configured. */
function accessLogStack(region?: string) {
  const app = new App({ analyticsReporting: false });
  const stack = new Stack(app, 'Logs', region ? { env: { account: ACCOUNT, region } } : {});
  const loadBalancer = new elbv2.ApplicationLoadBalancer(stack, 'LoadBalancer', { vpc: new ec2.Vpc(stack, 'Vpc') });
  const bucket = configureAccessLogs(stack, loadBalancer);
  return { stack, bucket, template: Template.fromStack(stack) };
}

/** The statements of the stack's only bucket policy. */
function statements(template: Template): any[] {
  const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
  expect(policies).toHaveLength(1);
  return (policies[0] as any).Properties.PolicyDocument.Statement;
}

function byPrincipal(all: any[], effect: string, principal: object): any[] {
  return all.filter((s) => s.Effect === effect && JSON.stringify(s.Principal) === JSON.stringify(principal));
}

/** `arn:${Partition}:s3:::<bucket>/AWSLogs/<account>/*` as CloudFormation writes it. */
const THIS_ACCOUNTS_LOGS = {
  'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^AccessLogs'), 'Arn'] }, `/AWSLogs/${ACCOUNT}/*`]],
};

const FROM_THIS_ACCOUNTS_LOGS = {
  StringEquals: Match.objectLike({ 'aws:SourceAccount': ACCOUNT }),
  ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:logs:eu-west-1:${ACCOUNT}:*`]] } },
};

describe("configureAccessLogs: only this account's log deliveries can write the access-log bucket", () => {
  test("ELB's writer may put objects only under AWSLogs/<this account>/, where no other account's load balancer writes", () => {
    // ELB writes to <prefix>/AWSLogs/<the load balancer's account>/ and refuses prefixes holding AWSLogs.
    const all = statements(accessLogStack('eu-west-1').template);
    const legacy = { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::156460612806:root']] } };
    const [writer, ...others] = byPrincipal(all, 'Allow', legacy);
    expect(others).toEqual([]);
    expect(writer).toEqual({
      Sid: 'ElbWritesThisAccountsLogs',
      Effect: 'Allow',
      Principal: legacy,
      Action: 's3:PutObject',
      Resource: expect.anything(),
    });
    expect(writer.Resource).toEqual(expect.objectContaining({ 'Fn::Join': ['', [expect.anything(), `/AWSLogs/${ACCOUNT}/*`]] }));
  });

  test('in a Region opened since August 2022 the writer is the ELB log-delivery service principal, on the same path', () => {
    const { template } = accessLogStack('eu-south-2');
    const [writer] = byPrincipal(statements(template), 'Allow', { Service: ELB_LOG_DELIVERY });
    expect(writer).toMatchObject({ Action: 's3:PutObject' });
    expect(JSON.stringify(writer.Resource)).toContain(`/AWSLogs/${ACCOUNT}/*`);
  });

  test("CloudWatch Logs' vended delivery, which serves every account, writes and reads the ACL only for this account's own logs", () => {
    // Before: aws-cdk-lib's logAccessLogs admitted delivery.logs.amazonaws.com with no source condition, so any
    // account's vended log delivery could write here.
    const { template } = accessLogStack('eu-west-1');
    const vended = byPrincipal(statements(template), 'Allow', { Service: VENDED_LOG_DELIVERY });
    expect(vended).toHaveLength(2);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'VendedLogsWriteThisAccountsLogs',
            Effect: 'Allow',
            Principal: { Service: VENDED_LOG_DELIVERY },
            Action: 's3:PutObject',
            Resource: THIS_ACCOUNTS_LOGS,
            Condition: {
              ...FROM_THIS_ACCOUNTS_LOGS,
              StringEquals: { 'aws:SourceAccount': ACCOUNT, 's3:x-amz-acl': 'bucket-owner-full-control' },
            },
          },
          {
            Sid: 'VendedLogsReadTheAclForThisAccount',
            Effect: 'Allow',
            Principal: { Service: VENDED_LOG_DELIVERY },
            Action: 's3:GetBucketAcl',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AccessLogs'), 'Arn'] },
            Condition: { ...FROM_THIS_ACCOUNTS_LOGS, StringEquals: { 'aws:SourceAccount': ACCOUNT } },
          },
        ]),
      },
    });
  });

  test.each([
    ['eu-west-1', VENDED_LOG_DELIVERY],
    ['eu-south-2', [ELB_LOG_DELIVERY, VENDED_LOG_DELIVERY]],
  ])(
    'in %s, a log delivery made for another account is denied anywhere in the bucket; one that names no account is left to the grants',
    (region, services) => {
      const { template } = accessLogStack(region);
      const [deny, ...others] = statements(template).filter((s) => s.Sid === 'NoDeliveryForAnotherAccount');
      expect(others).toEqual([]);
      expect(deny).toEqual({
        Sid: 'NoDeliveryForAnotherAccount',
        Effect: 'Deny',
        // The service principals the policy admits (the legacy ELB account of eu-west-1 is none).
        Principal: { Service: services },
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [expect.anything(), '/*']] },
        // Null: false = the key is present; the legacy ELB account sends none, so its writes are not refused.
        Condition: { StringNotEquals: { 'aws:SourceAccount': ACCOUNT }, Null: { 'aws:SourceAccount': 'false' } },
      });
    },
  );

  test('every grant to a log-delivery service is bounded by this account: its path or its source conditions', () => {
    for (const region of ['eu-west-1', 'eu-south-2', 'us-east-1']) {
      const grants = statements(accessLogStack(region).template).filter((s) => s.Effect === 'Allow' && s.Principal !== '*');
      expect(grants.length).toBeGreaterThan(0);
      for (const grant of grants) {
        const text = JSON.stringify(grant);
        expect(text.includes(`/AWSLogs/${ACCOUNT}/*`) || text.includes('"aws:SourceAccount":"123456789012"')).toBe(true);
        if (JSON.stringify(grant.Principal).includes(VENDED_LOG_DELIVERY)) expect(text).toContain('"aws:SourceAccount":"123456789012"');
      }
    }
  });

  test('the bucket: SSE-S3 (all ELB can write to), TLS only, no public access, 90 days, retained', () => {
    const { template } = accessLogStack('eu-west-1');
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90, Status: 'Enabled' })] },
      },
      DeletionPolicy: 'Retain',
    });
    expect(JSON.stringify(statements(template))).toContain('"aws:SecureTransport":"false"');
  });

  test('the load balancer logs to the bucket and waits for its policy (ELB writes a test object when logging is turned on)', () => {
    const { template } = accessLogStack('eu-west-1');
    const policyId = Object.keys(template.findResources('AWS::S3::BucketPolicy'))[0];
    template.hasResource('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Properties: {
        LoadBalancerAttributes: Match.arrayWith([
          { Key: 'access_logs.s3.enabled', Value: 'true' },
          { Key: 'access_logs.s3.bucket', Value: { Ref: Match.stringLikeRegexp('^AccessLogs') } },
          { Key: 'access_logs.s3.prefix', Value: '' },
        ]),
      },
      DependsOn: Match.arrayWith([policyId]),
    });
  });

  test('an environment-agnostic stack gets no access logs and a warning saying how to turn them on', () => {
    const { stack, bucket, template } = accessLogStack();
    expect(bucket).toBeUndefined();
    template.resourceCountIs('AWS::S3::Bucket', 0);
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cdk-rust:accessLogsNeedRegion'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].entry.data)).toContain('Give the stack an env with a region');
  });
});
