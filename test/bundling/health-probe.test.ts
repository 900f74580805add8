import * as fs from 'fs';
import * as path from 'path';
import { Bundling } from '../../lib/bundling/bundling';
import {
  HEALTH_PROBE_FILE,
  HEALTH_PROBE_MANIFEST,
  HEALTH_PROBE_SOURCE,
  healthProbeArguments,
  healthProbeCommands,
} from '../../lib/bundling/health-probe';
import { expectCdkRustError, fixture, tempDir } from '../support';

const TARGET = 'x86_64-unknown-linux-musl';

/** The files the stage's commands write, decoded from their `printf %s <base64> | base64 -d > FILE` lines. */
function writtenFiles(commands: string[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const command of commands) {
    const match = /^printf %s ([A-Za-z0-9+/=]+) \| base64 -d > (\S+)$/.exec(command);
    if (match) files[match[2]] = Buffer.from(match[1], 'base64').toString('utf-8');
  }
  return files;
}

describe('health probe: its stage builds the probe from cdk-rust’s own source, offline', () => {
  const commands = healthProbeCommands(TARGET);

  test('the stage writes exactly the probe’s manifest and source, base64-encoded (no heredoc on a 20.10 engine)', () => {
    expect(writtenFiles(commands)).toEqual({ 'Cargo.toml': HEALTH_PROBE_MANIFEST, 'src/main.rs': HEALTH_PROBE_SOURCE });
    expect(commands.join('\n')).not.toContain('<<');
  });

  test('cargo builds it offline for the plan’s target, with the std’s vendored crates when the toolchain ships them', () => {
    const build = commands.find((c) => c.startsWith('cargo build'));
    expect(build).toBe(`cargo build --offline --release --target ${TARGET} --target-dir /cdk-rust-health-probe/target "$@"`);
    expect(commands).toContain('vendor="$(rustc --print sysroot)/lib/rustlib/src/rust/library/vendor"');
    expect(commands.find((c) => c.startsWith('if [ -d "$vendor" ]'))).toContain('\'source.crates-io.replace-with="cdk-rust-std-vendor"\'');
    expect(commands.indexOf(commands.find((c) => c.startsWith('if [ -d'))!)).toBeLessThan(commands.indexOf(build!));
  });

  test('it leaves only the binary, 0755 at /out/healthcheck, and removes the project and its target directory', () => {
    expect(commands).toContain(`install -m 0755 /cdk-rust-health-probe/target/${TARGET}/release/healthcheck /out/${HEALTH_PROBE_FILE}`);
    expect(commands[commands.length - 1]).toBe('cd / && rm -rf /cdk-rust-health-probe');
  });

  test('an arm64 service gets a probe for its own target', () => {
    expect(healthProbeCommands('aarch64-unknown-linux-musl').join('\n')).toContain(
      '--target aarch64-unknown-linux-musl --target-dir /cdk-rust-health-probe/target',
    );
  });
});

describe('health probe: a small std-only program that ends before ECS gives up on it', () => {
  test('the manifest has no dependencies and builds for size: opt-level z, LTO, panic=abort, stripped', () => {
    expect(HEALTH_PROBE_MANIFEST).toContain('edition = "2021"');
    expect(HEALTH_PROBE_MANIFEST).not.toMatch(/^\[(?:build-|dev-)?dependencies\]/m);
    for (const setting of ['opt-level = "z"', 'lto = true', 'panic = "abort"', 'strip = true', 'codegen-units = 1']) {
      expect(HEALTH_PROBE_MANIFEST).toContain(setting);
    }
  });

  test('the source uses the std only and stays small', () => {
    const uses = HEALTH_PROBE_SOURCE.split('\n').filter((line) => /^use /.test(line));
    expect(uses.length).toBeGreaterThan(0);
    for (const use of uses) expect(use).toMatch(/^use std::/);
    expect(HEALTH_PROBE_SOURCE).not.toMatch(/extern crate|unsafe/);
    expect(HEALTH_PROBE_SOURCE.split('\n').length).toBeLessThanOrEqual(100);
  });

  test('the whole check is bounded by a deadline under ECS’s default 5 s timeout, the connect by a shorter one', () => {
    const seconds = (name: string) =>
      Number(new RegExp(`const ${name}: Duration = Duration::from_secs\\((\\d+)\\);`).exec(HEALTH_PROBE_SOURCE)?.[1]);
    expect(seconds('DEADLINE')).toBeLessThan(5);
    expect(seconds('CONNECT_TIMEOUT')).toBeLessThan(seconds('DEADLINE'));
    expect(HEALTH_PROBE_SOURCE).toContain('set_read_timeout(Some(left()?))');
    expect(HEALTH_PROBE_SOURCE).toContain('set_write_timeout(Some(left()?))');
  });

  test('it asks 127.0.0.1 with an HTTP/1.1 request that names itself and closes the connection', () => {
    expect(HEALTH_PROBE_SOURCE).toContain('Ipv4Addr::LOCALHOST');
    expect(HEALTH_PROBE_SOURCE).toContain(
      'GET {path} HTTP/1.1\\r\\nHost: localhost\\r\\nUser-Agent: cdk-rust-healthcheck\\r\\nAccept: */*\\r\\nConnection: close\\r\\n\\r\\n',
    );
    expect(HEALTH_PROBE_SOURCE).toContain('(200..400).contains(&status)');
  });
});

describe('health probe: its arguments are checked at synth time as the probe checks them', () => {
  test('a port and a path become the probe’s two arguments', () => {
    expect(healthProbeArguments(8080, '/health')).toEqual(['8080', '/health']);
    expect(healthProbeArguments(1, '/')).toEqual(['1', '/']);
    expect(healthProbeArguments(65535, '/ready?full=1')).toEqual(['65535', '/ready?full=1']);
  });

  test('a path without a leading slash, or with a space or line break, is refused naming the prop', () => {
    for (const bad of ['health', '/he alth', '/health\r\nX-Evil: 1', '', 'http://x/health']) {
      expectCdkRustError(() => healthProbeArguments(8080, bad), 'INVALID_PROP', 'healthCheckPath:', 'must start with "/"');
    }
    expectCdkRustError(() => healthProbeArguments(8080, 'x', 'healthCheck.path'), 'INVALID_PROP', 'healthCheck.path:');
  });

  test('a port outside 1-65535 is refused', () => {
    for (const bad of [0, 65536, -1, 80.5]) expectCdkRustError(() => healthProbeArguments(bad, '/'), 'INVALID_PROP', `port: ${bad}`);
  });
});

describe('health probe: it is part of a service build, and of its hash, only when asked', () => {
  const hashOf = (props: object) =>
    Bundling.prepare({ manifestPath: fixture('tiny-service'), builderImage: 'builder:1', ...props }, { resolveImage: false }).assetHash;

  test('a service asking for the probe has another hash; one not asking keeps the hash it had', () => {
    const without = hashOf({ containerImage: {} });
    expect(hashOf({ containerImage: { healthProbe: false } })).toBe(without);
    expect(hashOf({ containerImage: { healthProbe: true } })).not.toBe(without);
  });

  test('a Lambda build has no probe: it can be asked for by a container image only', () => {
    const plan = Bundling.prepare({ manifestPath: fixture('tiny-service') }, { resolveImage: false }).plan;
    expect('healthProbe' in plan).toBe(false);
  });
});

/**
 * A `docker` client with BuildKit built in whose builds export what a service build exports: bootstrap and the CA
 * bundle (0644, as a copy may leave them), plus `healthcheck` when its Dockerfile has the probe's stage and
 * `exportProbe` is set.
 */
function fakeDocker(exportProbe: boolean): string {
  const command = path.join(tempDir('fake-docker'), 'docker');
  const probe = exportProbe ? 'grep -q "AS health-probe" "$file" && printf probe > "$out/healthcheck"' : ':';
  const script = [
    '#!/bin/sh',
    'case "$1" in version) echo 20.10.24; exit 0 ;; buildx) exit 1 ;; esac',
    'case "$*" in *--help*) echo "--ssh --output"; exit 0 ;; esac',
    'out=; file=',
    'while [ $# -gt 0 ]; do case "$1" in --file) file=$2; shift ;; --output) out=${2#type=local,dest=}; shift ;; esac; shift; done',
    '[ -n "$out" ] || exit 0',
    'printf bin > "$out/bootstrap" && printf roots > "$out/ca-certificates.crt"',
    probe,
    '',
  ];
  fs.writeFileSync(command, script.join('\n'), { mode: 0o755 });
  return command;
}

describe('health probe: the build hands it over beside bootstrap, or fails saying it is missing', () => {
  /** Builds tiny-service with the probe through a fake client that exports the probe or not. */
  const build = (exportProbe: boolean) => {
    const outdir = path.join(tempDir('probe-out'), 'asset');
    const saved = process.env.CDK_DOCKER;
    process.env.CDK_DOCKER = fakeDocker(exportProbe);
    try {
      const prepared = Bundling.prepare(
        { manifestPath: fixture('tiny-service'), containerImage: { healthProbe: true }, builderImage: 'builder:1' },
        { resolveImage: false },
      );
      return { outdir, built: Bundling.build(prepared, outdir) };
    } finally {
      if (saved === undefined) delete process.env.CDK_DOCKER;
      else process.env.CDK_DOCKER = saved;
    }
  };

  test('the exported probe is moved beside bootstrap, made 0755, and returned as healthProbe', () => {
    const { outdir, built } = build(true);
    expect(built.healthProbe).toBe(path.join(outdir, 'healthcheck'));
    expect(fs.statSync(built.healthProbe!).mode & 0o777).toBe(0o755);
    expect(fs.readdirSync(outdir).sort()).toEqual(['bootstrap', 'ca-certificates.crt', 'healthcheck']);
  });

  test('a build that exports no probe fails with BUILD_FAILED naming it', () => {
    expectCdkRustError(() => build(false), 'BUILD_FAILED', 'produced no health probe (healthcheck beside bootstrap)', 'builder:1');
  });
});
