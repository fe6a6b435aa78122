import type restify from 'restify';

/**
 * A request id a client (or a reverse proxy, e.g. nginx's `$request_id`) may
 * send in `x-request-id` to have it kept: 1 to 128 letters, digits and
 * `-_.:@` (enough for UUIDs, ULIDs, W3C trace ids and `host:counter` forms;
 * nothing that could break a log line or a header).
 */
export const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** The client's `x-request-id` when it is one value that passes CLIENT_REQUEST_ID, else Visor's own (a UUID). */
export function requestIdOf(req: restify.Request): string {
  const sent = req.headers['x-request-id'];
  if (typeof sent === 'string' && CLIENT_REQUEST_ID.test(sent)) return sent;
  return req.getId();
}
