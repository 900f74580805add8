/**
 * The templates the diagrams are drawn from: the examples' function and service stacks, synthesized in this
 * process as test/examples.test.ts does, without building anything (no Docker needed). Construct paths are
 * kept in the template (`aws:cdk:path`) for readable labels.
 */
import { App, Stack } from 'aws-cdk-lib';
import { PlainFunctionStack } from '../../examples/plain-function';
import { RustServiceStack } from '../../examples/rust-service';
import { CfnTemplate, GraphOptions } from './template-graph';

/** One diagram: where it is written, what it shows and how. */
export interface DiagramSource {
  /** The SVG file, relative to the repository root. */
  readonly file: string;
  readonly options: GraphOptions;
  /** Synthesizes the template (a fresh app each time). */
  readonly template: () => CfnTemplate;
}

function synthesize(make: (app: App) => Stack): CfnTemplate {
  const app = new App({
    analyticsReporting: false,
    context: { 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-path-metadata': true },
  });
  const stack = make(app);
  return app.synth().getStackByName(stack.stackName).template as CfnTemplate;
}

/** The function stack (examples/plain-function.ts) and the service stack (examples/rust-service.ts). */
export const DIAGRAMS: DiagramSource[] = [
  {
    file: 'docs/images/function-stack.svg',
    options: { title: 'cdk synth of a RustFunction (examples/plain-function.ts)', stackId: 'CdkRustPlainFunction' },
    template: () => synthesize((app) => new PlainFunctionStack(app, 'CdkRustPlainFunction')),
  },
  {
    file: 'docs/images/service-stack.svg',
    options: { title: 'cdk synth of a RustService (examples/rust-service.ts)', stackId: 'CdkRustService', collapse: ['Service/Vpc'] },
    template: () => synthesize((app) => new RustServiceStack(app, 'CdkRustService', { env: { region: 'us-east-1' } })),
  },
];
