/**
 * The front door of a RustService's load balancer: the listener, the HTTP-to-HTTPS redirect, who may connect, and
 * a synth-time warning when a public load balancer would serve plain HTTP.
 */
import { Annotations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';

/** The warning's id, to acknowledge with `Annotations.of(service).acknowledgeWarning(...)` when HTTP is meant. */
export const PLAIN_HTTP_WARNING = 'cdk-rust:plainHttpListener';

/** What the listener depends on. */
export interface ServiceListenerOptions {
  /** The load balancer to listen on. */
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;

  /** The VPC, whose CIDR an internal load balancer admits. */
  readonly vpc: ec2.IVpc;

  /** Whether the load balancer faces the internet. */
  readonly publicLoadBalancer: boolean;

  /** The certificate for HTTPS, if any. */
  readonly certificate?: acm.ICertificate;
}

/**
 * Adds the listener that forwards to the service: HTTPS on 443 (TLS 1.2 or later) with 80 redirected to it when
 * there is a certificate, HTTP on 80 otherwise. Opens those ports to the internet for a public load balancer and
 * to the VPC's CIDR for an internal one. Warns on `service` when a public load balancer gets no certificate.
 */
export function addServiceListener(service: Construct, options: ServiceListenerOptions): elbv2.ApplicationListener {
  const { loadBalancer, certificate, publicLoadBalancer } = options;
  const listener = loadBalancer.addListener('Listener', {
    port: certificate ? 443 : 80,
    protocol: certificate ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
    certificates: certificate ? [certificate] : undefined,
    sslPolicy: certificate ? elbv2.SslPolicy.RECOMMENDED_TLS : undefined,
    // Who may connect is set below: the internet for a public load balancer, the VPC for an internal one.
    open: false,
  });
  if (certificate) loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443 });
  const clients = publicLoadBalancer ? ec2.Peer.anyIpv4() : ec2.Peer.ipv4(options.vpc.vpcCidrBlock);
  for (const port of certificate ? [80, 443] : [80]) {
    loadBalancer.connections.allowFrom(clients, ec2.Port.tcp(port), publicLoadBalancer ? 'from the internet' : 'from the VPC');
  }
  if (publicLoadBalancer && !certificate) warnPlainHttp(service);
  return listener;
}

function warnPlainHttp(service: Construct): void {
  Annotations.of(service).addWarningV2(
    PLAIN_HTTP_WARNING,
    `${service.node.path}: the load balancer faces the internet and serves plain HTTP on port 80 (certificate is not set), ` +
      'so requests and answers, cookies and tokens included, cross the internet unencrypted and can be read or changed ' +
      'on the way. Fix: pass certificate (an ACM certificate for your domain): the load balancer then serves HTTPS on 443 ' +
      'and redirects 80 to it. Or set publicLoadBalancer: false to keep the service inside the VPC.',
  );
}
