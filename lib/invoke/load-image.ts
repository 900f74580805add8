/**
 * Loads a tarball image asset into the local Docker daemon with CDK's own publishing command (`sh -c "docker load -i
 * ..." ... <tarball>`, which names the Docker client the app was synthesized with, CDK_DOCKER or docker), run in the
 * assembly directory its tarball path is relative to, and reads back the loaded image's name, which it prints.
 */
import { execFile } from 'child_process';
import * as path from 'path';

/** The loaded image's name, or why loading failed. */
export type LoadedImage = { readonly image: string } | { readonly failure: string };

/** Runs `loadCommand` in `cwd`, for `tarball` instead of its own last argument when given. */
export async function loadTarballImage(loadCommand: readonly string[], cwd: string, tarball?: string): Promise<LoadedImage> {
  const [command, ...args] = loadCommand;
  // The command's last argument is the tarball it loads.
  const loaded = tarball === undefined ? args : [...args.slice(0, -1), path.resolve(tarball)];
  const result = await new Promise<{ status: number | null; stdout: string; stderr: string; error?: Error }>((resolve) => {
    execFile(command, loaded, { cwd, encoding: 'utf-8' }, (error, stdout, stderr) =>
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr, error: error ?? undefined }),
    );
  });
  const image = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status === 0 && image !== '') return { image };
  return { failure: (result.stderr || result.error?.message || '').trim() || `exit ${result.status}` };
}
