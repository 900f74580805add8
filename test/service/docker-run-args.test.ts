/**
 * The `docker run` command line of `cdk-rust run`: the service runs as on Fargate and is reachable from this machine
 * only, with no environment value anywhere in the arguments (which `ps` shows to every user).
 */
import { dockerRunArgs, ContainerRunSpec } from '../../lib/service/docker-run-args';

const SPEC: ContainerRunSpec = {
  container: 'cdk-rust-run-0a1b',
  image: 'cdk-rust:svc',
  port: 8080,
  envFile: '/tmp/e/env',
  network: 'publish',
  init: true,
};

/** The value following `flag` in `args` (every one, for a repeated flag). */
function valuesOf(args: string[], flag: string): string[] {
  return args.flatMap((arg, i) => (arg === flag ? [args[i + 1]] : []));
}

describe('dockerRunArgs: the service listens on 127.0.0.1 only, never on the host network', () => {
  test('with a bridge network, the port is published on 127.0.0.1 only', () => {
    const args = dockerRunArgs(SPEC);
    expect(valuesOf(args, '--network')).toEqual(['bridge']);
    expect(valuesOf(args, '--publish')).toEqual(['127.0.0.1:8080:8080']);
    expect(args).not.toContain('host');
    expect(args.filter((a) => a === '-p' || a.startsWith('--publish-all') || a === '-P')).toEqual([]);
  });

  test('for run --watch, on a port of 127.0.0.1 that Docker picks (cdk-rust holds the service port and relays it)', () => {
    expect(valuesOf(dockerRunArgs({ ...SPEC, hostPort: 0 }), '--publish')).toEqual(['127.0.0.1::8080']);
    expect(valuesOf(dockerRunArgs({ ...SPEC, hostPort: 9001 }), '--publish')).toEqual(['127.0.0.1:9001:8080']);
  });

  test('without one, the container gets a network namespace of its own with no network (cdk-rust relays the port)', () => {
    const args = dockerRunArgs({ ...SPEC, network: 'relay' });
    expect(valuesOf(args, '--network')).toEqual(['none']);
    expect(valuesOf(args, '--publish')).toEqual([]);
    expect(args).not.toContain('host');
  });
});

describe('dockerRunArgs: the container runs as on Fargate, with the least it needs', () => {
  test.each(['publish', 'relay'] as const)('(%s) a read-only root with a tmpfs /tmp, no capabilities, no privilege gain', (network) => {
    const args = dockerRunArgs({ ...SPEC, network });
    expect(args).toContain('--read-only');
    expect(valuesOf(args, '--tmpfs')).toEqual(['/tmp']);
    expect(valuesOf(args, '--cap-drop')).toEqual(['ALL']);
    expect(valuesOf(args, '--cap-add')).toEqual([]);
    expect(valuesOf(args, '--security-opt')).toEqual(['no-new-privileges']);
    expect(args).not.toContain('--privileged');
    // The image's own user (non-root in a RustServiceImage) is kept.
    expect(valuesOf(args, '--user')).toEqual([]);
    expect(args[args.length - 1]).toBe('cdk-rust:svc');
  });

  test('the environment is passed as a file, never as --env NAME=VALUE', () => {
    const args = dockerRunArgs(SPEC);
    expect(valuesOf(args, '--env-file')).toEqual(['/tmp/e/env']);
    expect(args.filter((a) => a === '--env' || a === '-e' || a.includes('='))).toEqual([]);
  });
});

describe('dockerRunArgs: signals reach the binary as on ECS with initProcessEnabled', () => {
  test("an init runs as PID 1 when the task definition turns ECS's on, and not otherwise", () => {
    expect(dockerRunArgs(SPEC)).toContain('--init');
    expect(dockerRunArgs({ ...SPEC, init: false })).not.toContain('--init');
    // Before the image: an option of docker run, not an argument of the service.
    expect(dockerRunArgs(SPEC).indexOf('--init')).toBeLessThan(dockerRunArgs(SPEC).indexOf('cdk-rust:svc'));
  });
});
