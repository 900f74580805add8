/**
 * The name of an OperationsDashboard: derived from its stack and region unless given, and checked against what
 * CloudWatch accepts (letters, digits, `-` and `_`, at most 255 characters).
 */
import { Aws, Stack, Token } from 'aws-cdk-lib';
import { CdkRustError } from '../errors';

/** The longest dashboard name CloudWatch accepts. */
export const MAX_DASHBOARD_NAME_LENGTH = 255;

/**
 * `<stack name>-cdk-rust-<region>`: dashboard names are unique per account across all regions, so the stack's name
 * alone would collide when one stack is deployed under the same name to two regions. The region is the
 * `AWS::Region` pseudo parameter, never a literal, so that the template holds no region of its own.
 */
export function defaultDashboardName(stack: Stack): string {
  const stackName = (Token.isUnresolved(stack.stackName) ? stack.node.path : stack.stackName).replace(/[^A-Za-z0-9_-]+/g, '-');
  return `${stackName}-cdk-rust-${Aws.REGION}`;
}

/** Refuses a literal name CloudWatch would refuse, naming the prop; tokens are accepted unchecked. */
export function checkDashboardName(name: string, constructPath: string): void {
  if (Token.isUnresolved(name)) return;
  if (!/^[A-Za-z0-9_-]+$/.test(name) || name.length > MAX_DASHBOARD_NAME_LENGTH) {
    throw new CdkRustError(
      'INVALID_PROP',
      `dashboardName must be 1 to ${MAX_DASHBOARD_NAME_LENGTH} letters, digits, '-' or '_', got ${JSON.stringify(name)}.`,
      "Replace other characters with '-', or leave dashboardName out for a name derived from the stack.",
      constructPath,
    );
  }
}
