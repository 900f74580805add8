/**
 * A test client of the Runtime API emulator: plain HTTP requests, and raw bytes on a socket (to leave headers out or
 * a request unfinished), against the real server. Shared by the tests of lib/invoke/runtime-api*.ts.
 */
import * as http from 'http';
import * as net from 'net';
import { RuntimeApiServer } from '../../lib/invoke/runtime-api';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function request(
  server: RuntimeApiServer,
  method: string,
  urlPath: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const [host, port] = server.address.split(':');
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: Number(port), method, path: urlPath, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf-8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const NEXT = '/2018-06-01/runtime/invocation/next';
export const invocation = (id: string, what: string): string => `/2018-06-01/runtime/invocation/${id}/${what}`;

export interface RawExchange {
  /** Everything the server sent. */
  received: string;
  /** Whether the server closed the connection within the wait. */
  closed: boolean;
}

/**
 * Writes `text` as is on a new connection to the server (so that headers can be left out, or a request left
 * unfinished), and resolves with what came back when the server closes the connection, or after `waitMs`.
 */
export function rawExchange(server: RuntimeApiServer, text: string, waitMs = 3000): Promise<RawExchange> {
  const [host, port] = server.address.split(':');
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), host, () => socket.write(text));
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ received, closed: false });
    }, waitMs);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf-8');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ received, closed: true });
    });
    socket.on('error', reject);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a promise is still pending after the event loop has gone round. */
export async function isPending(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => {
    settled = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return !settled;
}
