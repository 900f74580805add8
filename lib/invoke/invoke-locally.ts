/**
 * Running a function of a synthesized app: from its definition in the cloud assembly to a warm
 * {@link LocalFunction} with the template's settings, or one invocation with its result.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CdkRustError } from '../errors';
import { warn } from '../private/progress';
import { AssemblyFunction, findAssemblyFunction } from './assembly';
import { realPathInside } from './confined-path';
import { parseEvent } from './event';
import { InvocationStream } from './invocation-stream';
import { InvokeResult } from './invoke-result';
import { LocalFunction } from './local-function';
import { LocalFunctionOptions } from './local-function-options';

/**
 * What {@link invokeLocally} takes: the function and its event, and any {@link LocalFunctionOptions} (but `code`),
 * which win over what the template says.
 *
 * @jsii ignore Node.js only (other languages use the `cdk-rust` CLI).
 */
export interface InvokeLocallyOptions extends Partial<Omit<LocalFunctionOptions, 'code'>> {
  /**
   * The cloud assembly directory.
   *
   * It is what `cdk synth` wrote; a relative path is resolved against the current directory.
   *
   * @default 'cdk.out'
   */
  readonly assemblyDir?: string;
  /**
   * The function to run.
   *
   * Its construct path (e.g. `MyStack/Api`), or its logical id (optionally `Stack/LogicalId`). None or several
   * matching fails with `FUNCTION_NOT_FOUND`, listing the candidates.
   */
  readonly function: string;
  /**
   * The event.
   *
   * It is serialized as JSON; an event over 6 MB is refused with `INVALID_EVENT` before anything runs.
   *
   * @default {}
   */
  readonly event?: unknown;
  /**
   * The event as JSON text.
   *
   * It wins over `event`. Text that is not JSON is refused with `INVALID_EVENT` before anything runs.
   *
   * @default - `event`, serialized as JSON
   */
  readonly eventJson?: string;
}

/**
 * A {@link LocalFunction} for a function of a cloud assembly, with its memory, timeout, architecture,
 * environment, logging config and (on Lambda Managed Instances) concurrency from the template. Environment variables
 * whose values only exist once deployed (`Ref`, `Fn::GetAtt`, ...) are left out with a warning on stderr;
 * `environment` can give them.
 */
export function localFunctionFromAssembly(
  assemblyDir: string,
  selector: string,
  overrides: Partial<Omit<LocalFunctionOptions, 'code'>> = {},
): { fn: LocalFunction; definition: AssemblyFunction } {
  const definition = findAssemblyFunction(assemblyDir, selector);
  const name = definition.constructPath ?? `${definition.stackName}/${definition.logicalId}`;
  if (!definition.codeDirectory && !definition.image) {
    throw new CdkRustError(
      'ASSET_NOT_FOUND',
      `${name} has no code asset in the cloud assembly: ${definition.codeProblem}.`,
      "run functions whose code is an asset directory of the cloud assembly holding a bootstrap (as a RustFunction's is), or a cdk-rust image (packaging: IMAGE); synthesize the app again (`cdk synth`) if the assembly points elsewhere.",
    );
  }
  if (definition.runtime && !definition.runtime.startsWith('provided')) {
    throw new CdkRustError(
      'INVOKE_FAILED',
      `${name} runs on ${definition.runtime}; only OS-only runtimes (provided.al2023, provided.al2) run a bootstrap.`,
      'pick a RustFunction (or another provided.* function).',
    );
  }
  for (const variable of definition.unresolvedVariables) {
    if (overrides.environment?.[variable] === undefined) {
      warn(
        `environment variable ${variable} of ${name} is left out: its value is a CloudFormation expression that only resolves when deployed (give it a value with --env ${variable}=... or the environment option)`,
      );
    }
  }
  const fn = new LocalFunction({
    ...(definition.image
      ? { code: name, image: { loadCommand: definition.image.loadCommand, assemblyDir: definition.image.assemblyDir } }
      : { code: assemblyBootstrap(assemblyDir, definition.codeDirectory!, name) }),
    ...assemblySettings(definition),
    ...definedOnly(overrides),
    environment: { ...definition.environment, ...overrides.environment },
  });
  return { fn, definition };
}

/** The settings of a function of a cloud assembly that its local process runs with, as its template gives them. */
export function assemblySettings(definition: AssemblyFunction): Omit<LocalFunctionOptions, 'code'> {
  return {
    functionName: definition.functionName,
    memorySize: definition.memorySize,
    timeoutSeconds: definition.timeoutSeconds,
    architecture: definition.architecture,
    handler: definition.handler,
    logFormat: definition.logFormat,
    applicationLogLevel: definition.applicationLogLevel,
    region: definition.region,
    accountId: definition.account,
    environment: definition.environment,
    concurrency: definition.concurrency,
  };
}

/**
 * Runs a function of a cloud assembly once, locally, with the same `bootstrap` that Lambda runs, and
 * returns its result: for tests of your own, e.g.
 * `expect(await invokeLocally({ function: 'MyStack/Api', event: { name: 'Ferris' } })).toMatchObject({ ok: true })`.
 */
export async function invokeLocally(options: InvokeLocallyOptions): Promise<InvokeResult> {
  const { assemblyDir, function: selector, event, eventJson, ...overrides } = options;
  const json = eventJson ?? JSON.stringify(event ?? {});
  parseEvent(json);
  const { fn } = localFunctionFromAssembly(path.resolve(assemblyDir ?? 'cdk.out'), selector, overrides);
  try {
    return await fn.invokeJson(json);
  } finally {
    await fn.close();
  }
}

/**
 * {@link invokeLocally}, with the response handed over as it arrives: chunk by chunk for a function that streams it
 * (see {@link InvocationStream}), e.g. `const { body, result } = invokeLocallyStream({ function: 'MyStack/Stream' });
 * for await (const chunk of body) process.stdout.write(chunk); await result;`. The function's process is stopped once
 * the invocation is over.
 */
export function invokeLocallyStream(options: InvokeLocallyOptions): InvocationStream {
  const { assemblyDir, function: selector, event, eventJson, ...overrides } = options;
  const json = eventJson ?? JSON.stringify(event ?? {});
  parseEvent(json);
  const { fn } = localFunctionFromAssembly(path.resolve(assemblyDir ?? 'cdk.out'), selector, overrides);
  let invocation: InvocationStream;
  try {
    invocation = fn.invokeJsonStream(json);
  } catch (error) {
    void fn.close();
    throw error;
  }
  return { body: invocation.body, head: invocation.head, result: invocation.result.finally(() => fn.close()) };
}

/**
 * The real path of the function's `bootstrap`, which must be a file inside the assembly (or be missing, which
 * {@link LocalFunction} reports): a symlink to a binary elsewhere is refused, as it would run code from outside.
 */
function assemblyBootstrap(assemblyDir: string, codeDirectory: string, name: string): string {
  const root = fs.realpathSync(assemblyDir);
  const declared = path.join(codeDirectory, 'bootstrap');
  const bootstrap = realPathInside(root, declared);
  const fix =
    'synthesize the app again (`cdk synth`) and invoke the assembly it writes: cdk-rust only runs a bootstrap that is a file inside the cloud assembly, so do not run an assembly you did not synthesize.';
  if (bootstrap === undefined) {
    throw new CdkRustError(
      'ASSET_NOT_FOUND',
      `the bootstrap of ${name}, ${declared}, resolves to a path outside the cloud assembly ${root} (or to a broken symlink).`,
      fix,
    );
  }
  if (fs.existsSync(bootstrap) && !fs.statSync(bootstrap).isFile()) {
    throw new CdkRustError('ASSET_NOT_FOUND', `the bootstrap of ${name}, ${declared}, is not a file.`, fix);
  }
  return bootstrap;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
