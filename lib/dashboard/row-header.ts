/** The header of a dashboard row: what the row is about, by construct path and by deployed name. */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';
import { pathInStack } from './stack-members';

/** `### <kind> <construct path>: \`<name>\``, one line across the dashboard. */
export function rowHeader(kind: 'Function' | 'Service', member: IConstruct, name: string): cloudwatch.TextWidget {
  return new cloudwatch.TextWidget({
    markdown: `### ${kind} ${pathInStack(member)}: \`${name}\``,
    width: cloudwatch.GRID_WIDTH,
    height: 1,
  });
}
