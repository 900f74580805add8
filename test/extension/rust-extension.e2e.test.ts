/**
 * RustExtension through a real build: the example extension (examples/telemetry-extension) becomes
 * `extensions/telemetry-extension` in the layer's asset, and the binary speaks the Extensions API
 * (register, next, INVOKE, SHUTDOWN) to a stand-in for Lambda's.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RustExtension } from '../../lib';
import { captureStderr, describeBinary, devEnv, hasInterpreter, listFiles, tempDir } from '../support';

const EXTENSION = path.join(__dirname, '..', '..', 'examples', 'telemetry-extension', 'Cargo.toml');

/** A stand-in for Lambda's Extensions API: registers one extension, then hands out `events` in order. */
async function extensionsApi(events: object[]): Promise<{ address: string; requests: http.IncomingMessage[]; close(): void }> {
  const requests: http.IncomingMessage[] = [];
  const queue = [...events];
  const server = http.createServer((req, res) => {
    requests.push(req);
    req.resume();
    if (req.method === 'POST' && req.url === '/2020-01-01/extension/register') {
      res.writeHead(200, { 'Lambda-Extension-Identifier': 'ext-id-1', 'Content-Type': 'application/json' });
      res.end('{"functionName":"fn","functionVersion":"$LATEST","handler":"bootstrap"}');
    } else if (
      req.method === 'GET' &&
      req.url === '/2020-01-01/extension/event/next' &&
      req.headers['lambda-extension-identifier'] === 'ext-id-1'
    ) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(queue.shift()));
    } else {
      res.writeHead(403);
      res.end('{"errorType":"Extension.Forbidden"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { address: `127.0.0.1:${port}`, requests, close: () => server.close() };
}

describe('RustExtension: built for real, the example extension registers, logs invocations and stops on SHUTDOWN', () => {
  test('the layer asset holds only extensions/telemetry-extension (static, 0755), which speaks the Extensions API', async () => {
    const env = devEnv();
    const outdir = tempDir('extension');
    const app = new App({ outdir });
    const stack = new Stack(app, 'Stack');
    captureStderr(() => {
      new RustExtension(stack, 'Telemetry', { manifestPath: EXTENSION, bundling: { builderImage: env.builderImage } });
      app.synth();
    });
    const layer = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::LayerVersion'))[0];
    const assetDir = path.join(outdir, `asset.${String(layer.Properties.Content.S3Key).replace(/\.zip$/, '')}`);
    expect(listFiles(assetDir).map((f) => path.relative(assetDir, f))).toEqual(['extensions/telemetry-extension']);
    const binary = path.join(assetDir, 'extensions', 'telemetry-extension');
    expect(describeBinary(binary)).toMatch(/x86-64.*statically linked/);
    expect(hasInterpreter(binary)).toBe(false);
    expect(fs.statSync(binary).mode & 0o777).toBe(0o755);

    const api = await extensionsApi([
      { eventType: 'INVOKE', requestId: 'req-1', deadlineMs: Date.now() + 3000 },
      { eventType: 'INVOKE', requestId: 'req-2', deadlineMs: Date.now() + 3000 },
      { eventType: 'SHUTDOWN', shutdownReason: 'spindown', deadlineMs: Date.now() + 2000 },
    ]);
    try {
      const child = spawn(binary, [], { env: { AWS_LAMBDA_RUNTIME_API: api.address } });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(0);
      expect(stdout).toBe(
        '[telemetry-extension] registered\n[telemetry-extension] invoke req-1\n[telemetry-extension] invoke req-2\n' +
          '[telemetry-extension] shutdown (spindown)\n',
      );
      expect(api.requests[0].headers['lambda-extension-name']).toBe('telemetry-extension');
      expect(api.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        'POST /2020-01-01/extension/register',
        ...Array(3).fill('GET /2020-01-01/extension/event/next'),
      ]);
    } finally {
      api.close();
    }
  });
});
