/**
 * The reference image of scenario 13: what a team writes for a Rust service on ECS, a multi-stage build onto Debian
 * slim, whose base (debian:bookworm-slim cannot be pulled) is a stand-in made once with debootstrap.
 */
import * as fs from 'fs';
import * as path from 'path';
import { detectDocker } from '../lib/bundling/docker';
import { Context } from './context';
import { BenchError, probe, progress, run, timed } from './support';
import { Workbench } from './workbench';

/** The cached stand-in for debian:bookworm-slim (never removed by the harness). */
export const MINBASE_IMAGE = 'cdk-rust-bench-bookworm-minbase:1';
const SUITE = 'bookworm';

/**
 * The reference: what a team writes for a Rust service on ECS. The build stage is the builder image (rustc and
 * cargo; its std for the musl targets is prebuilt, but the build names the host's glibc target explicitly, as a
 * team building for Debian slim would); the runtime stage is the Debian slim stand-in with a non-root user.
 */
const REFERENCE_DOCKERFILE = `# The reference service image: a multi-stage build onto Debian slim (see bench/scenarios/service-image.ts).
ARG BUILDER
ARG RUNTIME

FROM \${BUILDER} AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --target x86_64-unknown-linux-gnu \\
 && install -D -m 0755 target/x86_64-unknown-linux-gnu/release/service /out/service

FROM \${RUNTIME}
RUN useradd --system --user-group --uid 10001 --no-create-home --shell /usr/sbin/nologin app
COPY --from=build /out/service /usr/local/bin/service
USER app
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/service"]
`;

/** Debian's slim images drop these (debuerreotype's slimify: dpkg path-excludes), and the apt lists. */
const SLIMIFY = `set -e
cd "$1"
find usr/share/doc -mindepth 1 ! -type d ! -name copyright -delete
find usr/share/doc -mindepth 1 -depth -type d -empty -delete
rm -rf usr/share/groff/* usr/share/info/* usr/share/linda/* usr/share/lintian/overrides/* usr/share/locale/* usr/share/man/*
rm -rf var/lib/apt/lists/* var/cache/apt/*.bin var/cache/apt/archives/*.deb var/log/apt/* var/log/dpkg.log var/log/bootstrap.log
: > etc/resolv.conf
`;

/** The URI of the host's apt source for `suite` (deb822 `.sources`, then one-line `.list`), as scripts/dev-env.sh reads it. */
export function aptUriForSuite(suite: string): string | undefined {
  const dir = '/etc/apt/sources.list.d';
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
  for (const file of files.filter((f) => f.endsWith('.sources'))) {
    for (const stanza of fs.readFileSync(path.join(dir, file), 'utf-8').split(/\n\s*\n/)) {
      const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'mi').exec(stanza)?.[1].trim().split(/\s+/) ?? [];
      if (field('Enabled')[0] === 'no' || !field('Types').includes('deb')) continue;
      if (field('Suites').includes(suite) && field('URIs')[0]) return field('URIs')[0];
    }
  }
  const lists = ['/etc/apt/sources.list', ...files.filter((f) => f.endsWith('.list')).map((f) => path.join(dir, f))];
  for (const file of lists.filter((f) => fs.existsSync(f))) {
    for (const line of fs.readFileSync(file, 'utf-8').split('\n')) {
      const words = line
        .replace(/\[[^\]]*\]/, '')
        .trim()
        .split(/\s+/);
      if (words[0] === 'deb' && words[2] === suite) return words[1];
    }
  }
  return undefined;
}

/** The Debian slim stand-in, made once with debootstrap from the host's mirror (skipped when the image exists). */
export function ensureMinbase(ctx: Context, docker: string): string {
  if (probe(docker, ['image', 'inspect', '--format', '{{.Id}}', MINBASE_IMAGE])) return `${MINBASE_IMAGE} (cached)`;
  const mirror = aptUriForSuite(SUITE);
  if (!mirror) throw new BenchError(`no "${SUITE}" entry in the host's apt sources: cannot debootstrap the reference's base image`);
  const root = path.join(ctx.work, 'minbase-rootfs');
  progress(`s13: making ${MINBASE_IMAGE} (debootstrap --variant=minbase --include=ca-certificates ${SUITE}, from ${mirror}; once)`);
  try {
    const t = timed('s13-minbase-debootstrap', 'debootstrap', ['--variant=minbase', '--include=ca-certificates', SUITE, root, mirror], {
      timeoutSeconds: 1800,
    });
    timed('s13-minbase-slimify', 'bash', ['-c', SLIMIFY, 'slimify', root]);
    timed('s13-minbase-import', 'bash', [
      '-o',
      'pipefail',
      '-c',
      'tar --numeric-owner -C "$1" -c . | "$2" import --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" ' +
        '--change \'CMD ["bash"]\' --message "cdk-rust bench: debootstrap minbase bookworm + ca-certificates, slimmed" - "$3"',
      'import',
      root,
      docker,
      MINBASE_IMAGE,
    ]);
    return `${MINBASE_IMAGE} (made now: debootstrap ${t.seconds.toFixed(0)} s)`;
  } finally {
    // --one-file-system: never into a /proc or /sys that debootstrap might have left mounted.
    run('rm', ['-rf', '--one-file-system', root]);
  }
}

/** The reference image, built from a fresh copy of examples/service; removed at cleanup. */
export function buildReference(ctx: Context, wb: Workbench, docker: string, builder: string): { tag: string; seconds: number } {
  const tag = `cdk-rust-bench-reference-service:${process.pid}`;
  const dir = wb.service.fresh('reference-service');
  fs.writeFileSync(path.join(dir, 'Dockerfile'), REFERENCE_DOCKERFILE);
  fs.writeFileSync(path.join(dir, '.dockerignore'), 'target\nDockerfile\n.dockerignore\n');
  const client = detectDocker(docker);
  const args = client.mode === 'buildx' ? ['buildx', 'build', '--load'] : ['build'];
  args.push('--progress', 'plain', '--network', 'host', '--build-arg', `BUILDER=${builder}`, '--build-arg', `RUNTIME=${MINBASE_IMAGE}`);
  args.push('--tag', tag, dir);
  progress('s13: building the reference image (multi-stage Dockerfile; untimed, cold unless BuildKit has its layers)');
  wb.removeAtCleanup(tag);
  const t = timed('s13-reference-build', docker, args, { env: { ...ctx.env, DOCKER_BUILDKIT: '1' }, timeoutSeconds: 3600 });
  return { tag, seconds: t.seconds };
}
