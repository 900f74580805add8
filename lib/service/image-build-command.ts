/**
 * The command that runs an image build child of `cdk-rust run --watch`: the `cdk-rust` command line itself, with its
 * hidden `__watch-image-build` command (image-build-child.ts). Kept apart from the child, which loads aws-cdk-lib, so
 * that the command line can name it without loading anything.
 */
import { BuildCommand, selfBuildCommand } from '../watch/build-command';

/** The hidden command of the CLI that builds one service image. */
export const IMAGE_BUILD_CHILD_COMMAND = '__watch-image-build';

/** The command that runs image build children with this very CLI: this Node, its flags and its script. */
export function selfImageBuildCommand(): BuildCommand {
  return selfBuildCommand(IMAGE_BUILD_CHILD_COMMAND);
}
