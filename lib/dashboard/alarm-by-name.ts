/**
 * How the dashboard's widgets reference an alarm: by an ARN built from the alarm's name, not by its `Arn` attribute.
 */
import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * The alarm, seen through an ARN built from its name: `arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>`,
 * with the region and account of the deployment. The value is the one `Fn::GetAtt <alarm>.Arn` gives, but the
 * template then depends only on the alarm's `Ref` (its name), which every CloudFormation implementation resolves
 * (moto's cannot resolve an alarm's `Arn`, so a dashboard citing it would not deploy there). The dashboard shows
 * only alarms of its own stack, so the deployment's region and account are the alarm's.
 *
 * The result is a view: it reads everything else from the alarm itself.
 */
export function alarmByName<T extends cloudwatch.IAlarm>(alarm: T): T {
  const alarmArn = Stack.of(alarm).formatArn({
    service: 'cloudwatch',
    region: Aws.REGION,
    account: Aws.ACCOUNT_ID,
    resource: 'alarm',
    resourceName: alarm.alarmName,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  return Object.create(alarm, {
    alarmArn: { value: alarmArn },
    alarmRef: { value: { ...alarm.alarmRef, alarmArn } },
  });
}
