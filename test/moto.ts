/**
 * A local moto server for deploy tests: started on 127.0.0.1 and a free port, with the environment the CDK CLI
 * and boto3 need to talk to it (dummy credentials; the endpoint says `localhost`, which moto's CloudFormation needs
 * to resolve its own template URLs). moto keeps everything in memory: a test starts its own, and stops it.
 */
import { ChildProcess, spawn } from 'child_process';
import { freePort } from './support';

/** A running moto server. */
export interface Moto {
  readonly port: number;
  /** The process environment of a client of this server (CDK CLI, boto3): endpoint, region, dummy credentials. */
  readonly env: NodeJS.ProcessEnv;
  /**
   * The configuration of a deployed Lambda function, from moto's Lambda API (`GetFunction`). moto reads the
   * region and service from the request's SigV4 credential scope and checks no signature, so a scope is enough.
   */
  lambdaFunction(name: string): Promise<{ Configuration: { CodeSha256: string; LastUpdateStatus?: string } }>;
  stop(): void;
}

/** Polls `url` until it answers (any status), or fails after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms: ${error}`, { cause: error });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Starts `moto_server` (preinstalled on the project's machines) and waits until it answers. */
export async function startMoto(region = 'us-east-1'): Promise<Moto> {
  const port = await freePort();
  const proc: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://localhost:${port}`;
  try {
    await waitForHttp(`http://127.0.0.1:${port}/moto-api/`, 30_000);
  } catch (error) {
    proc.kill();
    throw error;
  }
  return {
    port,
    env: {
      ...process.env,
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
    },
    async lambdaFunction(name: string) {
      const scope = `testing/20260101/${region}/lambda/aws4_request`;
      const response = await fetch(`http://127.0.0.1:${port}/2015-03-31/functions/${encodeURIComponent(name)}`, {
        headers: { Authorization: `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host, Signature=0` },
      });
      if (!response.ok) throw new Error(`moto GetFunction ${name}: HTTP ${response.status}: ${await response.text()}`);
      return (await response.json()) as { Configuration: { CodeSha256: string; LastUpdateStatus?: string } };
    },
    stop() {
      proc.kill();
    },
  };
}
