import type { IncomingHttpHeaders } from 'node:http';
import { NotImplementedError } from '@visor/plugin-api';

/**
 * Refuses a request body framed with a transfer coding other than `chunked`
 * (`Transfer-Encoding: gzip, chunked`, say). Node's parser removes only the
 * chunked framing and hands the rest on still encoded: stored as it came, an
 * image would hold gzip bytes while the client meant the decoded ones.
 * RFC 9112 section 6.1: a server that receives a transfer coding it does not
 * understand should answer 501 (Not Implemented).
 * @throws NotImplementedError naming the coding.
 */
export function assertTransferCodings(headers: IncomingHttpHeaders): void {
  const header = headers['transfer-encoding'];
  if (header === undefined) return;
  const unknown = header
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'chunked');
  if (unknown.length === 0) return;
  throw new NotImplementedError(
    `transfer coding '${unknown[0]!.slice(0, 32)}' is not supported: send the body as it is, with Content-Length or Transfer-Encoding: chunked only`,
  );
}
