/**
 * A fake Lambda runtime for LocalFunction tests without a Rust build: a Node.js script behind a `bootstrap` that
 * polls the Runtime API as `lambda_runtime` does. With `FAKE_MODE=concurrent` it runs one poll loop per
 * `AWS_LAMBDA_MAX_CONCURRENCY` (as `run_concurrent` does); otherwise one (as `run` does). Its handler sleeps the
 * event's `sleepMs` (else `FAKE_SLEEP_MS`, else 0), prints `started <id>` and `ended <id>`, and answers
 * `{ pid, startedMs, endedMs, maxConcurrency }`. Each start of the process appends its pid to `STARTS_FILE` when set.
 */
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../support';

const SCRIPT = `
const http = require('http');
const fs = require('fs');
const api = process.env.AWS_LAMBDA_RUNTIME_API;
if (process.env.STARTS_FILE) fs.appendFileSync(process.env.STARTS_FILE, process.pid + '\\n');
const agent = new http.Agent({ keepAlive: false });
function call(method, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request('http://' + api + '/2018-06-01/runtime' + path, { method, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
async function worker() {
  for (;;) {
    const next = await call('GET', '/invocation/next');
    if (next.status !== 200) throw new Error('/next answered ' + next.status + ': ' + next.body);
    const id = next.headers['lambda-runtime-aws-request-id'];
    const event = JSON.parse(next.body);
    const startedMs = Date.now();
    console.log('started ' + id);
    await new Promise((resolve) => setTimeout(resolve, event.sleepMs ?? Number(process.env.FAKE_SLEEP_MS || 0)));
    const endedMs = Date.now();
    console.log('ended ' + id);
    const answer = { pid: process.pid, startedMs, endedMs, maxConcurrency: process.env.AWS_LAMBDA_MAX_CONCURRENCY ?? null };
    await call('POST', '/invocation/' + id + '/response', JSON.stringify(answer));
  }
}
const workers = process.env.FAKE_MODE === 'concurrent' ? Number(process.env.AWS_LAMBDA_MAX_CONCURRENCY || 1) : 1;
for (let i = 0; i < workers; i++) worker().catch((e) => { console.error(e.message); process.exit(1); });
`;

/** A directory holding the fake runtime's `bootstrap` (a shell script running this Node.js on the script). */
export function fakeRuntime(): string {
  const dir = tempDir('fake-runtime');
  fs.writeFileSync(path.join(dir, 'runtime.js'), SCRIPT);
  fs.writeFileSync(path.join(dir, 'bootstrap'), `#!/bin/sh\nexec '${process.execPath}' '${path.join(dir, 'runtime.js')}'\n`, {
    mode: 0o755,
  });
  return dir;
}

/** What the fake runtime answers. */
export interface FakeAnswer {
  readonly pid: number;
  readonly startedMs: number;
  readonly endedMs: number;
  readonly maxConcurrency: string | null;
}
