import { App, CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { RustService, RustServiceProps } from '../../lib';
import { expectCdkRustError, fixture, nagFindingsFor } from '../support';

const HELLO = fixture('hello');
const BUNDLING = { builderImage: `builder@sha256:${'a'.repeat(64)}` };

/** A stack that is not being synthesized for deployment (no build), with a RustService from `props`. */
function serviceStack(props: Partial<RustServiceProps> = {}, extra?: (stack: Stack) => Partial<RustServiceProps>) {
  const app = new App({ analyticsReporting: false, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Svc', { env: { account: '123456789012', region: 'eu-west-1' } });
  const service = new RustService(stack, 'Api', { manifestPath: HELLO, bundling: BUNDLING, ...props, ...extra?.(stack) });
  return { stack, service, template: Template.fromStack(stack) };
}

describe('RustService: safe deployment defaults', () => {
  test('two tasks; the circuit breaker rolls back a bad deploy; 100% stay healthy while it rolls; 60 s grace', () => {
    const { template } = serviceStack();
    template.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      DesiredCount: 2,
      DeploymentConfiguration: {
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
      },
      HealthCheckGracePeriodSeconds: 60,
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
  });

  test('the target group checks /health on the service port and drains in 15 s, not 300', () => {
    const { template } = serviceStack();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080,
      Protocol: 'HTTP',
      TargetType: 'ip',
      HealthCheckPath: '/health',
      Matcher: { HttpCode: '200-299' },
      HealthCheckIntervalSeconds: 15,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 3,
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '15' }]),
    });
  });
});

describe('RustService: the task runs the image as non-root on a read-only root filesystem', () => {
  test('0.25 vCPU and 512 MiB on x86_64; user 65532; read-only root with a writable /tmp; PORT set; own log group', () => {
    const { template } = serviceStack({ environment: { RUST_LOG: 'info' } });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '256',
      Memory: '512',
      RequiresCompatibilities: ['FARGATE'],
      RuntimePlatform: { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' },
      Volumes: [{ Name: 'tmp' }],
      ContainerDefinitions: [
        Match.objectLike({
          Name: 'App',
          User: '65532:65532',
          ReadonlyRootFilesystem: true,
          Environment: [
            { Name: 'RUST_LOG', Value: 'info' },
            { Name: 'PORT', Value: '8080' },
          ],
          PortMappings: [{ ContainerPort: 8080, Protocol: 'tcp' }],
          MountPoints: [{ ContainerPath: '/tmp', SourceVolume: 'tmp', ReadOnly: false }],
          LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
        }),
      ],
    });
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Retain' });
  });

  test("ECS's init process runs as PID 1, so SIGTERM stops a binary without handlers; 30 s before SIGKILL, written out", () => {
    serviceStack().template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ LinuxParameters: { InitProcessEnabled: true }, StopTimeout: 30 })],
    });
  });

  test('arm64 sets the runtime platform (and builds the aarch64 binary)', () => {
    const { template } = serviceStack({ architecture: ecs.CpuArchitecture.ARM64 });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
    });
  });

  test('the task role has no permissions; the execution role only reads the given secrets and writes its logs', () => {
    const { template, service } = serviceStack({}, (stack) => ({
      secrets: { API_KEY: ecs.Secret.fromSecretsManager(secretsmanager.Secret.fromSecretNameV2(stack, 'Key', 'api-key')) },
    }));
    const taskRoleId = Stack.of(service).getLogicalId(service.taskDefinition.taskRole.node.defaultChild as CfnElement);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { TaskRoleArn: { 'Fn::GetAtt': [taskRoleId, 'Arn'] } });
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as any[];
    expect(policies.filter((p) => JSON.stringify(p.Properties.Roles).includes(taskRoleId))).toEqual([]);
    const executionRoleId = Object.keys(template.findResources('AWS::IAM::Role')).find((id) => id.includes('ExecutionRole'));
    const statements = policies
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(executionRoleId!))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(
      statements
        .map((s) => s.Action)
        .flat()
        .sort(),
    ).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'].sort());
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Secrets: [Match.objectLike({ Name: 'API_KEY' })] })],
    });
  });

  test("ECS assumes the task role only for tasks of the stack's account and region", () => {
    const { template, service } = serviceStack();
    const taskRoleId = Stack.of(service).getLogicalId(service.taskDefinition.taskRole.node.defaultChild as CfnElement);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'ecs-tasks.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' }, ArnLike: { 'aws:SourceArn': Match.anyValue() } },
          }),
        ],
      },
    });
    expect(JSON.stringify(template.toJSON().Resources[taskRoleId].Properties.AssumeRolePolicyDocument)).toContain(
      ':ecs:eu-west-1:123456789012:*',
    );
  });
});

describe("RustService: the container's own health check needs nothing from the binary", () => {
  const healthCheckOf = (template: Template) =>
    (Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0] as any).Properties.ContainerDefinitions[0].HealthCheck;

  test("by default cdk-rust's probe requests healthCheckPath on the service port (the load balancer's path)", () => {
    // ECS's defaults, written out: every 30 s, 5 s to answer (the probe gives up at 4 s), 3 failures in a row.
    const defaults = { Interval: 30, Timeout: 5, Retries: 3 };
    expect(healthCheckOf(serviceStack().template)).toEqual({ Command: ['CMD', '/cdk-rust/healthcheck', '8080', '/health'], ...defaults });
    expect(healthCheckOf(serviceStack({ port: 9000, healthCheckPath: '/ready' }).template)).toEqual({
      Command: ['CMD', '/cdk-rust/healthcheck', '9000', '/ready'],
      ...defaults,
    });
  });

  test("args run the service's binary instead; enabled: false leaves the load balancer's check alone", () => {
    const withArgs = serviceStack({ containerHealthCheck: { args: ['healthcheck'], interval: Duration.seconds(10) } });
    expect(healthCheckOf(withArgs.template)).toEqual({
      Command: ['CMD', '/app/hello', 'healthcheck'],
      Interval: 10,
      Timeout: 5,
      Retries: 3,
    });
    expect(healthCheckOf(serviceStack({ containerHealthCheck: { enabled: false } }).template)).toBeUndefined();
  });

  test('args and path together, or a path the probe cannot send, are INVALID_PROP naming the prop', () => {
    expectCdkRustError(
      () => serviceStack({ containerHealthCheck: { args: ['x'], path: '/health' } }),
      'INVALID_PROP',
      'Svc/Api',
      'both args and path',
    );
    expectCdkRustError(() => serviceStack({ containerHealthCheck: { path: 'health' } }), 'INVALID_PROP', 'healthCheck.path');
  });
});

describe('RustService: the load balancer', () => {
  test('public by default: HTTP on 80 from anywhere, access logs to an encrypted TLS-only bucket, invalid headers dropped', () => {
    const { template } = serviceStack();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
      ]),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80 })],
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true, RestrictPublicBuckets: true }),
    });
  });

  test('with a certificate: HTTPS on 443 with a TLS 1.2+ policy, and 80 redirects to it', () => {
    const { template } = serviceStack({}, (stack) => ({
      certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc'),
    }));
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' }],
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Port: '443', Protocol: 'HTTPS' }) })],
    });
  });

  test('internal: reachable from the VPC only', () => {
    const { template } = serviceStack({ publicLoadBalancer: false });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
    const groups = Object.values(template.findResources('AWS::EC2::SecurityGroup')) as any[];
    const ingress = groups.flatMap((g) => g.Properties.SecurityGroupIngress ?? []);
    expect(JSON.stringify(ingress)).not.toContain('0.0.0.0/0');
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ CidrIp: { 'Fn::GetAtt': [Match.stringLikeRegexp('Vpc'), 'CidrBlock'] }, FromPort: 80 })],
    });
  });

  test("the user's VPC and cluster are used, and no VPC or cluster is created", () => {
    const { template } = serviceStack({}, (stack) => {
      const vpc = new ec2.Vpc(stack, 'Mine', { maxAzs: 2 });
      return { vpc, cluster: new ecs.Cluster(stack, 'MyCluster', { vpc }) };
    });
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::ECS::Cluster', 1);
    template.hasResourceProperties('AWS::ECS::Service', { Cluster: { Ref: Match.stringLikeRegexp('^MyCluster') } });
  });

  test('public without a certificate: a synth warning on the service names the fix; with one, or internal, none', () => {
    const warned = (stack: Stack) =>
      Annotations.fromStack(stack).findWarning('/Svc/Api', Match.stringLikeRegexp('cdk-rust:plainHttpListener'));
    expect(warned(serviceStack().stack)).toHaveLength(1);
    expect(String(warned(serviceStack().stack)[0].entry.data)).toContain('Fix: pass certificate');
    const certificate = (stack: Stack) => ({
      certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc'),
    });
    expect(warned(serviceStack({}, certificate).stack)).toEqual([]);
    expect(warned(serviceStack({ publicLoadBalancer: false }).stack)).toEqual([]);
  });

  test("only this account's log deliveries may write the access-log bucket", () => {
    const { template } = serviceStack();
    const statements = (Object.values(template.findResources('AWS::S3::BucketPolicy'))[0] as any).Properties.PolicyDocument.Statement;
    const vended = statements.filter(
      (s: any) => JSON.stringify(s.Principal).includes('delivery.logs.amazonaws.com') && s.Effect === 'Allow',
    );
    expect(vended).toHaveLength(2);
    for (const s of vended) expect(s.Condition.StringEquals['aws:SourceAccount']).toBe('123456789012');
    expect(statements).toContainEqual(expect.objectContaining({ Sid: 'NoDeliveryForAnotherAccount', Effect: 'Deny' }));
  });

  test('the URL follows the listener', () => {
    expect(serviceStack().service.url).toMatch(/^http:\/\/\$\{Token/);
  });
});

describe('RustService: autoscaling', () => {
  test('target tracking on CPU (70% by default) and on requests per target', () => {
    const { template } = serviceStack({ desiredCount: 3, autoScaling: { maxCapacity: 10, requestsPerTarget: 500 } });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 3, MaxCapacity: 10 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: 70,
      }),
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }),
        TargetValue: 500,
      }),
    });
  });

  test('no scaling unless asked', () => {
    serviceStack().template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
  });
});

describe('RustService: alarms to the encrypted AlarmTopic', () => {
  test("on by default: the 5xx rate, p99 response time, unhealthy targets, CPU and memory, to the stack's AlarmTopic", () => {
    const { template, service } = serviceStack();
    expect(service.alarms).toBeDefined();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    for (const suffix of ['Http5xxRate', 'ResponseTime', 'UnhealthyHosts', 'CpuUtilization', 'MemoryUtilization']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `Svc-Api-Alarms-${suffix}`,
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^CdkRustAlarmTopic') }],
      });
    }
  });

  test('each can be tuned or turned off; with all five off there are none, and no topic', () => {
    const tuned = serviceStack({ alarms: { cpu: { threshold: 90 }, memory: { enabled: false } } }).template;
    tuned.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    tuned.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'Svc-Api-Alarms-CpuUtilization', Threshold: 90 });
    const off = { enabled: false };
    const none = serviceStack({ alarms: { http5xxRate: off, responseTime: off, unhealthyHosts: off, cpu: off, memory: off } });
    expect(none.service.alarms).toBeUndefined();
    none.template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    none.template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  test('bad alarm options name the prop under alarms, before any build', () => {
    expectCdkRustError(() => serviceStack({ alarms: { cpu: { threshold: 150 } } }), 'INVALID_PROP', 'Svc/Api', 'alarms.cpu.threshold');
    expectCdkRustError(
      () => serviceStack({ alarms: { responseTime: { threshold: 0 } } }),
      'INVALID_PROP',
      'Svc/Api: alarms.responseTime.threshold must be a number of seconds above 0, got 0.',
      'e.g. alarms.responseTime.threshold: 1 for one second',
    );
    const off = { enabled: false };
    expectCdkRustError(
      () =>
        serviceStack({ alarms: { http5xxRate: off, responseTime: off, unhealthyHosts: off, cpu: off, memory: off } }, (stack) => ({
          alarmTopic: new sns.Topic(stack, 'T'),
        })),
      'INVALID_PROP',
      'alarmTopic is set, but every alarm in alarms is turned off',
    );
  });
});

describe('RustService: bad input fails at synth time, naming the prop', () => {
  test.each([
    ['a port out of range', { port: 0 }, 'port: 0'],
    ['a health-check path without a leading /', { healthCheckPath: 'health' }, 'healthCheckPath: "health"'],
    ['a CPU size Fargate does not have', { cpu: 300 }, 'cpu: 300'],
    ['a memory size Fargate does not run with the CPU', { cpu: 256, memoryLimitMiB: 4096 }, 'memoryLimitMiB: 4096'],
    ['a negative task count', { desiredCount: -1 }, 'desiredCount: -1'],
    ['a maximum below the minimum', { autoScaling: { minCapacity: 4, maxCapacity: 2 } }, 'autoScaling.maxCapacity: 2'],
    ['a CPU target above 100%', { autoScaling: { maxCapacity: 4, targetCpuUtilization: 150 } }, 'autoScaling.targetCpuUtilization: 150'],
    ['PORT in the environment', { environment: { PORT: '1' } }, 'environment.PORT'],
  ] as Array<[string, Partial<RustServiceProps>, string]>)('%s', (_what, props, fragment) => {
    expectCdkRustError(() => serviceStack(props), 'INVALID_PROP', 'Svc/Api: ', fragment, 'Fix: ');
  });

  test('a glibc target, which the image could not load', () => {
    expectCdkRustError(
      () => serviceStack({ bundling: { ...BUNDLING, target: 'x86_64-unknown-linux-gnu' } }),
      'INVALID_PROP',
      'bundling.target',
      'x86_64-unknown-linux-musl',
    );
  });

  test('a cluster in another VPC than vpc', () => {
    expectCdkRustError(
      () =>
        serviceStack({}, (stack) => ({
          vpc: new ec2.Vpc(stack, 'One'),
          cluster: new ecs.Cluster(stack, 'C', { vpc: new ec2.Vpc(stack, 'Two') }),
        })),
      'INVALID_PROP',
      'cluster is in another VPC',
    );
  });
});

describe('RustService: cdk-nag', () => {
  test('AwsSolutions and Serverless: no unacknowledged finding', () => {
    const findings = nagFindingsFor(
      (app) => {
        const stack = new Stack(app, 'Svc', { env: { account: '123456789012', region: 'eu-west-1' } });
        new RustService(stack, 'Api', { manifestPath: HELLO, bundling: BUNDLING, autoScaling: { maxCapacity: 4 } });
        new RustService(stack, 'Internal', { manifestPath: HELLO, bundling: BUNDLING, publicLoadBalancer: false });
        // A Region where ELB writes logs as its service principal, and a stack without an environment.
        const newer = new Stack(app, 'Newer', { env: { account: '123456789012', region: 'eu-south-2' } });
        new RustService(newer, 'Api', { manifestPath: HELLO, bundling: BUNDLING });
        new RustService(new Stack(app, 'Agnostic'), 'Api', { manifestPath: HELLO, bundling: BUNDLING });
      },
      { 'aws:cdk:bundling-stacks': [] },
    );
    expect(findings).toEqual([]);
  });
});
