import { SourceFetchError } from './fetch-errors.js';

/**
 * Parses a source location (or a redirect's target): an absolute `http:` or
 * `https:` URL without credentials. WHATWG URL parsing normalises the host
 * (lower case, IPv4 in dotted decimal, `0x7f.1` → `127.0.0.1`), so the
 * address checks see what a connection would use.
 *
 * Throws SourceFetchError `refused` naming what is wrong. Credentials are
 * refused rather than hidden: a URL stored with a password would be shown
 * back to every client that reads the image's location; private mirrors get
 * their token from the store's `headers` option instead.
 */
export function parseSourceUrl(text: string, base?: URL): URL {
  let url: URL;
  try {
    url = base === undefined ? new URL(text) : new URL(text, base);
  } catch {
    throw new SourceFetchError('refused', base ? base.host : '', `'${text}' is not an absolute http:// or https:// URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SourceFetchError('refused', url.host, `scheme '${url.protocol.slice(0, -1)}' is not allowed: only http and https`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new SourceFetchError('refused', url.host, 'URLs with credentials (user:password@) are refused; give a token in the store\'s `headers` option instead');
  }
  if (url.hostname === '') throw new SourceFetchError('refused', '', `'${text}' names no host`);
  return url;
}

/** The URL's host name without the brackets of an IPv6 literal. */
export function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}
