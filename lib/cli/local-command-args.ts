/**
 * The command lines of `cdk-rust invoke`, `run` and `watch`, which run what a cloud assembly holds on this
 * machine: each one's flags, parsed into the arguments its command takes. They share the flags that choose the
 * assembly and the environment; the rest is checked by the commands (lib/cli/invoke.ts, run.ts, watch.ts).
 */
import type { InvokeCommandArgs } from './invoke';
import type { LoopProfileArgs } from './loop-profile';
import { FlagValues, HELP, parseCommand } from './parse-command';
import type { RunCommandArgs } from './run';
import type { WatchCommandArgs } from './watch';

/** The flags every local command takes: the assembly, the environment, and help. */
const LOCAL_FLAGS = {
  app: { type: 'string' },
  env: { type: 'string', multiple: true },
  'aws-credentials': { type: 'boolean' },
  'aws-profile': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The flag of the commands that run functions: how their logs are printed. */
const FUNCTION_LOG_FLAGS = {
  'raw-logs': { type: 'boolean' },
} as const;

/** The flags of `cdk-rust invoke`. */
export const INVOKE_FLAGS = {
  ...LOCAL_FLAGS,
  ...FUNCTION_LOG_FLAGS,
  event: { type: 'string' },
  concurrency: { type: 'string' },
  invocations: { type: 'string' },
} as const;

/** The flags of the commands that rebuild on save: which profile the loop builds. */
const LOOP_FLAGS = {
  profile: { type: 'string' },
  release: { type: 'boolean' },
} as const;

/** The flags of `cdk-rust run`. */
export const RUN_FLAGS = { ...LOCAL_FLAGS, ...LOOP_FLAGS, timeout: { type: 'string' }, watch: { type: 'boolean' } } as const;

/** The flags of `cdk-rust watch`. */
export const WATCH_FLAGS = {
  ...LOCAL_FLAGS,
  ...LOOP_FLAGS,
  ...FUNCTION_LOG_FLAGS,
  port: { type: 'string' },
  concurrency: { type: 'string' },
} as const;

/** `cdk-rust invoke`'s arguments; {@link HELP} for `--help`. */
export function invokeArguments(args: readonly string[]): InvokeCommandArgs | typeof HELP {
  const { values, positionals } = parseCommand(args, INVOKE_FLAGS, true);
  return values.help
    ? HELP
    : {
        ...sharedArguments(values, positionals),
        event: values.event,
        concurrency: values.concurrency,
        invocations: values.invocations,
        rawLogs: values['raw-logs'],
      };
}

/** `cdk-rust run`'s arguments; {@link HELP} for `--help`. */
export function runArguments(args: readonly string[]): RunCommandArgs | typeof HELP {
  const { values, positionals } = parseCommand(args, RUN_FLAGS, true);
  return values.help
    ? HELP
    : { ...sharedArguments(values, positionals), ...loopArguments(values), timeout: values.timeout, watch: values.watch };
}

/** `cdk-rust watch`'s arguments; {@link HELP} for `--help`. */
export function watchCommandArguments(args: readonly string[]): WatchCommandArgs | typeof HELP {
  const { values, positionals } = parseCommand(args, WATCH_FLAGS, true);
  return values.help
    ? HELP
    : {
        ...sharedArguments(values, positionals),
        ...loopArguments(values),
        port: values.port,
        concurrency: values.concurrency,
        rawLogs: values['raw-logs'],
      };
}

/** What every local command takes: the functions or service named, and the flags of {@link LOCAL_FLAGS}. */
function sharedArguments(values: FlagValues<typeof LOCAL_FLAGS>, positionals: string[]) {
  return {
    positionals,
    app: values.app,
    env: values.env,
    awsCredentials: values['aws-credentials'],
    awsProfile: values['aws-profile'],
  };
}

/** The profile flags of {@link LOOP_FLAGS}, checked by loopProfile (lib/cli/loop-profile.ts). */
function loopArguments(values: FlagValues<typeof LOOP_FLAGS>): LoopProfileArgs {
  return { profile: values.profile, release: values.release };
}
