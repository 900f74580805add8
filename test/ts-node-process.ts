/**
 * How tests run a TypeScript entry point of this repository in a process of its own, as a user would run it: the
 * cdk-rust command (bin/cdk-rust.ts), or a fixture script, through node with ts-node, from the repository's root.
 */
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

/** A process to start with `spawn` or `spawnSync`: `spawn(p.command, p.args, { ...p.options, ...yours })`. */
export interface TsNodeProcess {
  readonly command: string;
  readonly args: string[];
  readonly options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv };
}

/** `script` (a path) with `args`, and `env` over this process's environment. */
export function tsNodeProcess(script: string, args: string[], env: NodeJS.ProcessEnv = {}): TsNodeProcess {
  return {
    command: process.execPath,
    args: ['-r', 'ts-node/register/transpile-only', script, ...args],
    options: { cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'), ...env } },
  };
}

/** `cdk-rust <args>`, from the sources. */
export function cdkRustProcess(args: string[], env: NodeJS.ProcessEnv = {}): TsNodeProcess {
  return tsNodeProcess(path.join(ROOT, 'bin', 'cdk-rust.ts'), args, env);
}
