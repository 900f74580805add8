/**
 * Finding a Docker client that can run BuildKit builds, with real clients: Debian's (BuildKit built
 * in), the machine's preinstalled 28.x client with and without the buildx plugin dev-env.sh builds, a
 * dead daemon socket, and none.
 */
import * as fs from 'fs';
import * as path from 'path';
import { detectDocker } from '../../lib/bundling/docker';
import { clientEnv, devEnv, expectCdkRustError, tempDir } from '../support';

const LEGACY_CLIENT = '/usr/local/bin/docker';

function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  try {
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('the Docker client', () => {
  test('CDK_DOCKER is honoured; a client with BuildKit built in runs classic BuildKit builds', () => {
    const env = devEnv();
    expect(withEnv({ CDK_DOCKER: env.docker }, () => detectDocker())).toEqual({ command: env.docker, mode: 'classic' });
  });

  test('no client: a clear error naming it', () => {
    expectCdkRustError(() => detectDocker('/nonexistent/docker'), 'DOCKER_NOT_FOUND', '/nonexistent/docker', 'CDK_DOCKER');
  });

  test("a daemon that is down: a clear error with Docker's own words", () => {
    const env = devEnv();
    const dead = `unix://${path.join(tempDir('dead'), 'docker.sock')}`;
    withEnv({ DOCKER_HOST: dead }, () =>
      expectCdkRustError(
        () => detectDocker(env.docker),
        'DOCKER_DAEMON_DOWN',
        'not reachable',
        'Cannot connect',
        'start the Docker engine',
      ),
    );
  });

  test("a client without buildx and without BuildKit built in (the machine's 28.x client)", () => {
    devEnv();
    expect(fs.existsSync(LEGACY_CLIENT)).toBe(true);
    withEnv({ DOCKER_CONFIG: undefined }, () =>
      expectCdkRustError(() => detectDocker(LEGACY_CLIENT), 'BUILDKIT_UNAVAILABLE', LEGACY_CLIENT, 'buildx'),
    );
  });

  test('the same client with the buildx plugin (Docker Desktop and Engine 23+ route builds through it) runs buildx builds', () => {
    const buildx = clientEnv('buildx');
    expect(withEnv(buildx, () => detectDocker())).toEqual({ command: LEGACY_CLIENT, mode: 'buildx' });
    // The plugin lives in a DOCKER_CONFIG of its own: Debian's client does not see it, so the two stay apart.
    expect(withEnv({ DOCKER_CONFIG: undefined }, () => detectDocker(devEnv().docker))).toEqual({
      command: devEnv().docker,
      mode: 'classic',
    });
  });
});
