import { cacheIdsFor, renderDockerfile } from '../../lib/bundling/dockerfile';
import { expectCdkRustError, planOf } from '../support';

const KNOWN_HOST = '[127.0.0.1]:22222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBUEG8+F+xFfIyDYJWb43+PLqtA6kUu2BORCOGHhWhhx';
const IDS = { registry: 'reg', git: 'git', target: 'tgt' };

const plan = planOf;

/** The text of the stage `name` of a rendered Dockerfile: from its FROM line to the next. */
function stageOf(text: string, name: string): string {
  const start = text.search(new RegExp(`^FROM \\S+ AS ${name}$`, 'm'));
  expect(start).toBeGreaterThanOrEqual(0);
  const next = text.slice(start + 1).search(/^FROM /m);
  return next < 0 ? text.slice(start) : text.slice(start, start + 1 + next);
}

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
    const service = renderDockerfile(plan('hello', { containerImage: {} }), 'builder:1', IDS);
    expect(stageOf(service, 'image-data')).toContain('install -m 0644 /etc/ssl/certs/ca-certificates.crt /out/ca-certificates.crt');
    const lambda = renderDockerfile(plan('hello'), 'builder:1', IDS);
    expect(lambda).not.toContain('ca-certificates');
    expect(lambda).not.toContain('image-data');
  });

  test('a service build exports the time-zone data only when asked, without the leap-second, posix and localtime entries', () => {
    const zoned = stageOf(renderDockerfile(plan('hello', { containerImage: { zoneinfo: true } }), 'builder:1', IDS), 'image-data');
    expect(zoned).toContain('cd /usr/share/zoneinfo');
    expect(zoned).toContain(
      'for entry in *; do case "$entry" in right|posix|localtime) ;; *) cp -RL "$entry" /out/zoneinfo/ || exit 1 ;; esac; done',
    );
    expect(renderDockerfile(plan('hello', { containerImage: {} }), 'builder:1', IDS)).not.toContain('zoneinfo');
  });

  test('private git dependency: the agent and pinned hosts reach the fetch step only', () => {
    const text = renderDockerfile(plan('private-dep', { knownHosts: [KNOWN_HOST] }), 'builder:1', IDS);
    expect(text).toMatchSnapshot();
    const [checkStep, fetchStep, compileStep] = text.split(/\nFROM builder:1 AS /).slice(1);
    expect(checkStep).toMatch(/^check\n/);
    expect(checkStep).not.toMatch(/type=ssh|known_hosts/);
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
    expect(text).toContain('--workspace --bin beta');
  });

  test('a group build names every bin in one cargo build and exports each as bins/<name>, checked to be a file', () => {
    const bins = ['alpha', 'beta'].map((name) => ({ packageName: name, binaryName: name }));
    const text = renderDockerfile(plan('workspace', { binaryName: 'alpha' }), 'builder:1', IDS, bins);
    expect(text).toContain('--workspace --bin alpha --bin beta');
    expect(text).toContain('install -m 0755 /cdk-rust/target/x86_64-unknown-linux-musl/release/alpha /out/bins/alpha');
    expect(text).toContain('install -m 0755 /cdk-rust/target/x86_64-unknown-linux-musl/release/beta /out/bins/beta');
    expect(text).toContain('for f in /out/bins/*; do if [ -L "$f" ] || [ ! -f "$f" ]');
    expect(text).toContain('COPY --from=compile /out/bins/ /bins/');
    expect(text).not.toContain('COPY --from=compile /out/bootstrap');
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

  test("a profile other than release (watch's dev) has a target cache of its own: it never waits for, nor touches, the release build's", () => {
    const release = cacheIdsFor(plan('hello'), 'img:1');
    const dev = cacheIdsFor(plan('hello', { profile: 'dev' }), 'img:1');
    expect(dev.target).toBe(`${release.target}-dev`);
    expect(dev.registry).toBe(release.registry);
    expect(dev.git).toBe(release.git);
  });
});

describe('dockerfile: unrelated projects never wait for each other on the shared caches', () => {
  const locked = renderDockerfile(plan('hello'), 'builder:1', IDS);

  test('every mount of the registry and git caches is sharing=shared (a locked mount waits for any other build holding them)', () => {
    const shared = locked.match(/id=(?:reg|git),[^ ]*/g) ?? [];
    expect(shared.length).toBe(6);
    for (const mount of shared) expect(mount).toMatch(/,sharing=shared(,readonly)?$/);
    expect(locked).not.toMatch(/id=(?:reg|git),[^ ]*sharing=(?:locked|private)/);
  });

  test("the project's own target cache stays locked: two builds of one project never compile into it at once", () => {
    expect(stageOf(locked, 'compile')).toContain('--mount=type=cache,id=tgt,target=/cdk-rust/target,sharing=locked \\');
  });

  test('a locked plan first checks offline, with the caches read-only and no secret, that nothing needs downloading', () => {
    const withSecret = renderDockerfile(
      plan('hello', { buildSecrets: { TOKEN: 'env:HOST_TOKEN' }, env: { HOST_TOKEN: 'tok-1' } }),
      'builder:1',
      IDS,
    );
    const check = stageOf(withSecret, 'check');
    expect(withSecret.indexOf('AS check')).toBeLessThan(withSecret.indexOf('AS fetch'));
    expect(check).toContain('ARG CDK_RUST_BUILD_ID');
    expect(check).toContain('--mount=type=cache,id=reg,target=/usr/local/cargo/registry,sharing=shared,readonly \\');
    expect(check).toContain('--mount=type=cache,id=git,target=/usr/local/cargo/git,sharing=shared,readonly \\');
    expect(check).toMatch(/GIT_SSH_COMMAND=ssh .*protocol\.ext\.allow GIT_CONFIG_VALUE_2=never cargo fetch --locked --offline$/m);
    expect(check).not.toMatch(/type=secret|type=ssh|known_hosts|cargo build|flock/);
  });

  test('an unlocked plan has no check: its dependencies are resolved against the registry on every build', () => {
    const unlocked = renderDockerfile({ ...plan('hello'), locked: false }, 'builder:1', IDS);
    expect(unlocked).not.toContain('AS check');
    expect(unlocked).toContain('AS fetch');
  });

  test('the fetch step downloads holding the writers lock in the registry cache, so two downloads never write one crate at once', () => {
    const fetchRun = stageOf(locked, 'fetch');
    expect(fetchRun).toMatch(
      /if command -v flock >\/dev\/null 2>&1; then exec 9>\/usr\/local\/cargo\/registry\/\.cdk-rust-writer\.lock && flock 9; fi && GIT_SSH_COMMAND=ssh .* cargo fetch --locked$/m,
    );
  });
});

describe('dockerfile: what build scripts can reach', () => {
  const text = renderDockerfile(plan('private-dep', { knownHosts: [KNOWN_HOST] }), 'builder:1', IDS);
  const compileStage = text.slice(text.indexOf('AS compile'));

  test('the compile stage mounts the registry and git caches read-only, so no build script can plant anything a fetch would run', () => {
    expect(compileStage).toContain('--mount=type=cache,id=reg,target=/usr/local/cargo/registry,sharing=shared,readonly');
    expect(compileStage).toContain('--mount=type=cache,id=git,target=/usr/local/cargo/git,sharing=shared,readonly');
    expect(compileStage).toContain('--mount=type=cache,id=tgt,target=/cdk-rust/target,sharing=locked \\');
    expect(compileStage).not.toMatch(/type=ssh|known_hosts/);
  });

  test('only the fetch stage can write the registry and git caches, and it runs no build script', () => {
    const fetchStage = stageOf(text, 'fetch');
    expect(fetchStage).toContain('--mount=type=cache,id=reg,target=/usr/local/cargo/registry,sharing=shared \\');
    expect(fetchStage).toContain('--mount=type=cache,id=git,target=/usr/local/cargo/git,sharing=shared \\');
    expect(fetchStage).not.toContain('cargo build');
    for (const name of ['check', 'compile']) expect(stageOf(text, name)).not.toMatch(/sharing=shared \\|sharing=shared$/m);
  });

  test('git in the fetch step runs plain ssh with no hooks, fsmonitor or ext transport, whatever a cached git database configures', () => {
    for (const rendered of [text, renderDockerfile(plan('hello'), 'builder:1', IDS)]) {
      const fetchRun = rendered.slice(rendered.indexOf('RUN '), rendered.indexOf('AS compile'));
      const env = /^ {4}(.*)cargo fetch/m.exec(fetchRun)?.[1] ?? '';
      // The environment and command-line scope beat a repository's config (git 2.31+; the builder image has 2.39).
      expect(env).toMatch(/(^| )GIT_SSH_COMMAND=ssh /);
      expect(env).toContain('GIT_CONFIG_COUNT=3 ');
      expect(env).toContain('GIT_CONFIG_KEY_0=core.hooksPath GIT_CONFIG_VALUE_0=/dev/null ');
      expect(env).toContain('GIT_CONFIG_KEY_1=core.fsmonitor GIT_CONFIG_VALUE_1=false ');
      expect(env).toContain('GIT_CONFIG_KEY_2=protocol.ext.allow GIT_CONFIG_VALUE_2=never ');
    }
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

describe('dockerfile: a build exports data, never a link to the machine that builds', () => {
  const zoned = renderDockerfile(plan('hello', { containerImage: { zoneinfo: true } }), 'builder:1', IDS);

  test('the time-zone data and the CA bundle come from a stage of their own, where no user code runs', () => {
    const data = stageOf(zoned, 'image-data');
    expect(data).toMatch(/^FROM builder:1 AS image-data\n/);
    // No sources, no build environment, no cache mount, no cargo: nothing of the project is in this stage.
    expect(data).not.toMatch(/COPY|ENV |--mount|cargo|\/src/);
    // Links are resolved here, into files of the builder image's own content.
    expect(data).toContain('cp -RL');
    expect(data).not.toContain('cp -a');
  });

  test('the compile stage, where build scripts run, exports only bootstrap, checked by the shell to be a regular file', () => {
    const compile = stageOf(zoned, 'compile');
    expect(compile).not.toMatch(/zoneinfo|ca-certificates/);
    expect(compile).toContain(
      "&& if [ -L /out/bootstrap ] || [ ! -f /out/bootstrap ]; then echo 'cdk-rust: /out/bootstrap is not a regular file after install",
    );
    expect(compile).toMatch(/; exit 1; fi$/m);
    const exported = stageOf(zoned, 'export');
    expect(exported.trim().split('\n')).toEqual([
      'FROM scratch AS export',
      'COPY --from=compile /out/bootstrap /bootstrap',
      'COPY --from=image-data /out/ /',
    ]);
    expect(
      stageOf(renderDockerfile(plan('hello'), 'builder:1', IDS), 'export')
        .trim()
        .split('\n'),
    ).toEqual(['FROM scratch AS export', 'COPY --from=compile /out/bootstrap /bootstrap']);
  });
});

describe('dockerfile: build secrets are mounted by id, never written', () => {
  test('the fetch and compile steps mount each secret and export it for their command; the text holds ids only', () => {
    const p = plan('hello', {
      buildSecrets: { CARGO_REGISTRIES_MINE_TOKEN: 'env:HOST_TOKEN' },
      env: { HOST_TOKEN: 'tok-0123456789' },
    });
    const text = renderDockerfile(p, 'builder:1', IDS);
    for (const stage of ['fetch', 'compile']) {
      const step = stageOf(text, stage);
      expect(step).toContain(
        '--mount=type=secret,id=CARGO_REGISTRIES_MINE_TOKEN,target=/run/secrets/CARGO_REGISTRIES_MINE_TOKEN,required=true',
      );
      expect(step).toContain('export CARGO_REGISTRIES_MINE_TOKEN="$(cat /run/secrets/CARGO_REGISTRIES_MINE_TOKEN)"');
      expect(step.indexOf('export CARGO_REGISTRIES_MINE_TOKEN')).toBeLessThan(step.indexOf('cargo '));
    }
    expect(text).not.toContain('tok-0123456789');
    expect(text).not.toContain('HOST_TOKEN');
    expect(text).not.toMatch(/^ENV CARGO_REGISTRIES_MINE_TOKEN/m);
    expect(stageOf(text, 'export')).not.toContain('secret');
  });

  test('a plan without secrets mounts none', () => {
    expect(renderDockerfile(plan('hello'), 'builder:1', IDS)).not.toContain('type=secret');
  });
});

describe('dockerfile: the health probe is built in a stage of its own, from cdk-rust’s source only', () => {
  const probed = (props = {}) =>
    renderDockerfile(
      plan('private-dep', {
        containerImage: { healthProbe: true },
        knownHosts: [KNOWN_HOST],
        buildEnvironment: { RUSTFLAGS: '-C evil' },
        buildSecrets: { CARGO_REGISTRIES_MINE_TOKEN: 'env:HOST_TOKEN' },
        env: { HOST_TOKEN: 'tok-0123456789' },
        ...props,
      }),
      'builder:1',
      IDS,
    );

  test('a service asking for the probe gets the stage, and its export copies /out/healthcheck beside bootstrap', () => {
    const text = probed();
    expect(stageOf(text, 'health-probe')).toMatch(
      /^FROM builder:1 AS health-probe\nRUN \\\n {4}mkdir -p \/cdk-rust-health-probe\/src \/out \\\n/,
    );
    expect(stageOf(text, 'export').trim().split('\n')).toEqual([
      'FROM scratch AS export',
      'COPY --from=compile /out/bootstrap /bootstrap',
      'COPY --from=image-data /out/ /',
      'COPY --from=health-probe /out/healthcheck /healthcheck',
    ]);
  });

  test('the stage sees no project source, build environment, cache, secret or SSH agent, and no build id', () => {
    const stage = stageOf(probed(), 'health-probe');
    // The project's sources are under /src in the other stages; the toolchain's own std sources may be read here.
    expect(stage).not.toMatch(/COPY|WORKDIR|ENV |ARG |--mount| \/src\b|known_hosts|type=ssh|secret|RUSTFLAGS|CARGO_REGISTRIES/);
    expect(stage).toContain('cargo build --offline --release --target x86_64-unknown-linux-musl');
  });

  test('without the probe nothing changes: no stage, no copy, and the same text as a plan that says false', () => {
    const service = renderDockerfile(plan('hello', { containerImage: {} }), 'builder:1', IDS);
    expect(service).not.toMatch(/health-probe|healthcheck/);
    expect(renderDockerfile(plan('hello', { containerImage: { healthProbe: false } }), 'builder:1', IDS)).toBe(service);
    expect('healthProbe' in plan('hello', { containerImage: { healthProbe: false } })).toBe(false);
  });
});
