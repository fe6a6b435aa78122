/**
 * The path a signature covers: the request path relative to the service's base URL.
 *
 * Visor may be served under a path prefix by a reverse proxy that strips it
 * (`https://images.example.com/visor/images/…` reaches Visor as `/images/…`).
 * Signed requests and presigned URLs then sign the path without that prefix,
 * the path Visor serves (`/images/…`), so one signature holds however the
 * service is reached, and server-made and client-made presigned URLs agree
 * (docs/reverse-proxy.md, "Signing behind a prefix").
 *
 * `pathname` is the request path as sent (percent-encoded); `basePath` the path
 * of the base URL (`/visor`, `/visor/` or `` / `/` for none). A path outside the
 * base path is returned unchanged.
 */
export function signedPath(pathname: string, basePath: string): string {
  const prefix = basePath.replace(/\/+$/, '');
  if (prefix === '' || !pathname.startsWith(`${prefix}/`)) return pathname;
  return pathname.slice(prefix.length);
}
