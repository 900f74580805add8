import { constructPath, isNoise, readableType, referencesIn, templateToDot } from '../../../scripts/diagram/template-graph';

const fn = {
  Type: 'AWS::Lambda::Function',
  Properties: { Role: { 'Fn::GetAtt': ['FnRoleABCD1234', 'Arn'] }, Environment: { Variables: { REGION: { Ref: 'AWS::Region' } } } },
  DependsOn: ['FnRoleABCD1234', 'FnPolicy0000AAAA'],
  Metadata: { 'aws:cdk:path': 'Stack/Fn/Resource' },
};
const role = { Type: 'AWS::IAM::Role', Metadata: { 'aws:cdk:path': 'Stack/Fn/ServiceRole/Resource' } };
const policy = { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'FnRoleABCD1234' }] } };

describe('templateToDot: a template as a graph of resources and the references between them', () => {
  const dot = templateToDot(
    {
      Resources: {
        FnABCD0000: fn,
        FnRoleABCD1234: role,
        FnPolicy0000AAAA: policy,
        CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:...' } },
        AWS679f53fac002430cb0da5b7982bd22872D164C4C: { Type: 'AWS::Lambda::Function', Properties: { Role: { Ref: 'FnRoleABCD1234' } } },
        Lookup: { Type: 'Custom::AWS', Properties: { ServiceToken: { 'Fn::GetAtt': ['FnABCD0000', 'Arn'] } } },
      },
    },
    { title: 'A "stack"', stackId: 'Stack' },
  );

  test('a Fn::GetAtt becomes a solid edge from the resource that refers to the one it refers to', () => {
    expect(dot).toContain('"FnABCD0000" -> "FnRoleABCD1234";');
  });

  test('a Ref becomes an edge; a pseudo parameter draws nothing', () => {
    expect(dot).toContain('"FnPolicy0000AAAA" -> "FnRoleABCD1234";');
    expect(dot).not.toContain('AWS::Region');
  });

  test('a DependsOn alone becomes a dashed edge; one already drawn as a reference stays solid and single', () => {
    expect(dot).toContain('"FnABCD0000" -> "FnPolicy0000AAAA" [style=dashed');
    expect(dot.match(/"FnABCD0000" -> "FnRoleABCD1234"/g)).toHaveLength(1);
  });

  test("CDK's metadata, custom resources and their provider functions are left out", () => {
    expect(dot).not.toMatch(/CDKMetadata|Lookup|AWS679f53/);
  });

  test('nodes are labelled with a readable type and their construct path below the stack, grouped by service', () => {
    expect(dot).toContain('"FnABCD0000" [label="Lambda Function: Fn"];');
    expect(dot).toContain('"FnRoleABCD1234" [label="IAM Role: Fn/ServiceRole"];');
    expect(dot).toMatch(/subgraph cluster_\d+ \{\n {4}label="IAM";/);
    expect(dot).toContain('label="A \\"stack\\""');
  });

  test('the same template gives the same text', () => {
    expect(templateToDot({ Resources: { B: role, A: policy } }, { title: 't' })).toBe(
      templateToDot({ Resources: { A: policy, B: role } }, { title: 't' }),
    );
  });

  test("a collapsed construct is one node that says what it holds, and takes its members' edges", () => {
    const vpc = templateToDot(
      {
        Resources: {
          VpcAAAA0000: { Type: 'AWS::EC2::VPC', Metadata: { 'aws:cdk:path': 'S/Vpc/Resource' } },
          VpcSubnetOneBBBB0000: {
            Type: 'AWS::EC2::Subnet',
            Properties: { VpcId: { Ref: 'VpcAAAA0000' } },
            Metadata: { 'aws:cdk:path': 'S/Vpc/One/Subnet' },
          },
          VpcSubnetTwoCCCC0000: {
            Type: 'AWS::EC2::Subnet',
            Properties: { VpcId: { Ref: 'VpcAAAA0000' } },
            Metadata: { 'aws:cdk:path': 'S/Vpc/Two/Subnet' },
          },
          Sg: {
            Type: 'AWS::EC2::SecurityGroup',
            Properties: { VpcId: { Ref: 'VpcSubnetOneBBBB0000' } },
            Metadata: { 'aws:cdk:path': 'S/Sg' },
          },
        },
      },
      { title: 't', stackId: 'S', collapse: ['Vpc'] },
    );
    expect(vpc).toContain('"Vpc" [label="EC2 VPC: Vpc\\nwith 2 Subnets"];');
    expect(vpc).toContain('"Sg" -> "Vpc";');
    expect(vpc).not.toMatch(/Subnet(One|Two)/);
    expect(vpc).not.toContain('"Vpc" -> "Vpc"');
  });
});

describe('template-graph helpers: what counts as a reference, a label and noise', () => {
  test('references: Ref, both Fn::GetAtt forms and Fn::Sub names, nested anywhere; Fn::Sub escapes are not', () => {
    const value = {
      A: [{ Ref: 'One' }, { 'Fn::GetAtt': 'Two.Arn' }],
      B: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Three', 'Arn'] }]] },
      C: { 'Fn::Sub': ['${Four.Arn}/${AWS::Region}/${!Literal}', {}] },
    };
    expect(referencesIn(value)).toEqual(['One', 'Two', 'Three', 'Four', 'AWS::Region']);
  });

  test('readable types', () => {
    expect(readableType('AWS::Lambda::Function')).toBe('Lambda Function');
    expect(readableType('AWS::Logs::LogGroup')).toBe('Log Group');
    expect(readableType('AWS::ElasticLoadBalancingV2::TargetGroup')).toBe('ELB Target Group');
    expect(readableType('AWS::EC2::VPCGatewayAttachment')).toBe('EC2 VPC Gateway Attachment');
  });

  test('the construct path without trailing Resource/Default, or the logical id without its hash', () => {
    expect(constructPath('X', { Type: 'T', Metadata: { 'aws:cdk:path': 'S/Alarm/Resource/Resource' } })).toBe('S/Alarm');
    expect(constructPath('GreeterA41DC22A', { Type: 'T' })).toBe('Greeter');
  });

  test('noise', () => {
    expect(isNoise('CDKMetadata', { Type: 'AWS::CDK::Metadata' })).toBe(true);
    expect(
      isNoise('X', {
        Type: 'AWS::Lambda::Function',
        Metadata: { 'aws:cdk:path': 'S/Custom::S3AutoDeleteObjectsCustomResourceProvider/Handler' },
      }),
    ).toBe(true);
    expect(isNoise('GreeterA41DC22A', { Type: 'AWS::Lambda::Function' })).toBe(false);
  });
});
