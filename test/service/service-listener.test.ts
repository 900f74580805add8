import { App, Annotations as CoreAnnotations, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { PLAIN_HTTP_WARNING, addServiceListener } from '../../lib/service/service-listener';

const CERT_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/abc';

/** A stack with a load balancer and the service listener, built as RustService builds it (`Svc/Api`). */
function listenerStack(opts: { publicLoadBalancer: boolean; certificate?: boolean; acknowledge?: boolean }) {
  const stack = new Stack(new App({ analyticsReporting: false }), 'Svc', { env: { account: '123456789012', region: 'eu-west-1' } });
  const service = new Construct(stack, 'Api');
  const vpc = new ec2.Vpc(service, 'Vpc');
  const loadBalancer = new elbv2.ApplicationLoadBalancer(service, 'LoadBalancer', { vpc, internetFacing: opts.publicLoadBalancer });
  const certificate = opts.certificate ? acm.Certificate.fromCertificateArn(service, 'Cert', CERT_ARN) : undefined;
  const listener = addServiceListener(service, { loadBalancer, vpc, publicLoadBalancer: opts.publicLoadBalancer, certificate });
  listener.addAction('Default', { action: elbv2.ListenerAction.fixedResponse(200) });
  if (opts.acknowledge) CoreAnnotations.of(service).acknowledgeWarning(PLAIN_HTTP_WARNING, 'an HTTP-only demo');
  return { stack, template: Template.fromStack(stack) };
}

function plainHttpWarnings(stack: Stack) {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(PLAIN_HTTP_WARNING));
}

describe('addServiceListener: a public load balancer never serves plain HTTP without a word', () => {
  test('public without a certificate: a warning on the service naming both fixes (certificate, publicLoadBalancer: false)', () => {
    const { stack, template } = listenerStack({ publicLoadBalancer: true });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
    const warnings = plainHttpWarnings(stack);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].id).toBe('/Svc/Api');
    const text = String(warnings[0].entry.data);
    expect(text).toContain('Svc/Api: the load balancer faces the internet and serves plain HTTP on port 80 (certificate is not set)');
    expect(text).toContain('Fix: pass certificate');
    expect(text).toContain('publicLoadBalancer: false');
  });

  test('public with a certificate: HTTPS on 443, 80 redirects to it, and no warning', () => {
    const { stack, template } = listenerStack({ publicLoadBalancer: true, certificate: true });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: CERT_ARN }],
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Port: '443', Protocol: 'HTTPS' }) })],
    });
    expect(plainHttpWarnings(stack)).toEqual([]);
  });

  test('internal without a certificate: reachable from the VPC only, and no warning', () => {
    const { stack, template } = listenerStack({ publicLoadBalancer: false });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
    expect(JSON.stringify(template.findResources('AWS::EC2::SecurityGroup'))).not.toContain('0.0.0.0/0');
    expect(plainHttpWarnings(stack)).toEqual([]);
  });

  test('a deliberate HTTP-only service can acknowledge the warning by its id', () => {
    expect(plainHttpWarnings(listenerStack({ publicLoadBalancer: true, acknowledge: true }).stack)).toEqual([]);
  });
});
