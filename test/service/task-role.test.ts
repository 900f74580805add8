import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ECS_TASKS, serviceTaskRole } from '../../lib/service/task-role';

function roleTemplate(env?: { account: string; region: string }) {
  const stack = new Stack(new App({ analyticsReporting: false }), 'Roles', env ? { env } : {});
  serviceTaskRole(stack);
  return Template.fromStack(stack);
}

function trust(template: Template): any {
  const roles = Object.values(template.findResources('AWS::IAM::Role')) as any[];
  expect(roles).toHaveLength(1);
  return roles[0].Properties.AssumeRolePolicyDocument;
}

describe("serviceTaskRole: ECS assumes the task role only for tasks of the stack's own account and region", () => {
  test("the trust names ecs-tasks with aws:SourceAccount and an aws:SourceArn under this account's ECS ARNs", () => {
    // Before: aws-cdk-lib's default task role trusted ecs-tasks.amazonaws.com with no condition at all.
    expect(trust(roleTemplate({ account: '123456789012', region: 'eu-west-1' }))).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: ECS_TASKS },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': '123456789012' },
            ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecs:eu-west-1:123456789012:*']] } },
          },
        },
      ],
    });
  });

  test('an environment-agnostic stack gets the deploying account, region and partition, not a hard-coded value', () => {
    const statement = trust(roleTemplate()).Statement[0];
    expect(statement.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: {
        'aws:SourceArn': {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':*']],
        },
      },
    });
  });

  test('the role has no permissions of its own', () => {
    const template = roleTemplate({ account: '123456789012', region: 'eu-west-1' });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const role = (Object.values(template.findResources('AWS::IAM::Role'))[0] as any).Properties;
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.Policies).toBeUndefined();
  });
});
