import * as path from 'path';
import { Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { RustFunction } from '../lib';

/**
 * A Rust function on Lambda Managed Instances: Graviton capacity in the stack's own VPC, one execution environment
 * serving up to 64 invocations at once with lambda_runtime's `run_concurrent` (the crate's `concurrency-tokio`
 * feature is checked at synth time).
 */
export class ManagedInstancesStack extends Stack {
  /** The function on the capacity provider. */
  public readonly greeter: RustFunction;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'functions', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(this, 'FlowLogs')) } },
    });
    const securityGroup = new ec2.SecurityGroup(this, 'Functions', {
      vpc,
      description: 'The capacity provider instances: no inbound traffic, outbound HTTPS only',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS APIs and the Lambda runtime API over HTTPS');
    // All functions on one capacity provider must trust each other: it is their isolation boundary.
    const capacity = new lambda.CapacityProvider(this, 'Capacity', {
      subnets: vpc.isolatedSubnets,
      securityGroups: [securityGroup],
      architectures: [lambda.Architecture.ARM_64],
    });
    acknowledgeOperatorPolicy(capacity);

    this.greeter = new RustFunction(this, 'Greeter', {
      manifestPath: path.join(__dirname, 'concurrent-greeter', 'Cargo.toml'),
      architecture: lambda.Architecture.ARM_64,
      memorySize: 4096, // 2 vCPUs at 2 GiB per vCPU
      managedInstances: { capacityProvider: capacity, perExecutionEnvironmentMaxConcurrency: 64 },
    });
  }
}

/**
 * cdk-nag reports the AWS-managed policy of the provider's default operator role (AwsSolutions-IAM4). It is the
 * policy Lambda documents for that role; acknowledged on the provider only. aws-cdk-lib before 2.269 cannot scope
 * an acknowledgement to one policy, and there the finding is left for you to see.
 */
function acknowledgeOperatorPolicy(capacity: lambda.CapacityProvider): void {
  try {
    Validations.of(capacity).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AWSLambdaManagedEC2ResourceOperator]',
      reason:
        "AWSLambdaManagedEC2ResourceOperator is the AWS-managed policy Lambda documents for a capacity provider's " +
        'operator role: Lambda uses it to launch and stop the instances it manages, and AWS keeps it current.',
    });
  } catch {
    // InvalidValidationId: this aws-cdk-lib has no rule-scoped acknowledgements.
  }
}
