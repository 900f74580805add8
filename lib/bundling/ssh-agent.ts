/**
 * The SSH agent a build forwards to its fetch step (Docker) or gives to `cargo fetch` (host): checked
 * before anything runs, so a missing, dead or empty agent is a clear error instead of a failed fetch.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { CdkRustError } from '../errors';
import { BuildPlan } from './plan';

/**
 * Checks that the SSH agent can be used: the socket is set, alive, and holds at least one key.
 * Returns the socket path.
 */
export function checkSshAgent(plan: BuildPlan): string {
  const socket = plan.ssh.agentSocket ?? process.env.SSH_AUTH_SOCK;
  const hosts = plan.ssh.sources.map((s) => s.url).join(', ') || 'the private git dependencies';
  if (socket?.includes(',')) {
    throw new CdkRustError(
      'SSH_AGENT_MISSING',
      `the SSH agent socket path ${socket} contains a comma, which docker build --ssh cannot pass.`,
      'start the agent on a path without commas (ssh-agent -a /tmp/agent.sock) or set bundling.sshAgentSocket to one.',
    );
  }
  if (!socket) {
    throw new CdkRustError(
      'SSH_AGENT_MISSING',
      `no SSH agent to forward: SSH_AUTH_SOCK is not set, and the build fetches ${hosts} over SSH.`,
      'start an agent and add your key (eval "$(ssh-agent)" && ssh-add), or set bundling.sshAgentSocket.',
    );
  }
  let isSocket: boolean;
  try {
    isSocket = fs.statSync(socket).isSocket();
  } catch {
    isSocket = false;
  }
  const listed = isSocket ? spawnSync('ssh-add', ['-l'], { encoding: 'utf-8', env: { ...process.env, SSH_AUTH_SOCK: socket } }) : undefined;
  const listError = listed?.error as NodeJS.ErrnoException | undefined;
  if (!isSocket || (listed && !listError && listed.status === 2)) {
    throw new CdkRustError(
      'SSH_AGENT_MISSING',
      `the SSH agent socket ${socket} is dead (no agent answers there), and the build fetches ${hosts} over SSH.`,
      'start an agent and add your key (eval "$(ssh-agent)" && ssh-add), then synth again in that shell.',
    );
  }
  if (listed && !listError && listed.status === 1) {
    throw new CdkRustError(
      'SSH_AGENT_MISSING',
      `the SSH agent at ${socket} holds no keys, and the build fetches ${hosts} over SSH.`,
      'add the key that can read those repositories: ssh-add ~/.ssh/<key>.',
    );
  }
  return socket;
}
