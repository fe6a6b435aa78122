/**
 * The StringToSign of a Visor signed request (issue 3, "Signed requests"):
 *
 *   METHOD \n Content-MD5 \n Content-Type \n (x-visor-date or Date) \n
 *   lower-cased-name:trimmed-value \n   for each x-image-meta-* / x-visor-* header but x-visor-date, sorted by name
 *   path as sent [ ? query pairs sorted by name, then value, in byte order, as sent ]
 */

/** A request as it is sent on the wire, before or after signing. */
export interface SignableRequest {
  /** HTTP method, e.g. `PUT`. Used as given (send it upper-case). */
  method: string;
  /** Request path as sent: percent-encoded, without the query. */
  path: string;
  /** Raw query string without `?`; `''` or `undefined` when there is none. */
  query?: string;
  /** Request headers; names in any case, values as sent (a number as its decimal text). */
  headers: Record<string, string | number | readonly string[] | undefined>;
}

/** Compares two strings by their UTF-8 bytes (what "byte order" means for the query). */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Headers by lower-cased name. A header sent several times (an array, or
 * names differing only in case) is joined with `, `, as the receiving server
 * folds repeated field lines into one value (RFC 9110 section 5.3; Node does
 * exactly this): signer and verifier then see the same text. Numbers (a
 * `content-length` given as one) are signed as their decimal text.
 */
function normalizeHeaders(headers: SignableRequest['headers']): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const value = (Array.isArray(raw) ? raw.map((v) => String(v).trim()).join(', ') : String(raw)).trim();
    const key = name.toLowerCase();
    const previous = out.get(key);
    out.set(key, previous === undefined ? value : `${previous}, ${value}`);
  }
  return out;
}

/** The query pairs split on `&`, kept as sent, sorted by name then value in byte order. */
export function canonicalQuery(query: string | undefined): string {
  if (query === undefined || query === '') return '';
  const pairs = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    return eq === -1 ? { name: pair, value: '', pair } : { name: pair.slice(0, eq), value: pair.slice(eq + 1), pair };
  });
  pairs.sort((a, b) => compareBytes(a.name, b.name) || compareBytes(a.value, b.value));
  return pairs.map((p) => p.pair).join('&');
}

function isSignedHeader(name: string): boolean {
  return (name.startsWith('x-image-meta-') || name.startsWith('x-visor-')) && name !== 'x-visor-date';
}

/** Builds the StringToSign of a request. */
export function stringToSign(request: SignableRequest): string {
  const headers = normalizeHeaders(request.headers);
  const date = headers.get('x-visor-date') ?? headers.get('date') ?? '';
  let out = `${request.method}\n${headers.get('content-md5') ?? ''}\n${headers.get('content-type') ?? ''}\n${date}\n`;
  const names = [...headers.keys()].filter(isSignedHeader).sort(compareBytes);
  for (const name of names) out += `${name}:${headers.get(name)}\n`;
  out += request.path;
  const query = canonicalQuery(request.query);
  if (query !== '') out += `?${query}`;
  return out;
}
