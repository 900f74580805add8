/**
 * One invocation the Runtime API emulator holds, from the moment its event is queued until it ends: its event, its
 * request and trace ids, the body its response is relayed to, and the one way it ends (`settle`).
 */
import { randomBytes, randomUUID } from 'crypto';
import * as http from 'http';
import { PassThrough } from 'stream';
import { InvocationOutcome, PendingInvocation } from './runtime-api-options';
import { ResponseHead } from './response-stream';

/** An invocation queued for, or running in, the runtime. */
export interface Invocation {
  readonly requestId: string;
  readonly event: Buffer;
  readonly traceId: string;
  readonly body: PassThrough;
  timer?: NodeJS.Timeout;
  settled: boolean;
  /** The runtime's POST of a response it is streaming, while it is being read. */
  streaming?: http.IncomingMessage;
  setHead(head: ResponseHead | undefined): void;
  /** Ends the invocation with `outcome`; later calls do nothing. */
  settle(outcome: InvocationOutcome): void;
}

/**
 * A new invocation of `event`, and the handle its caller waits on.
 *
 * Settling it stops its timer, ends its body, cuts off a response still streaming (a timeout, an abort), calls
 * `onEnd` (where the emulator forgets it), then resolves the outcome.
 */
export function createInvocation(
  event: Buffer,
  onEnd: (invocation: Invocation) => void,
): { readonly invocation: Invocation; readonly pending: PendingInvocation } {
  let settle!: (outcome: InvocationOutcome) => void;
  const outcome = new Promise<InvocationOutcome>((resolve) => {
    settle = resolve;
  });
  let setHead!: (head: ResponseHead | undefined) => void;
  const head = new Promise<ResponseHead | undefined>((resolve) => {
    setHead = resolve;
  });
  const invocation: Invocation = {
    requestId: randomUUID(),
    event,
    traceId: traceId(),
    body: new PassThrough(),
    settled: false,
    setHead,
    settle: (result) => {
      if (invocation.settled) return;
      invocation.settled = true;
      if (invocation.timer) clearTimeout(invocation.timer);
      setHead(undefined);
      invocation.body.end();
      invocation.streaming?.destroy();
      onEnd(invocation);
      settle(result);
    },
  };
  return { invocation, pending: { requestId: invocation.requestId, outcome, head, body: invocation.body } };
}

/** An X-Ray trace header: `Root=1-<epoch seconds, 8 hex>-<24 hex>;Parent=<16 hex>;Sampled=0`. */
function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}
