import { cacheIdsFor, renderDockerfile } from '../../lib/bundling/dockerfile';
import { expectCdkRustError, planOf } from '../support';

const KNOWN_HOST = '[127.0.0.1]:22222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBUEG8+F+xFfIyDYJWb43+PLqtA6kUu2BORCOGHhWhhx';
const IDS = { registry: 'reg', git: 'git', target: 'tgt' };

const plan = planOf;

describe('dockerfile: a fetch stage and an offline compile stage, rendered from the plan alone', () => {
  test('plain crate: fetch, offline compile with cache mounts, scratch export', () => {
    const text = renderDockerfile(plan('hello'), 'builder:1', IDS);
    expect(text).toMatchSnapshot();
    expect(text).not.toMatch(/^# syntax=/m);
    expect(text).not.toContain('type=ssh');
    expect(text).toContain('FROM scratch AS export');
    expect(text).toContain('install -D -m 0755 /cdk-rust/target/x86_64-unknown-linux-musl/release/hello /out/bootstrap');
  });

  test("a service build also exports the builder image's CA bundle; a Lambda build exports only bootstrap", () => {
    const service = renderDockerfile(plan('hello', { artifact: 'service' }), 'builder:1', IDS);
    expect(service).toContain('install -D -m 0644 /etc/ssl/certs/ca-certificates.crt /out/ca-certificates.crt');
    expect(renderDockerfile(plan('hello'), 'builder:1', IDS)).not.toContain('ca-certificates');
  });

  test('a service build exports the time-zone data only when asked, without the leap-second variants', () => {
    const zoned = renderDockerfile(plan('hello', { artifact: 'service', zoneinfo: true }), 'builder:1', IDS);
    expect(zoned).toContain('cp -a /usr/share/zoneinfo /out/zoneinfo');
    expect(zoned).toContain('rm -rf /out/zoneinfo/right');
    expect(renderDockerfile(plan('hello', { artifact: 'service' }), 'builder:1', IDS)).not.toContain('zoneinfo');
    expect(renderDockerfile(plan('hello', { zoneinfo: true }), 'builder:1', IDS)).not.toContain('zoneinfo');
  });

  test('private git dependency: the agent and pinned hosts reach the fetch step only', () => {
    const text = renderDockerfile(plan('private-dep', { knownHosts: [KNOWN_HOST] }), 'builder:1', IDS);
    expect(text).toMatchSnapshot();
    const [fetchStep, compileStep] = text.split(/\nFROM builder:1 AS /).slice(1);
    expect(fetchStep).toMatch(/^fetch\n/);
    expect(compileStep).toMatch(/^compile\n/);
    expect(fetchStep).toContain('--mount=type=ssh,required=true');
    expect(fetchStep).toContain('--mount=type=bind,source=known_hosts,target=/etc/ssh/ssh_known_hosts');
    expect(fetchStep).toContain('CARGO_NET_GIT_FETCH_WITH_CLI=true cargo fetch --locked');
    expect(text.indexOf('ARG CDK_RUST_BUILD_ID')).toBeLessThan(text.indexOf('cargo fetch'));
    expect(compileStep).not.toContain('type=ssh');
    expect(compileStep).toContain('--offline');
    // The key material never appears: only the public host line is mounted, from the context.
    expect(text).not.toContain('AAAA');
    expect(text).not.toMatch(/StrictHostKeyChecking|ssh-keyscan/);
  });

  test('every build option reaches the cargo command', () => {
    const text = renderDockerfile(
      plan('multi-bin', {
        binaryName: 'beta',
        architecture: 'arm64',
        profile: 'dev',
        features: ['a', 'b'],
        noDefaultFeatures: true,
        cargoArgs: ['--config', 'net.retry=5'],
        buildEnvironment: { OPT: 'x y', PRICE: '$5 "quoted" \\' },
      }),
      'builder:1',
      IDS,
    );
    expect(text).toMatchSnapshot();
    expect(text).toContain('ENV OPT="x y"');
    expect(text).toContain('ENV PRICE="\\$5 \\"quoted\\" \\\\"');
    expect(text).toContain(
      'cargo build --locked --profile dev --target aarch64-unknown-linux-musl --package multi-bin --bin beta ' +
        '--target-dir /cdk-rust/target --no-default-features --features a,b --config net.retry=5 --offline',
    );
    expect(text).toContain('/cdk-rust/target/aarch64-unknown-linux-musl/debug/beta /out/bootstrap');
  });

  test('static glibc target', () => {
    const text = renderDockerfile(plan('hello', { target: 'x86_64-unknown-linux-gnu' }), 'builder:1', IDS);
    expect(text).toContain(`--config 'target.x86_64-unknown-linux-gnu.rustflags=["-C","target-feature=+crt-static"]'`);
  });

  test('a workspace member builds from the workspace root', () => {
    const text = renderDockerfile(plan('workspace', { binaryName: 'beta' }), 'builder:1', IDS);
    expect(text).toContain('WORKDIR /src\n');
    expect(text).toContain('--package beta --bin beta');
  });

  test('cache ids: one target cache per workspace, target and image; shared registry and git caches', () => {
    const hello = plan('hello');
    const ids = cacheIdsFor(hello, 'img:1');
    expect(ids.registry).toBe('cdk-rust-cargo-registry');
    expect(ids.git).toBe('cdk-rust-cargo-git');
    expect(ids.target).toMatch(/^cdk-rust-target-[0-9a-f]{12}-x86_64-unknown-linux-musl$/);
    expect(cacheIdsFor(hello, 'img:1')).toEqual(ids);
    expect(cacheIdsFor(hello, 'img:2').target).not.toBe(ids.target);
    expect(cacheIdsFor(plan('hello', { architecture: 'arm64' }), 'img:1').target).toMatch(/aarch64-unknown-linux-musl$/);
    expect(cacheIdsFor(plan('workspace', { binaryName: 'alpha' }), 'img:1').target).not.toBe(ids.target);
  });
});

describe('dockerfile: what build scripts can reach', () => {
  const text = renderDockerfile(plan('private-dep', { knownHosts: [KNOWN_HOST] }), 'builder:1', IDS);
  const compileStage = text.slice(text.indexOf('AS compile'));

  test('the compile stage mounts the registry and git caches read-only, so no build script can plant anything a fetch would run', () => {
    expect(compileStage).toContain('--mount=type=cache,id=reg,target=/usr/local/cargo/registry,sharing=locked,readonly');
    expect(compileStage).toContain('--mount=type=cache,id=git,target=/usr/local/cargo/git,sharing=locked,readonly');
    expect(compileStage).toContain('--mount=type=cache,id=tgt,target=/cdk-rust/target,sharing=locked \\');
    expect(compileStage).not.toMatch(/type=ssh|known_hosts/);
  });

  test('only the fetch stage can write the registry and git caches', () => {
    const fetchStage = text.slice(0, text.indexOf('AS compile'));
    expect(fetchStage).toContain('--mount=type=cache,id=reg,target=/usr/local/cargo/registry,sharing=locked \\');
    expect(fetchStage).toContain('--mount=type=cache,id=git,target=/usr/local/cargo/git,sharing=locked \\');
    expect(fetchStage).not.toContain('cargo build');
  });

  test('the binary is copied from the target directory cdk-rust passes to cargo, whatever the project configures', () => {
    expect(compileStage).toContain('--target-dir /cdk-rust/target --offline');
    expect(compileStage).not.toContain('CARGO_TARGET_DIR');
    expect(compileStage).toContain('install -D -m 0755 /cdk-rust/target/x86_64-unknown-linux-musl/release/private-dep /out/bootstrap');
  });

  test('a line break in the image, the project directory or an argument cannot add an instruction', () => {
    const p = plan('hello');
    expectCdkRustError(() => renderDockerfile(p, 'builder:1\nRUN curl evil', IDS), 'INVALID_PROP', 'the builder image', 'line break');
    expectCdkRustError(
      () => renderDockerfile({ ...p, workdir: 'app\nRUN curl evil' }, 'builder:1', IDS),
      'INVALID_PROP',
      'the project directory',
    );
    expectCdkRustError(
      () => renderDockerfile({ ...p, cargoArgs: ['--verbose\nRUN curl evil'] }, 'builder:1', IDS),
      'INVALID_PROP',
      'a cargo argument',
    );
    expectCdkRustError(
      () => renderDockerfile({ ...p, buildEnvironment: { A: 'x\nRUN curl evil' } }, 'builder:1', IDS),
      'INVALID_PROP',
      'bundling.buildEnvironment.A',
    );
  });
});
