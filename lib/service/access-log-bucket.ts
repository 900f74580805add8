/**
 * Where a RustService's load balancer writes its access logs, and a bucket policy that lets only this account's
 * log deliveries write there.
 *
 * Who writes ALB access logs, as AWS documents it ("Enable access logs for your Application Load Balancer"):
 * - ELB itself: the Region's legacy ELB account (Regions opened before August 2022; aws-cdk-lib's RegionInfo
 *   knows it) or the service principal `logdelivery.elasticloadbalancing.amazonaws.com` (every other Region).
 *   Neither is documented to send `aws:SourceAccount` or `aws:SourceArn`, and the legacy account sends neither,
 *   so an Allow conditioned on them would refuse ELB's own test file and fail the deployment ("Access Denied for
 *   bucket"). What AWS documents instead: the account in the object path. ELB writes to
 *   `<prefix>/AWSLogs/<the load balancer's account>/...` and refuses any prefix holding `AWSLogs`, so granting
 *   `AWSLogs/<this account>/*` only lets in load balancers of this account.
 * - CloudWatch Logs' vended-log delivery, `delivery.logs.amazonaws.com`, which aws-cdk-lib's `logAccessLogs`
 *   also admits, unconditioned: it delivers for any account's resources. AWS documents the confused-deputy
 *   conditions for it (`aws:SourceAccount` = the account, `aws:SourceArn` like `arn:<partition>:logs:<region>:
 *   <account>:*`), so both are required here.
 *
 * On top, a Deny: when a log-delivery service admitted here says on whose behalf it writes (`aws:SourceAccount`
 * is present) and that is not this account, the write is refused anywhere in the bucket. A request without the
 * key is untouched by it, so it cannot break a delivery that does not send it.
 *
 * The policy is written here rather than by `logAccessLogs`, which adds the unconditioned statements.
 */
import { Annotations, CfnResource, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';

/** ELB's log-delivery service principal: the writer in Regions opened since August 2022. */
export const ELB_LOG_DELIVERY = 'logdelivery.elasticloadbalancing.amazonaws.com';

/** CloudWatch Logs' vended-log delivery service principal. */
export const VENDED_LOG_DELIVERY = 'delivery.logs.amazonaws.com';

/**
 * Turns on the load balancer's access logs into a new bucket under `scope` and returns it; in an
 * environment-agnostic stack (no region, so no known ELB writer) warns instead and returns undefined.
 */
export function configureAccessLogs(scope: Construct, loadBalancer: elbv2.ApplicationLoadBalancer): s3.Bucket | undefined {
  const stack = Stack.of(scope);
  if (Token.isUnresolved(stack.region)) {
    Annotations.of(scope).addWarningV2(
      'cdk-rust:accessLogsNeedRegion',
      `${scope.node.path}: the load balancer keeps no access logs, because the stack has no region ` +
        '(ELB writes them from a regional account). Give the stack an env with a region to turn them on.',
    );
    Validations.of(loadBalancer).acknowledge({
      id: 'AwsSolutions-ELB2',
      reason: 'Access logs need the stack region, which an environment-agnostic stack lacks (a synth warning says so).',
    });
    return undefined;
  }
  const bucket = accessLogBucket(scope);
  for (const statement of accessLogStatements(bucket, stack)) bucket.addToResourcePolicy(statement);
  loadBalancer.setAttribute('access_logs.s3.enabled', 'true');
  loadBalancer.setAttribute('access_logs.s3.bucket', bucket.bucketName);
  loadBalancer.setAttribute('access_logs.s3.prefix', '');
  // ELB writes a test object when access logs are turned on, so the policy must be in place first.
  (loadBalancer.node.defaultChild as CfnResource).addResourceDependency(bucket.policy!.node.defaultChild as CfnResource);
  return bucket;
}

/** SSE-S3 (what ELB can write to), TLS only, no public access, 90 days. */
function accessLogBucket(scope: Construct): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'AccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    lifecycleRules: [{ expiration: Duration.days(90) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason: "It holds the load balancer's access logs; logging access to the log bucket itself would need another bucket without end.",
  });
  return bucket;
}

/**
 * The bucket policy's statements (see the file comment for why each has the shape it has). The Deny names the
 * service principals the policy admits: the legacy ELB account is no service and sends no source account.
 */
function accessLogStatements(bucket: s3.IBucket, stack: Stack): iam.PolicyStatement[] {
  const { account, region, partition } = stack;
  const thisAccountsLogs = bucket.arnForObjects(`AWSLogs/${account}/*`);
  const writer = elbWriter(region);
  const vended = new iam.ServicePrincipal(VENDED_LOG_DELIVERY);
  const services = writer instanceof iam.ServicePrincipal ? [writer, vended] : [vended];
  const fromThisAccountsLogs = {
    StringEquals: { 'aws:SourceAccount': account },
    ArnLike: { 'aws:SourceArn': `arn:${partition}:logs:${region}:${account}:*` },
  };
  return [
    new iam.PolicyStatement({
      sid: 'ElbWritesThisAccountsLogs',
      principals: [writer],
      actions: ['s3:PutObject'],
      resources: [thisAccountsLogs],
    }),
    new iam.PolicyStatement({
      sid: 'VendedLogsWriteThisAccountsLogs',
      principals: [vended],
      actions: ['s3:PutObject'],
      resources: [thisAccountsLogs],
      conditions: {
        ...fromThisAccountsLogs,
        StringEquals: { ...fromThisAccountsLogs.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'VendedLogsReadTheAclForThisAccount',
      principals: [vended],
      actions: ['s3:GetBucketAcl'],
      resources: [bucket.bucketArn],
      conditions: fromThisAccountsLogs,
    }),
    new iam.PolicyStatement({
      sid: 'NoDeliveryForAnotherAccount',
      effect: iam.Effect.DENY,
      principals: services,
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects('*')],
      conditions: { StringNotEquals: { 'aws:SourceAccount': account }, Null: { 'aws:SourceAccount': 'false' } },
    }),
  ];
}

/** ELB's writer in `region`: the legacy regional ELB account where there is one, the service principal elsewhere. */
function elbWriter(region: string): iam.IPrincipal {
  const legacyAccount = RegionInfo.get(region).elbv2Account;
  return legacyAccount ? new iam.AccountPrincipal(legacyAccount) : new iam.ServicePrincipal(ELB_LOG_DELIVERY);
}
