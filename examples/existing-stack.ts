import * as path from 'path';
import { ArnFormat, Stack, StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ErrorRateAlarm, RustFunction } from '../lib';

/**
 * An existing stack that installed cdk-rust with `npm install`: it puts the error-rate alarm on a
 * function it already has (here one deployed outside this app, imported by ARN; any lambda.IFunction
 * works), and adds a RustFunction next to it. Both alarms notify the same encrypted topic.
 */
export class ExistingServiceStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const orders = lambda.Function.fromFunctionArn(
      this,
      'Orders',
      this.formatArn({
        service: 'lambda',
        resource: 'function',
        resourceName: 'legacy-orders',
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );
    const ordersAlarm = new ErrorRateAlarm(this, 'OrdersErrorRate', {
      function: orders,
      threshold: 2,
      emailSubscriptions: ['oncall@example.com'],
    });

    new RustFunction(this, 'Greeter', {
      manifestPath: path.join(__dirname, 'greeter', 'Cargo.toml'),
      alarmTopic: ordersAlarm.topic,
    });
  }
}
