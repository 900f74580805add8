/**
 * A fake `docker` client for unit tests of the steps around a build: BuildKit built in, and builds that export
 * `bootstrap` (or nothing), so that everything but the compile runs for real without a daemon.
 */
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../support';

/**
 * A `docker` client with BuildKit built in whose builds export `bootstrap` (or nothing, with `exportBinary` false),
 * so that the steps around the build run for real without a daemon.
 */
export function fakeDocker(exportBinary = true): string {
  const command = path.join(tempDir('fake-docker'), 'docker');
  const script = [
    '#!/bin/sh',
    'case "$1" in version) echo 20.10.24; exit 0 ;; buildx) exit 1 ;; esac',
    'case "$*" in *--help*) echo "--ssh --output"; exit 0 ;; esac',
    'out=',
    'while [ $# -gt 0 ]; do case "$1" in --output) out=${2#type=local,dest=}; shift ;; esac; shift; done',
    '[ -n "$out" ] || exit 0',
    exportBinary ? 'printf bin > "$out/bootstrap"' : ':',
    '',
  ];
  fs.writeFileSync(command, script.join('\n'), { mode: 0o755 });
  return command;
}

/** Runs `fn` with CDK_DOCKER set to a fake client. */
export function withFakeDocker<T>(fn: () => T, exportBinary = true): T {
  const saved = process.env.CDK_DOCKER;
  process.env.CDK_DOCKER = fakeDocker(exportBinary);
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.CDK_DOCKER;
    else process.env.CDK_DOCKER = saved;
  }
}
