/**
 * The role a RustService's containers run as: no permissions, and a trust policy that lets ECS assume it only for
 * tasks of the stack's own account and region.
 *
 * aws-cdk-lib's default task role trusts `ecs-tasks.amazonaws.com` unconditionally. AWS's ECS guide recommends
 * `aws:SourceAccount` and an `aws:SourceArn` of `arn:<partition>:ecs:<region>:<account>:*` on the task role's
 * trust (confused-deputy protection); ECS sends both when it assumes a task role. The values are the stack's
 * tokens, so environment-agnostic stacks get `AWS::AccountId`, `AWS::Region` and `AWS::Partition`.
 *
 * The execution role (created by aws-cdk-lib's task definition for the image pull, the logs and the secrets) keeps
 * its plain trust: AWS documents it without these conditions, and a condition the Fargate agent did not satisfy
 * would stop every task from starting, which nothing short of a real AWS deployment would reveal.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The service principal ECS assumes task roles as. */
export const ECS_TASKS = 'ecs-tasks.amazonaws.com';

/** A role without permissions that ECS may assume only for tasks of this stack's account and region. */
export function serviceTaskRole(scope: Construct, id = 'TaskRole'): iam.Role {
  const { account, region, partition } = Stack.of(scope);
  return new iam.Role(scope, id, {
    description: 'The containers of the RustService: no permissions unless granted.',
    assumedBy: new iam.ServicePrincipal(ECS_TASKS).withConditions({
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': `arn:${partition}:ecs:${region}:${account}:*` },
    }),
  });
}
