/**
 * A RustService's load balancer: the Application Load Balancer with its access logs, the listener (service-listener.ts)
 * and the target group of the service's tasks, health-checked on the service's health path.
 */
import { Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { configureAccessLogs } from './access-log-bucket';
import { CONTAINER_NAME } from './service-container';
import { addServiceListener } from './service-listener';
import { DEFAULTS, ServiceSettings } from './service-settings';

/** What the load balancer fronts, and how. */
export interface ServiceLoadBalancerOptions {
  readonly vpc: ec2.IVpc;
  readonly service: ecs.FargateService;
  readonly settings: ServiceSettings;
  /** Whether the load balancer faces the internet (in public subnets) or the VPC only. */
  readonly publicLoadBalancer: boolean;
  /** The certificate for HTTPS, if any. */
  readonly certificate?: acm.ICertificate;
}

/** What {@link addServiceLoadBalancer} made. */
export interface ServiceLoadBalancer {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly listener: elbv2.ApplicationListener;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
}

/** The load balancer, its listener and the service's target group, in `scope`. */
export function addServiceLoadBalancer(scope: Construct, options: ServiceLoadBalancerOptions): ServiceLoadBalancer {
  const { vpc, service, settings, publicLoadBalancer, certificate } = options;
  const loadBalancer = new elbv2.ApplicationLoadBalancer(scope, 'LoadBalancer', {
    vpc,
    internetFacing: publicLoadBalancer,
    dropInvalidHeaderFields: true,
    vpcSubnets: { subnetType: publicLoadBalancer ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS },
  });
  configureAccessLogs(scope, loadBalancer);
  const listener = addServiceListener(scope, { loadBalancer, vpc, publicLoadBalancer, certificate });
  const targetGroup = listener.addTargets('Service', {
    port: settings.port,
    protocol: elbv2.ApplicationProtocol.HTTP,
    targets: [service.loadBalancerTarget({ containerName: CONTAINER_NAME, containerPort: settings.port })],
    deregistrationDelay: DEFAULTS.deregistrationDelay,
    healthCheck: {
      path: settings.healthCheckPath,
      healthyHttpCodes: '200-299',
      interval: Duration.seconds(15),
      timeout: Duration.seconds(5),
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 3,
    },
  });
  return { loadBalancer, listener, targetGroup };
}
