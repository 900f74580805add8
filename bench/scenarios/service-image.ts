/**
 * Scenario 13: the example service's container image, ours against the way teams build one, side by side:
 *   ours: RustServiceImage's docker-archive (`new RustServiceImage(stack, 'Image', ...)` on a copy of examples/service,
 *         synthesized once), `docker load`ed;
 *   the reference: a multi-stage Dockerfile, `cargo build --release --locked` for the host's glibc target in the
 *         builder image, then the binary on a Debian slim runtime with a non-root user. debian:bookworm-slim cannot
 *         be pulled, so its stand-in is made once with debootstrap (minbase + ca-certificates, trimmed as Debian's
 *         slim images are) and kept as `cdk-rust-bench-bookworm-minbase:1`.
 * For each: the image size, the time from `docker run -d` to `/health` answering 200, and the RSS of the service
 * process once started and after 1,000 sequential requests, all measured by a Node script of its own (like scenario 9).
 */
import * as fs from 'fs';
import * as path from 'path';
import { childResult } from '../child-script';
import { Context, Scenario } from '../context';
import { buildReference, ensureMinbase } from '../reference-service-image';
import { BenchError, Row, median, probe, progress, run, tail, timed } from '../support';
import { Workbench } from '../workbench';

const TITLE = 'Service image of examples/service: RustServiceImage against a multi-stage build onto Debian slim';

/** The stated targets: ours at most a tenth of the reference's size, and at most 15 MB (10^6 bytes) of RSS. */
const SIZE_TARGET = 0.1;
const RSS_TARGET_BYTES = 15e6;
const REQUESTS = 1000;

/** `docker load`s our archive; the image is removed at cleanup unless it was there before. */
function loadOurs(wb: Workbench, docker: string, archive: string): string {
  const manifest = JSON.parse(run('tar', ['-xOf', archive, 'manifest.json'])) as Array<{ RepoTags?: string[] }>;
  const named = manifest[0]?.RepoTags?.[0];
  const existed = named !== undefined && probe(docker, ['image', 'inspect', '--format', '{{.Id}}', named]) !== undefined;
  const out = run(docker, ['load', '--input', archive]);
  const tag = /Loaded image: (\S+)/.exec(out)?.[1];
  if (!tag) throw new BenchError(`docker load printed no image name: ${out}`);
  if (!existed) wb.removeAtCleanup(tag);
  return tag;
}

/** The size of `member` inside the one layer of a docker-archive (the binary), from `tar -tv`. */
function sizeInArchive(archive: string, member: string): number | undefined {
  const listing = probe('bash', [
    '-o',
    'pipefail',
    '-c',
    'tar -xOf "$1" --wildcards "*/layer.tar" | tar -tvf - "$2"',
    'list',
    archive,
    member,
  ]);
  const size = listing?.split(/\s+/)[2];
  return size ? Number(size) : undefined;
}

/** The measuring script: rounds of start, RSS, 1,000 requests, RSS; one container at a time. */
const MEASURE_SCRIPT = `'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf-8'));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;

function docker(args) {
  return new Promise((resolve) => {
    const p = spawn(config.docker, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', (e) => resolve({ code: -1, out: String(e) }));
    p.on('close', (code) => resolve({ code, out: out.trim() }));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** One GET: its status code, 0 when it failed. */
function get(port, urlPath, agent) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
  });
}

function vmRss(pid) {
  const match = /^VmRSS:\\s+(\\d+) kB$/m.exec(fs.readFileSync('/proc/' + pid + '/status', 'utf-8'));
  if (!match) throw new Error('no VmRSS for pid ' + pid);
  return Number(match[1]) * 1024;
}

async function once(image, name, withStats) {
  const port = await freePort();
  const t0 = process.hrtime.bigint();
  let dockerRunMs;
  const started = docker(['run', '-d', '--network', 'host', '--name', name, '-e', 'PORT=' + port, image.tag]).then((r) => {
    dockerRunMs = ms(t0);
    return r;
  });
  let ready;
  try {
    for (;;) {
      if ((await get(port, '/health', false)) === 200) {
        ready = ms(t0);
        break;
      }
      if (dockerRunMs !== undefined) {
        const r = await started;
        if (r.code !== 0) throw new Error('docker run failed: ' + r.out);
      }
      if (ms(t0) > 60000) throw new Error('/health did not answer 200 within 60 s');
      await sleep(5);
    }
    const r = await started;
    if (r.code !== 0) throw new Error('docker run failed: ' + r.out);
    const pid = Number((await docker(['inspect', '--format', '{{.State.Pid}}', name])).out);
    const comm = fs.readFileSync('/proc/' + pid + '/comm', 'utf-8').trim();
    await sleep(1000);
    const rssStart = vmRss(pid);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const t1 = process.hrtime.bigint();
    for (let i = 0; i < config.requests; i++) {
      const code = await get(port, '/hello/x', agent);
      if (code !== 200) throw new Error('GET /hello/x answered ' + code + ' (request ' + (i + 1) + ')');
    }
    const requestsMs = ms(t1);
    agent.destroy();
    await sleep(1000);
    const rssAfter = vmRss(pid);
    const stats = withStats ? (await docker(['stats', '--no-stream', '--format', '{{.MemUsage}}', name])).out : undefined;
    return { startMs: ready, dockerRunMs, rssStart, rssAfter, requestsMs, comm, stats };
  } finally {
    await started;
    await docker(['rm', '--force', name]);
  }
}

(async () => {
  const out = {};
  for (const image of config.images) out[image.key] = [];
  let n = 0;
  for (let round = 0; round < config.rounds; round++) {
    const order = config.images.map((_, k) => config.images[(k + round) % config.images.length]);
    for (const image of order) {
      out[image.key].push(await once(image, config.prefix + (++n), round < 2));
    }
  }
  process.stdout.write('BENCH-RESULT ' + JSON.stringify(out) + '\\n');
})().catch((e) => {
  console.error((e && e.stack) || e);
  process.exit(1);
});
`;

/** What the script measured in one run of one image. */
interface RunResult {
  readonly startMs: number;
  readonly dockerRunMs: number;
  readonly rssStart: number;
  readonly rssAfter: number;
  readonly requestsMs: number;
  readonly comm: string;
  readonly stats?: string;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

export const serviceImage: Scenario = {
  id: '13',
  name: 'service-image',
  title: TITLE,
  needsDevEnv: true,
  run(ctx: Context) {
    const { workbench: wb } = ctx;
    const { docker, image: builder } = ctx.dev!;
    const rounds = ctx.options.quick ? 5 : 10;
    const ours = wb.service.ensureImage();
    const base = ensureMinbase(ctx, docker);
    const reference = buildReference(ctx, wb, docker, builder);

    const oursTag = loadOurs(wb, docker, ours.archive);

    const size = (tag: string) => Number(run(docker, ['image', 'inspect', '--format', '{{.Size}}', tag]));
    const sizes = { ours: size(oursTag), reference: size(reference.tag), archive: fs.statSync(ours.archive).size };
    const oursBinary = sizeInArchive(ours.archive, 'app/service');
    const refBinaryText = probe(docker, [
      'run',
      '--rm',
      '--network',
      'none',
      '--name',
      `${wb.containerPrefix()}stat`,
      '--entrypoint',
      'stat',
      reference.tag,
      '-c',
      '%s',
      '/usr/local/bin/service',
    ]);
    const refBinary = refBinaryText ? Number(refBinaryText) : undefined;
    // What a registry stores and a task pulls: the layers gzip-compressed (here all of `docker save`, gzip -6).
    const gzipped = (tag: string) => Number(run('bash', ['-o', 'pipefail', '-c', '"$1" save "$2" | gzip -6 | wc -c', 'gz', docker, tag]));
    const compressed = { ours: gzipped(oursTag), reference: gzipped(reference.tag) };
    const linkage = probe(docker, ['run', '--rm', '--network', 'none', '--entrypoint', 'ldd', reference.tag, '/usr/local/bin/service']);

    const OURS = 'ours (RustServiceImage)';
    const REF = 'reference (Debian slim)';
    const configFile = path.join(ctx.work, 's13-measure.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        docker,
        rounds,
        requests: REQUESTS,
        prefix: wb.containerPrefix(),
        images: [
          { key: 'ours', tag: oursTag },
          { key: 'reference', tag: reference.tag },
        ],
      }),
    );
    const script = path.join(ctx.work, 's13-measure.js');
    fs.writeFileSync(script, MEASURE_SCRIPT);
    progress(`s13: ${rounds} rounds of start, idle RSS, ${REQUESTS} requests, idle RSS (ours and the reference, in turn)`);
    const t = timed('s13-measure', process.execPath, [script, configFile], { allowFailure: true, timeoutSeconds: 1800 });
    const out = childResult<Record<'ours' | 'reference', RunResult[]>>(t);
    if (!out) throw new BenchError(`the measuring script failed (log: ${t.logFile}):\n${tail(t.log, 15)}`);
    ctx.results.raw['13'] = {
      sizes,
      compressed,
      oursBinary,
      refBinary,
      images: { ours: oursTag, reference: reference.tag, base },
      runs: out,
    };

    const of = (key: 'ours' | 'reference', pick: (r: RunResult) => number) => out[key].map(pick);
    const pair = (what: string, unit: Row['unit'], pick: (r: RunResult) => number, extra: Partial<Row> = {}): Row[] => [
      { variant: `${what}: ${REF}`, unit, samples: of('reference', pick) },
      { variant: `${what}: ${OURS}`, unit, samples: of('ours', pick), ref: `${what}: ${REF}`, ...extra },
    ];
    const rows: Row[] = [
      { variant: `image size: ${REF}`, unit: 'MB', samples: [sizes.reference] },
      { variant: `image size: ${OURS}`, unit: 'MB', samples: [sizes.ours], ref: `image size: ${REF}`, targetMax: SIZE_TARGET },
      ...pair('docker run -d -> /health 200', 'ms', (r) => r.startMs / 1000),
      ...pair('RSS once started', 'MB', (r) => r.rssStart, { limitMax: RSS_TARGET_BYTES }),
      ...pair(`RSS after ${REQUESTS} requests`, 'MB', (r) => r.rssAfter, { limitMax: RSS_TARGET_BYTES }),
      ...pair(`${REQUESTS} sequential GET /hello/x`, 'ms', (r) => r.requestsMs / 1000),
    ];
    const verdict = (r: Row) => (median(r.samples) <= RSS_TARGET_BYTES ? 'met' : 'MISSED');
    const rssRows = rows.filter((r) => r.limitMax !== undefined);
    const stats = (key: 'ours' | 'reference') =>
      out[key]
        .map((r) => r.stats?.split(' / ')[0])
        .filter(Boolean)
        .join(', ');
    const medianOf = (key: 'ours' | 'reference', pick: (r: RunResult) => number) => median(of(key, pick)).toFixed(0);
    const notes = [
      `ours: ${oursTag}, the static musl binary (${oursBinary ?? '?'} bytes), the CA bundle, /etc/passwd and /etc/group, /tmp; user 65532; ` +
        `its docker-archive ${sizes.archive} bytes`,
      `reference: ${base}; + the binary, glibc and dynamic (${linkage ? linkage.split('\n').length : '?'} ldd lines; ${refBinary ?? '?'} bytes), built ` +
        'by `cargo build --release --locked --target x86_64-unknown-linux-gnu` in the builder image (std from source there, as ours); user app (10001)',
      `image size = docker image inspect .Size: ours ${sizes.ours} bytes, reference ${sizes.reference} bytes; gzip-compressed (\`docker save | gzip -6\`, ` +
        `about what a registry stores and a task pulls): ours ${mb(compressed.ours)}, reference ${mb(compressed.reference)} (${(compressed.ours / compressed.reference).toFixed(3)}x)`,
      'start = spawning `docker run -d --network host -e PORT=<free port>` to the first 200 from /health (polled every 5 ms, a new connection each); ' +
        `\`docker run -d\` itself returned after (median) ours ${medianOf('ours', (r) => r.dockerRunMs)} ms, reference ${medianOf('reference', (r) => r.dockerRunMs)} ms`,
      `RSS = VmRSS of /proc/<docker inspect .State.Pid>/status: the service process itself, PID 1 of its container ` +
        `(${[...new Set([...out.ours, ...out.reference].map((r) => r.comm))].join(', ')}), read 1 s after /health first answered, ` +
        `and again 1 s after ${REQUESTS} sequential GET /hello/x on one keep-alive connection`,
      `docker stats MemUsage after the requests (rounds 1-2): ours ${stats('ours') || '-'}; reference ${stats('reference') || '-'} ` +
        "(cgroup v1 usage minus page cache: it leaves out the file-backed pages VmRSS counts, the binary's and the shared libraries' text)",
      `RSS target, ours <= 15 MB (10^6 bytes; absolute, so not in the Targets list below): ${rssRows
        .filter((r) => r.ref)
        .map((r) => `${r.variant.replace(`: ${OURS}`, '')} ${(median(r.samples) / 1e6).toFixed(2)} MB, ${verdict(r)}`)
        .join('; ')}`,
      `first builds (untimed): ours ${ours.seconds.toFixed(0)} s (the first synth of the RustServiceImage app), ` +
        `reference ${reference.seconds.toFixed(0)} s (docker build; BuildKit may still have had its layers)`,
      'rounds alternate the order (ours first, then the reference first, ...); one container at a time, removed after its round',
    ];
    return { id: '13', title: TITLE, notes, rows };
  },
};
