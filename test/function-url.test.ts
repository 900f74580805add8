/**
 * RustFunction's `functionUrl`: an AWS_IAM function URL by default, response streaming on request, refused where
 * Lambda cannot stream, and no cdk-nag finding left or hidden. Builds are skipped (bundling-stacks is empty).
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RustFunction, RustFunctionProps } from '../lib';
import { Bundling } from '../lib/bundling/bundling';
import { scopesGranularAcknowledgements } from '../lib/private/aws-cdk-lib-version';
import { FIXTURES, expectCdkRustError, nagFindingsFor } from './support';

const HELLO = path.join(FIXTURES, 'hello', 'Cargo.toml');
const BUNDLING = { builderImage: 'snapshot-builder:1', forceDockerBundling: true };

function stackWith(props: Partial<RustFunctionProps>): { stack: Stack; fn: RustFunction; template: () => Template } {
  const app = new App({ analyticsReporting: false, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Svc', { env: { account: '123456789012', region: 'eu-west-1' } });
  const fn = new RustFunction(stack, 'Api', { manifestPath: HELLO, bundling: BUNDLING, ...props });
  return { stack, fn, template: () => Template.fromStack(stack) };
}

/** The nag findings of a stack holding one RustFunction with `props`, but the X-Ray one left before 2.269. */
function findings(props: Partial<RustFunctionProps>): string[] {
  return nagFindingsFor((app) => new RustFunction(new Stack(app, 'Svc'), 'Api', { manifestPath: HELLO, bundling: BUNDLING, ...props }), {
    'aws:cdk:bundling-stacks': [],
  })
    .filter((f) => scopesGranularAcknowledgements() || !f.path.includes('Api/TracingPolicy'))
    .map((f) => `${f.rule} ${f.path}`);
}

describe('RustFunction functionUrl: an AWS_IAM function URL, buffered or streaming, checked at synth time', () => {
  test('without functionUrl there is no URL', () => {
    const { fn, template } = stackWith({});
    template().resourceCountIs('AWS::Lambda::Url', 0);
    expect(fn.functionUrl).toBeUndefined();
  });

  test('functionUrl: {} is a buffered URL with AWS_IAM auth, and no public invoke permission', () => {
    const { fn, template } = stackWith({ functionUrl: {} });
    template().hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', InvokeMode: 'BUFFERED' });
    template().resourceCountIs('AWS::Lambda::Permission', 0);
    expect(fn.functionUrl).toBeInstanceOf(lambda.FunctionUrl);
  });

  test('RESPONSE_STREAM streams, still with AWS_IAM auth; grantInvokeUrl lets a principal call it', () => {
    const { stack, fn, template } = stackWith({ functionUrl: { invokeMode: lambda.InvokeMode.RESPONSE_STREAM } });
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    fn.grantInvokeUrl(caller);
    template().hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', InvokeMode: 'RESPONSE_STREAM' });
    const policies = template().findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'lambda:InvokeFunctionUrl', Effect: 'Allow' }));
  });

  test('authType NONE and cors are passed on as given', () => {
    const { template } = stackWith({
      functionUrl: { authType: lambda.FunctionUrlAuthType.NONE, cors: { allowedOrigins: ['https://example.com'] } },
    });
    template().hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', Cors: { AllowOrigins: ['https://example.com'] } });
  });

  test('RESPONSE_STREAM in a VPC is refused before any build, naming the prop and the construct', () => {
    const app = new App({ analyticsReporting: false });
    const stack = new Stack(app, 'Svc');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
    const build = jest.spyOn(Bundling, 'bundle');
    try {
      expectCdkRustError(
        () =>
          new RustFunction(stack, 'Api', {
            manifestPath: HELLO,
            bundling: BUNDLING,
            vpc,
            functionUrl: { invokeMode: lambda.InvokeMode.RESPONSE_STREAM },
          }),
        'INVALID_PROP',
        'Svc/Api',
        'functionUrl.invokeMode is RESPONSE_STREAM',
        'in a VPC',
        'InvokeWithResponseStream',
      );
      expect(build).not.toHaveBeenCalled();
    } finally {
      build.mockRestore();
    }
  });

  test('cdk-nag AwsSolutions and Serverless: an AWS_IAM streaming URL adds no finding', () => {
    expect(findings({ functionUrl: { invokeMode: lambda.InvokeMode.RESPONSE_STREAM } })).toEqual([]);
  });

  test('cdk-nag: neither pack flags an authType NONE URL, so nothing is acknowledged for it', () => {
    expect(findings({ functionUrl: { authType: lambda.FunctionUrlAuthType.NONE } })).toEqual([]);
  });
});
