/**
 * A second, empty Docker daemon: what a CI runner's Docker looks like on a fresh machine (no images,
 * no BuildKit cache), for the end-to-end tests and benchmarks that measure cold builds.
 *
 * It runs Debian's /usr/sbin/dockerd with everything of its own under one temporary directory
 * (data root, exec root, pid file, socket, log, and the containerd it starts for itself) and without
 * a bridge network or iptables. The main daemon (/var/run/docker.sock, /var/lib/docker,
 * /var/run/docker) is not touched and keeps working while the fresh one runs and after it stops.
 *
 * Usage (a test must stop the daemon in afterAll, also when the test fails):
 *
 *   let daemon: FreshDaemon;
 *   beforeAll(() => {
 *     daemon = startFreshDaemon();
 *     daemon.loadImage(builderImage);   // the builder image is local-only: nothing can be pulled
 *   });
 *   afterAll(() => daemon?.stop());
 *   ... spawnSync('/usr/bin/docker', ['build', ...], { env: daemon.env({ DOCKER_BUILDKIT: '1' }) }) ...
 *
 * Both clients reach it through env(): `DOCKER_BUILDKIT=1 /usr/bin/docker build` and, with
 * DOCKER_CONFIG=$CDK_RUST_TEST_BUILDX_CONFIG, `/usr/local/bin/docker buildx build` (buildx's default
 * builder, driver `docker`, follows DOCKER_HOST). Build steps need `--network host` (no bridge).
 *
 * If the process ends without stop() (a crash, a killed jest worker, a forgotten afterAll), a small
 * watchdog started with the daemon notices within a second and stops it and removes its files.
 *
 * Requires root (as the development environment does). Everything is synchronous: start blocks for
 * about 0.2 s; loadImage of the 1.5 GB builder image for 30-45 s; stop for about 1.5 s, or 7-10 s
 * once the builder image is loaded (deleting its 60,000 files is most of it).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface FreshDaemon {
  /** DOCKER_HOST value, e.g. unix:///tmp/cdk-rust-daemon-xyz/docker.sock */
  readonly host: string;
  /** The daemon's data root (removed by stop). */
  readonly dataRoot: string;
  /** The daemon's log (dockerd and its containerd; removed by stop). */
  readonly logFile: string;
  /** Environment for a docker client talking to this daemon: process.env plus `extra` plus DOCKER_HOST (which wins), without DOCKER_CONTEXT. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** Copies an image from the main daemon (/var/run/docker.sock) into this one (docker save | docker load), keeping its id. Returns the seconds it took. */
  loadImage(image: string): number;
  /** Stops the daemon and removes every file it wrote. Safe to call twice. */
  stop(): void;
}

const DOCKERD = '/usr/sbin/dockerd';
/** Debian's 20.10 client: matches the engine, and sees no buildx plugin (see scripts/dev-env.sh). */
const DOCKER = '/usr/bin/docker';
/** The main daemon, named explicitly: a DOCKER_HOST in the caller's environment must not redirect loadImage. */
const MAIN_HOST = 'unix:///var/run/docker.sock';
const START_TIMEOUT_MS = 60_000;
/** Unix socket paths (sun_path) hold at most 107 bytes plus the terminating NUL. */
const MAX_SOCKET_PATH = 107;

/**
 * Stops the daemon of directory $1 (dockerd pid $2) and removes the directory. Shared by stop() and
 * the watchdog, so that both clean up the same way. Only processes whose command line names the
 * directory are signalled (a recycled pid is left alone), and `rm --one-file-system` never descends
 * into a mount that could not be removed.
 */
const CLEANUP_SH = `
set -u
dir=$1 dockerd_pid=$2
ours() {  # a live (not zombie) process whose command line mentions $dir/ (matched in bash: a grep
  local stat parts  # would itself have $dir/ on its command line); builtins only, no fork per process
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  stat=\${stat##*) }
  [ "\${stat%% *}" != Z ] || return 1
  { mapfile -d '' parts <"/proc/$1/cmdline"; } 2>/dev/null || return 1
  [[ "\${parts[*]}" == *"$dir/"* ]]
}
stop_pid() {  # stop_pid PID GRACE_SECONDS: SIGTERM, then SIGKILL after the grace period
  local i
  ours "$1" || return 0
  kill -TERM "$1" 2>/dev/null
  for ((i = 0; i < $2 * 10; i++)); do ours "$1" || return 0; sleep 0.1; done
  echo "fresh-daemon: pid $1 still running after $2 s: SIGKILL" >&2
  kill -KILL "$1" 2>/dev/null
  for ((i = 0; i < 50; i++)); do ours "$1" || return 0; sleep 0.1; done
  echo "fresh-daemon: pid $1 survived SIGKILL" >&2
  return 1
}
containerd_pid() { cat "$dir/exec/containerd/containerd.pid" 2>/dev/null; }
cpid=$(containerd_pid)
stop_pid "$dockerd_pid" 20
# dockerd stops the containerd it started when it shuts down cleanly; after a SIGKILL it is orphaned.
[ -n "$cpid" ] && stop_pid "$cpid" 10
cpid2=$(containerd_pid)
[ -n "$cpid2" ] && [ "$cpid2" != "$cpid" ] && stop_pid "$cpid2" 10
# BuildKit in dockerd 20.10 runs build steps with runc's default state root (/run/runc, shared with
# the main daemon); a hard stop during a step leaves the step's container there, still running.
for state in /run/runc/*/state.json; do
  [ -f "$state" ] || continue
  grep -qF -- "\\"$dir/" "$state" || continue
  id=\${state%/state.json}; id=\${id##*/}
  echo "fresh-daemon: removing build-step container $id" >&2
  runc delete --force "$id" >&2 || rm -rf "/run/runc/$id"
done
# Anything else still running from the directory (containerd shims, runc of a build step).
for p in /proc/[0-9]*; do
  p=\${p#/proc/}
  [ "$p" = "$$" ] && continue
  ours "$p" && { echo "fresh-daemon: leftover process $p: $(tr '\\0' ' ' <"/proc/$p/cmdline")" >&2; kill -KILL "$p" 2>/dev/null; }
done
# Mounts dockerd leaves behind after a hard stop: the data root bound onto itself, the overlay and
# rootfs mounts of a running build step. Deepest first; lazily when busy.
for attempt in 1 2 3; do
  mounts=$(awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r)
  [ -z "$mounts" ] && break
  for m in $mounts; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
done
if awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { found = 1 } END { exit !found }' /proc/mounts; then
  echo "fresh-daemon: still mounted under $dir:" >&2
  awk -v d="$dir" '$2 == d || index($2, d "/") == 1' /proc/mounts >&2
fi
rm -rf --one-file-system "$dir"
[ ! -e "$dir" ]
`;

/**
 * Waits for process $1 (started at $2, field 22 of /proc/PID/stat) to end, then runs the cleanup
 * (arguments $3...).
 */
const WATCHDOG_SH = `
owner=$1 started=$2
shift 2
alive() {
  local stat
  stat=$(cat "/proc/$owner/stat" 2>/dev/null) || return 1
  stat=\${stat##*) }
  set -- $stat
  [ "$1" != Z ] && [ "\${20}" = "$started" ]
}
while alive; do sleep 1; done
echo "fresh-daemon: process $owner ended without stop(): cleaning up" >&2
exec bash -c "$CLEANUP" cleanup "$@"
`;

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Field 22 of /proc/PID/stat (start time in clock ticks): with the pid, it names one process. */
function processStartTime(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf-8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

/** True while `pid` is a live process (not a zombie) whose command line mentions `marker`. */
function running(pid: number, marker: string): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf-8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf-8').includes(marker);
  } catch {
    return false;
  }
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf-8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Starts `argv` in a session of its own, detached from this process (stdio to `log`); returns its pid. */
function spawnDetached(argv: string[], log: string, env: NodeJS.ProcessEnv = process.env): number {
  // bash forks it and exits at once, so the process is re-parented (not left a zombie of this one,
  // whose event loop does not run while start/stop block) and outlives this process if need be.
  const result = spawnSync('bash', ['-c', 'setsid "$@" </dev/null >>"$0" 2>&1 & echo $!', log, ...argv], { encoding: 'utf-8', env });
  const pid = Number(result.stdout.trim());
  if (result.status !== 0 || !Number.isInteger(pid) || pid <= 0) {
    throw new Error(`could not start ${argv[0]}: ${result.stderr || result.error}`);
  }
  return pid;
}

/** A client environment for `host`: DOCKER_HOST set, and no DOCKER_CONTEXT (which would conflict with it). */
function clientEnv(host: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra, DOCKER_HOST: host };
  delete env.DOCKER_CONTEXT;
  return env;
}

function imageId(host: string, image: string): string | undefined {
  const result = spawnSync(DOCKER, ['image', 'inspect', '--format', '{{.Id}}', image], { encoding: 'utf-8', env: clientEnv(host) });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Starts an empty Docker daemon of its own; blocks until it answers (at most 60 s). */
export function startFreshDaemon(): FreshDaemon {
  // Real path: dockerd reports its data root with symlinks resolved.
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-rust-daemon-')));
  const socket = path.join(dir, 'docker.sock');
  const dataRoot = path.join(dir, 'data');
  const execRoot = path.join(dir, 'exec');
  const logFile = path.join(dir, 'dockerd.log');
  const host = `unix://${socket}`;
  // The longest socket is containerd's, under the exec root.
  const longest = path.join(execRoot, 'containerd', 'containerd.sock.ttrpc');
  if (Buffer.byteLength(longest) > MAX_SOCKET_PATH) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`temporary directory ${dir} is too deep for unix sockets (${longest}): set TMPDIR to a shorter path`);
  }
  // An empty config file: /etc/docker/daemon.json, if any, is the main daemon's.
  fs.writeFileSync(path.join(dir, 'daemon.json'), '{}\n');

  const dockerdPid = spawnDetached(
    [
      DOCKERD,
      `--config-file=${path.join(dir, 'daemon.json')}`,
      `--data-root=${dataRoot}`,
      `--exec-root=${execRoot}`,
      `--pidfile=${path.join(dir, 'docker.pid')}`,
      `--host=${host}`,
      // No bridge network and no iptables rules (a rule on these machines): builds use --network host.
      '--bridge=none',
      '--iptables=false',
      '--ip-masq=false',
      // No --containerd: dockerd starts a containerd of its own under the exec root (the main daemon's
      // is under /var/run/docker). Own namespaces in case a system containerd exists and is used.
      `--containerd-namespace=${path.basename(dir)}`,
      `--containerd-plugins-namespace=${path.basename(dir)}-plugins`,
    ],
    logFile,
  );

  let watchdogPid: number | undefined;
  let stopped = false;
  const killOnExit = () => {
    // Only synchronous work is possible here: ask dockerd to stop; the watchdog removes the files.
    if (!stopped && running(dockerdPid, `${dir}/`)) process.kill(dockerdPid, 'SIGTERM');
  };

  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killOnExit);
    // The watchdog's command line has the directory as an argument of its own (no slash after it).
    if (watchdogPid !== undefined && running(watchdogPid, `${dir}\0`)) process.kill(watchdogPid, 'SIGKILL');
    const result = spawnSync('bash', ['-c', CLEANUP_SH, 'cleanup', dir, String(dockerdPid)], { encoding: 'utf-8', timeout: 300_000 });
    if (result.status !== 0 || fs.existsSync(dir)) {
      throw new Error(
        `stopping the fresh Docker daemon in ${dir} failed (status ${result.status}):\n${result.stderr}${result.error ?? ''}`,
      );
    }
  };

  try {
    watchdogPid = spawnDetached(
      ['bash', '-c', WATCHDOG_SH, 'watchdog', String(process.pid), processStartTime(process.pid), dir, String(dockerdPid)],
      path.join(dir, 'watchdog.log'),
      { ...process.env, CLEANUP: CLEANUP_SH },
    );
    process.on('exit', killOnExit);

    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const info = spawnSync(DOCKER, ['info', '--format', '{{.DockerRootDir}}'], {
        encoding: 'utf-8',
        env: clientEnv(host),
        timeout: 10_000,
      });
      if (info.status === 0) {
        if (info.stdout.trim() !== dataRoot) throw new Error(`the daemon at ${host} reports the data root ${info.stdout.trim()}`);
        break;
      }
      if (!running(dockerdPid, `${dir}/`)) throw new Error('dockerd exited');
      if (Date.now() > deadline) throw new Error(`dockerd did not answer within ${START_TIMEOUT_MS / 1000} s`);
      sleepMs(100);
    }
  } catch (e) {
    const message = `fresh Docker daemon: ${(e as Error).message}; log tail:\n${tail(logFile)}`;
    try {
      stop();
    } catch (cleanup) {
      throw new Error(`${message}\n(and cleaning up failed: ${(cleanup as Error).message})`, { cause: cleanup });
    }
    throw new Error(message, { cause: e });
  }

  return {
    host,
    dataRoot,
    logFile,
    env: (extra) => clientEnv(host, extra),
    loadImage: (image) => {
      if (stopped) throw new Error('the fresh Docker daemon is stopped');
      const want = imageId(MAIN_HOST, image);
      if (!want) throw new Error(`image ${image} is not in the main Docker daemon`);
      const t0 = process.hrtime.bigint();
      // Streamed from one client to the other (the builder image is about 1.5 GB).
      const result = spawnSync(
        'bash',
        ['-o', 'pipefail', '-c', '"$0" -H "$1" save "$3" | "$0" -H "$2" load -q >/dev/null', DOCKER, MAIN_HOST, host, image],
        {
          encoding: 'utf-8',
          env: clientEnv(host),
          timeout: 15 * 60_000,
        },
      );
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (result.status !== 0)
        throw new Error(`docker save ${image} | docker load failed (status ${result.status}): ${result.stderr}${result.error ?? ''}`);
      const got = imageId(host, image);
      if (got !== want) throw new Error(`image ${image} loaded as ${got}, not as ${want}`);
      return seconds;
    },
    stop,
  };
}
