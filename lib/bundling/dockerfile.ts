/**
 * The Dockerfile renderer: a pure function from a build plan to Dockerfile text.
 *
 * The build context it expects holds `src/` (the plan's inputs, laid out relative to the context
 * root), `freshen.sh` (FRESHEN_SCRIPT in freshen.ts) and, when SSH is forwarded, `known_hosts`. There is deliberately no `# syntax=` line: that
 * pulls a frontend image, which fails offline and air-gapped.
 */
import { CdkRustError } from '../errors';
import { shortHash } from '../private/short-hash';
import { secretExports, secretMounts } from './build-secrets';
import { gitDir, projectCacheMount, registryDir, sharedCacheMount, underWriterLock } from './cache-mounts';
import { HEALTH_PROBE_FILE, HEALTH_PROBE_STAGE, healthProbeCommands } from './health-probe';
import { BinRef } from './cargo-args';
import { BuildPlan, cargoBuildArgs, cargoFetchArgs } from './plan';

/** Where the library's builds expect Cargo's home in the builder image (as in the official images). */
export const CARGO_HOME = '/usr/local/cargo';
/** Where the build's target directory is mounted. */
export const TARGET_DIR = '/cdk-rust/target';

/** Where the freshen script is mounted in the compile step. */
const FRESHEN_PATH = '/cdk-rust/freshen.sh';

/** The build argument that is new on every build (see {@link renderDockerfile}). */
export const BUILD_ID_ARG = 'CDK_RUST_BUILD_ID';

/** The stage a fetch build stops at: the only stage that sees the network and the SSH agent. */
export const FETCH_STAGE = 'fetch';
/**
 * The stage that checks, offline, that the shared caches hold everything the lock file names (see
 * {@link renderDockerfile}); rendered for locked plans only.
 */
export const CHECK_STAGE = 'check';
/** The builder image's CA bundle (Debian's ca-certificates), exported for service images. */
export const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
/** Its name beside `bootstrap` in the build output. */
export const CA_BUNDLE_FILE = 'ca-certificates.crt';
/** The builder image's time-zone data (Debian's tzdata), exported for service images that ask for it. */
export const ZONEINFO = '/usr/share/zoneinfo';
/** Its name beside `bootstrap` in the build output. */
export const ZONEINFO_DIR_NAME = 'zoneinfo';
/**
 * The stage a compile build exports: `FROM scratch` holding `bootstrap` from the compile stage and, for a service,
 * the CA bundle and time-zone data from {@link IMAGE_DATA_STAGE} and, when asked, cdk-rust's health probe from
 * {@link HEALTH_PROBE_STAGE}.
 */
export const EXPORT_STAGE = 'export';

/** The BuildKit cache mount ids of a build. */
export interface CacheIds {
  readonly registry: string;
  readonly git: string;
  readonly target: string;
}

/** Where the build context (the plan's inputs, laid out relative to its context root) is in the build container. */
export const CONTEXT_DIR = '/src';

/**
 * Cache ids for a plan: the registry and git caches are shared by every build (Cargo keys their
 * contents itself, and only fetch steps, which run no build script, can write them); the target
 * cache is one per workspace, target triple and builder image identity, so a source-only change
 * recompiles only the changed crates. A profile other than `release` (watch's `dev`) has a target cache of its own:
 * its builds never wait for a release build of the same project (a synth while watch runs), nor touch its cache.
 */
export function cacheIdsFor(plan: BuildPlan, imageIdentity: string): CacheIds {
  const profile = plan.profile === 'release' ? '' : `-${plan.profile}`;
  return {
    registry: 'cdk-rust-cargo-registry',
    git: 'cdk-rust-cargo-git',
    target: `cdk-rust-target-${shortHash(`${plan.workspaceRoot}\0${imageIdentity}`)}-${plan.target}${profile}`,
  };
}

/**
 * Renders the Dockerfile for `plan`, built `FROM image`. It runs as two or three builds:
 *
 * - `check` ({@link CHECK_STAGE}), for a locked plan, built with `--network none`, no agent and no secret:
 *   `cargo fetch --offline --locked` with the shared registry and git caches mounted read-only, which succeeds
 *   when they already hold every crate and git checkout the lock file names. Cargo runs no build script here,
 *   and nothing in this step can write a cache. When it succeeds, the fetch build is skipped (runDockerBuild),
 *   so an unchanged dependency set never takes the writers' lock nor touches the network. An unlocked plan has
 *   no check: its dependencies are resolved against the registry's index on every build.
 * - `fetch` ({@link FETCH_STAGE}), built with the build's network and, when needed, the SSH agent:
 *   `cargo fetch` fills the registry and git caches, holding the writers' lock of the shared caches
 *   (cache-mounts.ts: readers of other projects never wait for it). Cargo runs no build script here.
 * - `compile`, exported through `export` ({@link EXPORT_STAGE}), built with `--network none` and no
 *   agent: `cargo build --offline` with the registry and git caches mounted read-only, so no build
 *   script can reach the network or the agent, nor plant anything (a git `core.sshCommand`, a hook,
 *   altered sources) that a later fetch step, of this or any other project, would run or compile. Only
 *   `bootstrap`, checked to be a regular file, leaves the compile stage; a service's CA bundle and
 *   time-zone data come from their own stage, where no build script runs (see imageDataStage).
 *
 * `bins`, for a group build (build-group.ts): several bins built with the plan's settings in one `cargo build`, each
 * exported as `bins/<name>` instead of `bootstrap`.
 *
 * Every value that comes from the user or the file system is checked to hold no line break, so none
 * can add an instruction.
 */
export function renderDockerfile(plan: BuildPlan, image: string, cacheIds: CacheIds, bins?: readonly BinRef[]): string {
  const workdir = plan.workdir ? `${CONTEXT_DIR}/${plan.workdir}` : CONTEXT_DIR;
  const registry = registryDir(CARGO_HOME);
  const git = gitDir(CARGO_HOME);
  const built = (name: string) => `${TARGET_DIR}/${plan.target}/${plan.profileDir}/${name}`;

  const base = [
    `FROM ${oneLine(image, 'the builder image')} AS %STAGE%`,
    `WORKDIR ${oneLine(workdir, 'the project directory')}`,
    `COPY src/ ${CONTEXT_DIR}/`,
  ];
  for (const [key, value] of Object.entries(plan.buildEnvironment).sort(([a], [b]) => a.localeCompare(b))) {
    base.push(`ENV ${key}=${dockerfileQuote(oneLine(value, `bundling.buildEnvironment.${key}`))}`);
  }
  const stage = (name: string) => base.map((line) => line.replace('%STAGE%', name));

  // A fresh value on every build: BuildKit counts every RUN after an ARG as using it, so the fetch
  // step is never served from a cached layer whose downloads the (separately prunable) cache mounts
  // may no longer hold. Cargo finds everything already fetched in the mounts, so it stays cheap.
  const fetchMounts = plan.ssh.forward
    ? ['--mount=type=ssh,required=true', '--mount=type=bind,source=known_hosts,target=/etc/ssh/ssh_known_hosts']
    : [];
  fetchMounts.push(sharedCacheMount(cacheIds.registry, registry, false), sharedCacheMount(cacheIds.git, git, false));
  // The check and the compile step read the shared caches and never write them.
  const readSharedCaches = [sharedCacheMount(cacheIds.registry, registry, true), sharedCacheMount(cacheIds.git, git, true)];
  // bundling.buildSecrets: mounted by id and exported for the step's command only; no value is ever in this text.
  fetchMounts.push(...secretMounts(plan.buildSecrets));
  const secretCommands = secretExports(plan.buildSecrets);
  // git run by cargo gets plain `ssh`, no hooks, no fsmonitor and no `ext::` transport, whatever the config of a
  // git database in the shared cache says (the environment and command-line scope beat repository config).
  const fetchEnv =
    'GIT_SSH_COMMAND=ssh GIT_CONFIG_COUNT=3 GIT_CONFIG_KEY_0=core.hooksPath GIT_CONFIG_VALUE_0=/dev/null ' +
    'GIT_CONFIG_KEY_1=core.fsmonitor GIT_CONFIG_VALUE_1=false GIT_CONFIG_KEY_2=protocol.ext.allow GIT_CONFIG_VALUE_2=never ' +
    (plan.ssh.forward ? 'CARGO_NET_GIT_FETCH_WITH_CLI=true ' : '');

  // Compile offline after making changed contents look changed to cargo (see FRESHEN_SCRIPT in freshen.ts), and
  // copy the binary out of the cache mount in the same step (mounts are not layers).
  const compileMounts = [
    ...readSharedCaches,
    projectCacheMount(cacheIds.target, TARGET_DIR, false),
    `--mount=type=bind,source=freshen.sh,target=${FRESHEN_PATH}`,
    ...secretMounts(plan.buildSecrets),
  ];

  const lines = [
    `# Generated by cdk-rust: ${plan.packageName}/${plan.binaryName} for ${plan.target} (profile ${plan.profile}).`,
    '# Built as: --target check (--network none; locked plans), --target fetch (network, SSH agent) unless the check',
    '# passed, then --target export with --network none.',
    ...(plan.locked
      ? [
          ...stage(CHECK_STAGE),
          `ARG ${BUILD_ID_ARG}`,
          runStep(readSharedCaches, `${fetchEnv}${shellJoin(['cargo', ...cargoFetchArgs(plan), '--offline'])}`),
          '',
        ]
      : []),
    ...stage(FETCH_STAGE),
    `ARG ${BUILD_ID_ARG}`,
    runStep(fetchMounts, ...secretCommands, underWriterLock(`${fetchEnv}${shellJoin(['cargo', ...cargoFetchArgs(plan)])}`, CARGO_HOME)),
    '',
    ...stage('compile'),
    `ARG ${BUILD_ID_ARG}`,
    runStep(
      compileMounts,
      ...secretCommands,
      `sh ${FRESHEN_PATH} ${TARGET_DIR} ${CONTEXT_DIR}`,
      // Cargo's progress bar although its output is a pipe: quiet builds turn it into one status line (process.ts).
      `CARGO_TERM_PROGRESS_WHEN=always CARGO_TERM_PROGRESS_WIDTH=100 ${shellJoin(['cargo', ...cargoBuildArgs(plan, TARGET_DIR, bins), '--offline'])}`,
      ...(bins ? installBins(bins, built) : installBootstrap(built(plan.binaryName))),
    ),
    ...imageDataStage(plan, image),
    ...healthProbeStage(plan, image),
    '',
    `FROM scratch AS ${EXPORT_STAGE}`,
    // Only the binary comes from the stage where build scripts ran.
    bins ? `COPY --from=compile ${GROUP_BINS_DIR}/ /${GROUP_BINS}/` : 'COPY --from=compile /out/bootstrap /bootstrap',
    ...(plan.caBundle || plan.zoneinfo ? [`COPY --from=${IMAGE_DATA_STAGE} /out/ /`] : []),
    ...(plan.healthProbe ? [`COPY --from=${HEALTH_PROBE_STAGE} /out/${HEALTH_PROBE_FILE} /${HEALTH_PROBE_FILE}`] : []),
    '',
  ];
  return lines.join('\n');
}

/** Where a group build exports its bins, one file per bin named after it (build-group.ts). */
export const GROUP_BINS = 'bins';
const GROUP_BINS_DIR = `/out/${GROUP_BINS}`;

/**
 * Copies the binary out of the cache mount, then checks it: build scripts ran as root in this container and may
 * have replaced `install` itself, so the shell's own `[` checks that what leaves is a regular file, not a link
 * (cdk-rust refuses links on the host too).
 */
function installBootstrap(binary: string): string[] {
  return [
    `install -D -m 0755 ${binary} /out/bootstrap`,
    `if [ -L /out/bootstrap ] || [ ! -f /out/bootstrap ]; then echo ${shellJoin([NOT_A_FILE_MESSAGE])} >&2; exit 1; fi`,
  ];
}

/** {@link installBootstrap} for a group build: every bin into `bins/<name>`, each checked the same way. */
function installBins(bins: readonly BinRef[], built: (name: string) => string): string[] {
  const names = [...new Set(bins.map((b) => b.binaryName))];
  return [
    `mkdir -p ${GROUP_BINS_DIR}`,
    ...names.map((name) => shellJoin(['install', '-m', '0755', built(name), `${GROUP_BINS_DIR}/${name}`])),
    `for f in ${GROUP_BINS_DIR}/*; do if [ -L "$f" ] || [ ! -f "$f" ]; then echo ${shellJoin([NOT_A_FILE_MESSAGE])} >&2; exit 1; fi; done`,
  ];
}

/** What the compile step prints when a build script made the exported binary something other than a file. */
export const NOT_A_FILE_MESSAGE =
  'cdk-rust: /out/bootstrap is not a regular file after install: a build script of the crate or of a dependency ' +
  'replaced the tools or outputs of the build (a build output must be data, never a link). Refused.';

/** The stage that copies the builder image's CA bundle and time-zone data, for service images. */
export const IMAGE_DATA_STAGE = 'image-data';

/**
 * The {@link IMAGE_DATA_STAGE} stage, when the plan asks for the CA bundle or the time-zone data: a fresh container
 * of the builder image, with no sources, no cache mounts and no cargo, so no build script has run in it. Its copies
 * resolve links inside it (`install` and `cp -L` copy contents), so what it exports is files and directories only.
 * Of the zoneinfo it leaves out `right/` (leap-second variants of every zone, which programs asking for
 * TZ=Europe/Paris never read), `posix/` (links to the same zones again) and `localtime` (the builder's own zone).
 */
function imageDataStage(plan: BuildPlan, image: string): string[] {
  if (!plan.caBundle && !plan.zoneinfo) return [];
  const commands = ['mkdir /out'];
  if (plan.caBundle) commands.push(`install -m 0644 ${CA_BUNDLE} /out/${CA_BUNDLE_FILE}`);
  if (plan.zoneinfo) {
    commands.push(
      `mkdir /out/${ZONEINFO_DIR_NAME}`,
      `cd ${ZONEINFO}`,
      `for entry in *; do case "$entry" in right|posix|localtime) ;; *) cp -RL "$entry" /out/${ZONEINFO_DIR_NAME}/ || exit 1 ;; esac; done`,
    );
  }
  return ['', `FROM ${oneLine(image, 'the builder image')} AS ${IMAGE_DATA_STAGE}`, runStep([], ...commands)];
}

/**
 * The {@link HEALTH_PROBE_STAGE} stage, when the plan asks for the health probe: a fresh container of the builder
 * image that builds cdk-rust's own probe (health-probe.ts) with the image's cargo. It has no `COPY` of the context, no
 * cache mount and no secret, and it runs in the compile build (`--network none`, no agent): no user code, setting or
 * cache can reach it. Nothing in it changes from build to build (no build-id ARG), so BuildKit's layer cache serves it
 * to every later build, of any project, with the same builder image and target: only the first build compiles it.
 */
function healthProbeStage(plan: BuildPlan, image: string): string[] {
  if (!plan.healthProbe) return [];
  return ['', `FROM ${oneLine(image, 'the builder image')} AS ${HEALTH_PROBE_STAGE}`, runStep([], ...healthProbeCommands(plan.target))];
}

/** Returns `value`, or throws when it holds a line break or NUL (which would add a Dockerfile instruction). */
function oneLine(value: string, what: string): string {
  if (/[\r\n\0]/.test(value)) {
    throw new CdkRustError(
      'INVALID_PROP',
      `${what} contains a line break, which cannot be written into a Dockerfile.`,
      'remove the line break (rename the directory, or fix the value).',
    );
  }
  return value;
}

function runStep(mounts: string[], ...commands: string[]): string {
  for (const command of commands) oneLine(command, 'a cargo argument');
  return ['RUN' + (mounts.length > 0 ? ' ' + mounts.join(' \\\n    ') : ''), '    ' + commands.join(' \\\n && ')].join(' \\\n');
}

/** Quotes words for `/bin/sh`: plain words stay as they are, anything else is single-quoted. */
export function shellJoin(words: readonly string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Quotes a value for a Dockerfile ENV instruction (double quotes; `$` and `\` escaped). */
function dockerfileQuote(value: string): string {
  return '"' + value.replace(/[\\"$]/g, (c) => `\\${c}`) + '"';
}
