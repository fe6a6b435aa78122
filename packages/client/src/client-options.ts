/** `new VisorClient(options)` was given options it cannot work with; `option` names the one. */
export class ClientOptionsError extends TypeError {
  readonly code = 'InvalidClientOptions';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`new VisorClient: ${message}`);
    this.name = 'ClientOptionsError';
  }
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'function') return 'a function';
  return value === null ? 'null' : typeof value;
}

/**
 * Checks what `new VisorClient()` was given before anything uses it: `url`
 * an absolute http(s) URL, `accessKey` and `secretKey` non-empty strings given
 * together, `fetch` and `now` functions. Throws ClientOptionsError naming the
 * option, what it must be, and what it got.
 */
export function checkClientOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null) {
    throw new ClientOptionsError('options', `give an options object, e.g. { url: 'http://127.0.0.1:4568' }; got ${shown(options)}`);
  }
  const { url, accessKey, secretKey, fetch, now } = options as Record<string, unknown>;
  const urlRule = "'url' must be the server's absolute http:// or https:// URL, e.g. 'http://127.0.0.1:4568'";
  if (typeof url !== 'string' && !(url instanceof URL)) throw new ClientOptionsError('url', `${urlRule}; got ${shown(url)}`);
  const parsed = URL.canParse(String(url)) ? new URL(String(url)) : null;
  if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) throw new ClientOptionsError('url', `${urlRule}; got ${shown(String(url))}`);
  for (const [name, value] of [['accessKey', accessKey], ['secretKey', secretKey]] as const) {
    if (value !== undefined && (typeof value !== 'string' || value === '')) throw new ClientOptionsError(name, `'${name}' must be a non-empty string; got ${shown(value)}`);
  }
  if ((accessKey === undefined) !== (secretKey === undefined)) {
    throw new ClientOptionsError(accessKey === undefined ? 'accessKey' : 'secretKey', 'give both accessKey and secretKey (to sign requests), or neither');
  }
  if (fetch !== undefined && typeof fetch !== 'function') throw new ClientOptionsError('fetch', `'fetch' must be a fetch function; got ${shown(fetch)}`);
  if (now !== undefined && typeof now !== 'function') throw new ClientOptionsError('now', `'now' must be a function returning a Date; got ${shown(now)}`);
}
