/**
 * What the dashboard finds in its stack at synthesis: the RustFunctions and RustServices of the stack itself (not of
 * other stacks, nested ones included), and the alarms under each.
 */
import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';
import { RustFunction } from '../function';
import { RustService } from '../service/rust-service';

/** Every RustFunction and RustService of `stack`, in the order of the construct tree (the order they were added). */
export function stackMembers(stack: Stack): { functions: RustFunction[]; services: RustService[] } {
  const members = stack.node.findAll().filter((c) => Stack.of(c) === stack);
  return {
    functions: members.filter((c): c is RustFunction => c instanceof RustFunction),
    services: members.filter((c): c is RustService => c instanceof RustService),
  };
}

/** Every alarm (metric and composite) under `scope`, in tree order. */
export function alarmsUnder(scope: IConstruct): cloudwatch.AlarmBase[] {
  return scope.node.findAll().filter((c): c is cloudwatch.AlarmBase => c instanceof cloudwatch.AlarmBase);
}

/** Every metric alarm of `stack`: the candidates for threshold lines, wherever they live in the stack. */
export function metricAlarmsOf(stack: Stack): cloudwatch.Alarm[] {
  return stack.node.findAll().filter((c): c is cloudwatch.Alarm => c instanceof cloudwatch.Alarm && Stack.of(c) === stack);
}

/** The construct's path below its stack, e.g. `Api` or `Orders/Handler`. */
export function pathInStack(construct: IConstruct): string {
  const stackPath = Stack.of(construct).node.path;
  return stackPath && construct.node.path.startsWith(`${stackPath}/`)
    ? construct.node.path.slice(stackPath.length + 1)
    : construct.node.path;
}

/** The path of `construct` below `ancestor`, without a final `/Resource` (`ThrottlesAlarm`, `Alarms/Cpu`). */
export function pathBelow(construct: IConstruct, ancestor: IConstruct): string {
  const path = construct.node.path.startsWith(`${ancestor.node.path}/`)
    ? construct.node.path.slice(ancestor.node.path.length + 1)
    : construct.node.path;
  return path.replace(/\/Resource$/, '');
}

/** The constructs of `given` that are not in `stack`, for the error that refuses them. */
export function outside(given: IConstruct[], stack: Stack): IConstruct[] {
  return given.filter((c) => Stack.of(c) !== stack);
}
