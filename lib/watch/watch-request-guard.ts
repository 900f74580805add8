/**
 * What `cdk-rust watch` serves, and to whom: requests addressed to its own loopback address and port, from programs
 * (curl, a test) and from a browser's own navigation, never from a web page of another origin. The functions it runs
 * may hold the developer's AWS credentials (`--aws-credentials`): a page must neither invoke them (a cross-origin
 * request or CORS preflight) nor read their answers (DNS rebinding, caught by the Host check). See
 * lib/private/request-guard.ts for the rules.
 */
import * as http from 'http';
import { guardRequests, RequestRefusal } from '../private/request-guard';
import { json } from './function-url-event';

/** `handler`, behind the Host and Origin checks; refused requests get 403 with a JSON `message`. */
export function guardWatchRequests(handler: http.RequestListener): http.RequestListener {
  return guardRequests('same-origin', refuseWatchRequest, handler);
}

function refuseWatchRequest(res: http.ServerResponse, refusal: RequestRefusal): void {
  const message =
    refusal.reason === 'host'
      ? `cdk-rust watch only serves requests addressed to 127.0.0.1, localhost or [::1] and its port; this request has ${refusal.carries}.`
      : `cdk-rust watch does not serve web pages of other origins; this request carries ${refusal.carries}.`;
  const response = json(403, { message });
  res.writeHead(response.statusCode, { ...response.headers, 'content-length': response.body.length });
  res.end(response.body);
}
