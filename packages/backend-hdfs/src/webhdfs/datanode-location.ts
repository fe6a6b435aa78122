import { WebHdfsProtocolError } from './errors.js';

/**
 * Rewrites for datanode addresses a namenode hands out that this host cannot
 * use as they are (a cluster's internal DNS names, a container's address):
 * keys `host` or `host:port` as the redirect names them, values `host` or
 * `host:port` to connect to instead. A `host:port` key wins over a bare host.
 */
export type DatanodeRewrites = ReadonlyMap<string, string>;

/**
 * The URL to send step two of CREATE or OPEN to, from the `Location` a
 * namenode answered (WebHDFS REST API, "Create and Write to a File": the 307
 * Location header, or the `{"Location": ...}` body with noredirect=true).
 * Only http and https URLs without user information are followed.
 */
export function datanodeUrl(location: string, rewrites: DatanodeRewrites): URL {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new WebHdfsProtocolError(`the namenode redirected to something that is not a URL`, 'namenode');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WebHdfsProtocolError(`the namenode redirected to a ${url.protocol} URL; only http and https are followed`, 'namenode');
  }
  if (url.username !== '' || url.password !== '') {
    throw new WebHdfsProtocolError('the namenode redirected to a URL with user information', 'namenode');
  }
  const target = rewrites.get(url.host) ?? rewrites.get(url.hostname);
  if (target !== undefined) {
    const rewritten = new URL(`${url.protocol}//${target}`);
    url.hostname = rewritten.hostname;
    if (rewritten.port !== '') url.port = rewritten.port;
  }
  return url;
}
