import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { checkDashboardName, defaultDashboardName } from '../../lib/dashboard/dashboard-name';
import { expectCdkRustError } from '../support';

describe('dashboard name: derived from the stack, or checked as CloudWatch checks it', () => {
  test('the default is <stack name>-cdk-rust-<AWS::Region>', () => {
    const stack = new Stack(new App(), 'Orders', { stackName: 'orders-prod' });
    expect(stack.resolve(defaultDashboardName(stack))).toEqual({ 'Fn::Join': ['', ['orders-prod-cdk-rust-', { Ref: 'AWS::Region' }]] });
  });

  test("a nested stack, whose name is only known at deploy time, uses its path, with '/' replaced", () => {
    const nested = new NestedStack(new Stack(new App(), 'Orders'), 'Ops');
    expect(nested.resolve(defaultDashboardName(nested))).toEqual({ 'Fn::Join': ['', ['Orders-Ops-cdk-rust-', { Ref: 'AWS::Region' }]] });
  });

  test('letters, digits, - and _ up to 255 characters pass; anything else is refused with the prop named', () => {
    expect(() => checkDashboardName('Orders_ops-1', 'S/D')).not.toThrow();
    expect(() => checkDashboardName('a'.repeat(255), 'S/D')).not.toThrow();
    expectCdkRustError(() => checkDashboardName('a'.repeat(256), 'S/D'), 'INVALID_PROP', 'dashboardName', 'S/D');
    expectCdkRustError(() => checkDashboardName('orders/ops', 'S/D'), 'INVALID_PROP', 'dashboardName');
    expectCdkRustError(() => checkDashboardName('', 'S/D'), 'INVALID_PROP', 'dashboardName');
  });
});
