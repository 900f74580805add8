/**
 * The command that runs a build child of `cdk-rust watch`: the `cdk-rust` command line itself, with its
 * hidden `__watch-build` command (see build-runner). Kept apart from the runner, which loads aws-cdk-lib,
 * so that the command line can name it without loading anything.
 */

/** The command that starts a build child, before its job arrives on stdin. */
export interface BuildCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** The hidden command of the CLI that runs one build job. */
export const BUILD_CHILD_COMMAND = '__watch-build';

/**
 * The command that runs build children with this very CLI: this Node, its flags and its script, then the hidden
 * command `child` (a function build's unless given).
 */
export function selfBuildCommand(child: string = BUILD_CHILD_COMMAND): BuildCommand {
  return { command: process.execPath, args: [...process.execArgv, process.argv[1], child] };
}
