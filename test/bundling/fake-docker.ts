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

/** A fake client that records its builds (see {@link recordingDocker}). */
export interface RecordingDocker {
  /** The client, for CDK_DOCKER. */
  readonly command: string;
  /** The `--bin`s of every compile build so far, one entry per build, in order. */
  compiles(): string[][];
}

/**
 * A fake `docker` client (BuildKit built in) that exports, for each compile build, what its Dockerfile asks: for a
 * group build (`bins/`), `bins/<name>` holding `binary of <name>` for every `--bin`; else `bootstrap` holding the
 * same for its one bin. It records the bins of every compile build.
 */
export function recordingDocker(): RecordingDocker {
  const dir = tempDir('recording-docker');
  const record = path.join(dir, 'compiles.jsonl');
  const command = path.join(dir, 'docker');
  const script = `#!/usr/bin/env node
const fs = require('fs'), path = require('path');
const args = process.argv.slice(2);
if (args[0] === 'version') { console.log('20.10.24'); process.exit(0); }
if (args[0] === 'buildx') process.exit(1);
if (args.includes('--help')) { console.log('--ssh --output'); process.exit(0); }
const out = args[args.indexOf('--output') + 1];
if (!args.includes('--output') || !out.startsWith('type=local,dest=')) process.exit(0);
const dest = out.slice('type=local,dest='.length);
const dockerfile = fs.readFileSync(args[args.indexOf('--file') + 1], 'utf-8');
const cargo = dockerfile.split('\\n').find((l) => l.includes('cargo build')) || '';
const bins = [...cargo.matchAll(/--bin ([A-Za-z0-9_-]+)/g)].map((m) => m[1]);
fs.appendFileSync(${JSON.stringify(record)}, JSON.stringify(bins) + '\\n');
if (dockerfile.includes('/out/bins/')) {
  fs.mkdirSync(path.join(dest, 'bins'));
  for (const bin of bins) fs.writeFileSync(path.join(dest, 'bins', bin), 'binary of ' + bin);
} else {
  fs.writeFileSync(path.join(dest, 'bootstrap'), 'binary of ' + bins[0]);
}
`;
  fs.writeFileSync(command, script, { mode: 0o755 });
  return {
    command,
    compiles: () =>
      fs.existsSync(record)
        ? fs
            .readFileSync(record, 'utf-8')
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as string[])
        : [],
  };
}
