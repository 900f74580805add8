/**
 * A function image's warm process: a container run as Lambda runs one, on the host network, with its environment in
 * a private file (never on the command line), removed with `docker rm -f` when the process is stopped. A fake Docker
 * client records what it is asked: no Docker needed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ImageProcesses, imageRunArgs } from '../../lib/invoke/image-process';
import { killLocalProcess } from '../../lib/invoke/local-process';
import { CONFINED_CONTAINER } from '../../lib/service/docker-run-args';
import { tempDir } from '../support';

/** A Docker client that logs what it is asked; `run` records the env file's mode and content, then waits. */
function fakeDocker(): { docker: string; log: string } {
  const dir = tempDir('fake-docker');
  const log = path.join(dir, 'log');
  const docker = path.join(dir, 'docker');
  fs.writeFileSync(
    docker,
    [
      '#!/bin/bash',
      `LOG=${log}; DIR=${dir}`,
      'echo "argv: $*" >> "$LOG"',
      'case "$1" in',
      '  run) while [ $# -gt 0 ]; do case "$1" in --env-file) f=$2;; --name) n=$2;; esac; shift; done',
      // One write, so that the polls' lines cannot land between the mode and the content.
      '       printf \'mode: %s\\n%s\\n\' "$(stat -c %a "$f")" "$(cat "$f")" >> "$LOG"; echo $$ > "$DIR/$n.pid"; echo "init"; exec sleep 30;;',
      '  inspect) test -f "$DIR/${@: -1}.pid";;',
      '  rm) kill "$(cat "$DIR/$3.pid")"; echo "removed $3" >> "$LOG";;',
      'esac',
    ].join('\n'),
    { mode: 0o755 },
  );
  return { docker, log };
}

describe('image-process: a function image runs as a container that Lambda would run, and goes when stopped', () => {
  test('docker run: host network, confined as a service container is, env from a file, the image last', () => {
    expect(imageRunArgs('c1', 'cdk-rust/api:1', '/tmp/x/env')).toEqual([
      'run',
      '--rm',
      '--name',
      'c1',
      '--network',
      'host',
      ...CONFINED_CONTAINER,
      '--env-file',
      '/tmp/x/env',
      'cdk-rust/api:1',
    ]);
  });

  test('confined: a read-only root with a writable /tmp, no capabilities, no privilege gain', () => {
    const args = imageRunArgs('c1', 'cdk-rust/api:1', '/tmp/x/env');
    const pairs = args.slice(1).map((arg, i) => `${args[i]} ${arg}`);
    expect(args).toContain('--read-only');
    expect(pairs).toEqual(expect.arrayContaining(['--tmpfs /tmp', '--cap-drop ALL', '--security-opt no-new-privileges']));
    expect(args).not.toContain('--privileged');
  });

  test('the image is loaded once with its load command; variables go through a 0600 file, gone once the container exists; stop removes it', async () => {
    const { docker, log } = fakeDocker();
    const loads = path.join(tempDir('loads'), 'count');
    const loadCommand = ['sh', '-c', `echo load >> ${loads}; echo cdk-rust/api:1`];
    const images = new ImageProcesses({ loadCommand, assemblyDir: tempDir('assembly'), docker }, 'Svc/Api');
    expect(await images.command()).toEqual({ command: docker, args: ['cdk-rust/api:1'] });
    await images.command();
    expect(fs.readFileSync(loads, 'utf-8')).toBe('load\n');
    let output = '';
    const proc = images.spawn('cdk-rust/api:1', { API_KEY: 'sk-very-secret' }, { streamLogs: false, onOutput: (text) => (output += text) });
    expect(proc.child.spawnargs.join(' ')).not.toContain('sk-very-secret');
    const envFile = proc.child.spawnargs[proc.child.spawnargs.indexOf('--env-file') + 1];
    const deadline = Date.now() + 10_000;
    while (fs.existsSync(envFile) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fs.existsSync(envFile)).toBe(false);
    expect(fs.readFileSync(log, 'utf-8')).toContain('mode: 600\nAPI_KEY=sk-very-secret\n');
    await killLocalProcess(proc);
    expect(proc.exited).toBe(true);
    expect(fs.readFileSync(log, 'utf-8')).toMatch(/removed cdk-rust-invoke-[0-9a-f]{8}/);
    expect(output).toContain('init');
  });
});
