/**
 * The peer, cargo-lambda (1.9.2 + zig from PyPI) and cargo-lambda-cdk (0.0.36 from npm), installed into the work
 * dir once per run and shared by the scenarios that measure against it (8, 16, 21). Its one-time toolchain set-up
 * (zig's own caches) is warmed on a hello-world crate, untimed, so that no measured build pays for it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Context } from './context';
import { BenchError, probe, progress, tail, timed } from './support';
import { Workbench } from './workbench';

export const PEER_NPM = 'cargo-lambda-cdk@0.0.36';
export const PEER_PIP = ['cargo-lambda==1.9.2', 'ziglang'];

/** The installed peer: the environment that runs it (PATH, PYTHONPATH, NODE_PATH, zig's caches) and its versions. */
export interface Peer {
  readonly env: NodeJS.ProcessEnv;
  readonly versions: Record<string, string | undefined>;
  /** How long the install took, for the tables' notes. */
  readonly installNote: string;
}

/** One install per work dir: the peer, or why it could not be installed (every later caller gets the same error). */
const installed = new Map<string, Peer | Error>();

/**
 * The peer, installed on first use (npm, pip, then a warm-up build of a tiny crate); throws a BenchError saying what
 * failed, then and on every later call of this run.
 */
export function ensurePeer(ctx: Context, wb: Workbench, label: string): Peer {
  let peer = installed.get(ctx.work);
  if (!peer) {
    try {
      peer = installPeer(ctx, wb, label);
    } catch (error) {
      peer = error instanceof Error ? error : new Error(String(error));
    }
    installed.set(ctx.work, peer);
  }
  if (peer instanceof Error) throw peer;
  return peer;
}

function installPeer(ctx: Context, wb: Workbench, label: string): Peer {
  const dir = path.join(ctx.work, 'peer');
  fs.mkdirSync(dir, { recursive: true });
  progress(`${label}: npm install ${PEER_NPM} (into the work dir; aws-cdk-lib and constructs from our node_modules)`);
  const npm = timed(
    `${label}-npm-install`,
    'npm',
    ['install', '--prefix', path.join(dir, 'npm'), '--no-audit', '--no-fund', '--legacy-peer-deps', '--no-save', PEER_NPM],
    { allowFailure: true },
  );
  if (npm.status !== 0) throw new BenchError(`npm install ${PEER_NPM} failed:\n${tail(npm.log, 15)}`);
  progress(`${label}: pip install ${PEER_PIP.join(' ')} (into the work dir)`);
  const pip = timed(
    `${label}-pip-install`,
    'python3',
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--target', path.join(dir, 'py'), ...PEER_PIP],
    { allowFailure: true },
  );
  if (pip.status !== 0) throw new BenchError(`pip install ${PEER_PIP.join(' ')} failed:\n${tail(pip.log, 15)}`);
  const env: NodeJS.ProcessEnv = {
    ...wb.appEnv(),
    PATH: `${path.join(dir, 'py', 'bin')}:${ctx.env.PATH}`,
    PYTHONPATH: path.join(dir, 'py'),
    // zig's and cargo-zigbuild's caches stay in the work dir.
    XDG_CACHE_HOME: path.join(dir, 'cache'),
    NODE_PATH: `${path.join(dir, 'npm', 'node_modules')}:${path.join(ctx.repo, 'node_modules')}`,
  };
  const version = probe('cargo', ['lambda', '--version'], env);
  if (!version) {
    const why = timed(`${label}-cargo-lambda-version`, 'cargo', ['lambda', '--version'], { env, allowFailure: true });
    throw new BenchError(`\`cargo lambda --version\` fails after the install:\n${tail(why.log, 10)}`);
  }
  const zig = probe('python3', ['-m', 'ziglang', 'version'], env);
  const hello = path.join(dir, 'hello');
  fs.mkdirSync(path.join(hello, 'src'), { recursive: true });
  fs.writeFileSync(path.join(hello, 'Cargo.toml'), '[package]\nname = "hello"\nversion = "0.1.0"\nedition = "2021"\n');
  fs.writeFileSync(path.join(hello, 'src', 'main.rs'), 'fn main() { println!("hello"); }\n');
  progress(`${label}: warming cargo-lambda/zig on a tiny crate (untimed)`);
  const warm = timed(`${label}-peer-warmup`, 'cargo', ['lambda', 'build', '--release', '--x86-64'], {
    cwd: hello,
    env,
    allowFailure: true,
  });
  if (warm.status !== 0) throw new BenchError(`cargo lambda build of a hello-world crate fails:\n${tail(warm.log, 15)}`);
  return {
    env,
    versions: { cargoLambda: version, zig, cargoLambdaCdk: PEER_NPM },
    installNote: `peer installed in ${npm.seconds.toFixed(1)} s (npm) + ${pip.seconds.toFixed(1)} s (pip)`,
  };
}
