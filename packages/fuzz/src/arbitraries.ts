import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { Framing } from './wire.js';

/**
 * A generated request, before the ids and signature it needs are filled in
 * at send time (see case-to-wire.ts): `{id}` in the path stands for an image
 * of the run's pool (slot `idSlot`), `{user}` for a known access key.
 */
export interface FuzzCase {
  method: string;
  /** Path template, `{id}` / `{ID}` (upper case) / `{user}` filled in when sent; may hold any bytes. */
  path: string;
  /** Raw query without `?`; '' for none. */
  query: string;
  headers: Array<[string, string]>;
  body: Buffer;
  framing: Framing;
  chunkSizes: number[];
  cutFraction: number;
  /** Access control on: who signs (a forged signature uses a wrong secret). */
  signer: 'admin' | 'user' | 'none' | 'forged';
  idSlot: number;
}

/** Strings meant to break things: surrogates, controls of every range, noncharacters, markup, escapes. */
const NASTY_PIECES = [
  '\ud800', '\udfff', '\udbff\udfff', '\ud83d\ude00', '\u0000', '\u0001', '\u0007', '\t', '\n', '\r', '\u001f', '\u007f', '\u0080',
  '\u0085', '\u009f', '\u00a0', '\u00ff', '\u0100', '\u200b', '\u202e', '\u2028', '\ufdd0', '\ufdef', '\ufeff', '\ufffd', '\ufffe',
  '\uffff', '\ud83f\udffe', 'Straße', '日本語', '%', '%25', '%ZZ', '%ED%A0%80', '%C3%28', '%00', '%0d%0a', '../', '..\\', '<', '>',
  '&', '&amp;', '&#0;', '&#xD800;', ']]>', '"', "'", '\\', '\\u0000', '${x}', '__proto__', 'constructor', ' ', '',
];

/** Client text of every kind: ordinary, any code point (lone surrogates included), and nasty pieces. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 4, arbitrary: fc.array(fc.oneof(fc.constantFrom(...NASTY_PIECES), fc.string({ maxLength: 4 })), { maxLength: 6 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('a', 'é', '\ud83d\ude00', '%'), fc.integer({ min: 60, max: 5000 })).map(([c, n]) => c.repeat(n)) },
);

const ARCHITECTURES = ['i386', 'x86_64', 'aarch64', 'armv7l', 'ppc64le', 's390x', 'riscv64'];
const FIELD_NAMES = [
  'name', 'architecture', 'access', 'type', 'format', 'store', 'kernel', 'ramdisk', 'id', 'uri', 'owner', 'status', 'location', 'size',
  'checksum', 'sha256', 'created_at', 'access_count', 'distro', 'release', 'a_b', 'ab', 'build_id', '__proto__', 'constructor', 'toString',
];

const propertyName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...FIELD_NAMES) },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,70}$/) },
  { weight: 2, arbitrary: hostileText },
);

const validFieldValue = fc.oneof(
  fc.constantFrom(...ARCHITECTURES, 'public', 'private', 'machine', 'kernel', 'ramdisk', 'raw', 'qcow2', 'iso', 'default', 'nosuchstore'),
  fc.uuid(),
);

const propertyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileText },
  { weight: 2, arbitrary: validFieldValue },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** Text the rules accept: any character but controls, surrogates and noncharacters; tab, LF and CR sometimes. */
const fairText = fc.string({ unit: fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), fc.constantFrom('\t', '\n', '\r', ' ', '%', '&', '<', '\u00a0', '\u200b')), maxLength: 30 });

/** Members a registration or update accepts, so that what is stored gets compared with what was answered. */
const fairMembers: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    name: fairText.filter((text) => text.trim() !== '' && !/[\t\n\r]/.test(text)),
    access: fc.constantFrom('public', 'private'),
    format: fc.constantFrom('raw', 'qcow2', 'iso', null),
    props: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/), fc.oneof(fairText, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean()), { maxKeys: 5 }),
  },
  { requiredKeys: [] },
).map(({ props, ...fields }) => ({ ...fields, ...props }));

/** An `image` object: fair members (mostly), hostile ones, or a mix; usually with a name and architecture. */
const imageObject: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.boolean(),
    fc.oneof(fairText, hostileText, fc.constant('Debian 12')),
    fc.constantFrom(...ARCHITECTURES),
    fc.oneof({ weight: 3, arbitrary: fairMembers }, { weight: 2, arbitrary: fc.dictionary(propertyName, propertyValue, { maxKeys: 6 }) }),
  )
  .map(([base, name, architecture, rest]) => (base ? { name, architecture, ...rest } : rest));

function deepNesting(open: string, close: string, depth: number): string {
  return open.repeat(depth) + close.repeat(depth);
}

const jsonBody: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 8, arbitrary: imageObject.map((image) => Buffer.from(JSON.stringify({ image }))) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => Buffer.from(JSON.stringify(value) ?? 'null')) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 30_000 }).map((depth) => Buffer.from(`{"image":${deepNesting('[', ']', depth)}}`)) },
  { weight: 1, arbitrary: fc.tuple(imageObject, fc.nat()).map(([image, cut]) => {
    const text = Buffer.from(JSON.stringify({ image }));
    return text.subarray(0, cut % (text.length + 1));
  }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.concat([Buffer.from('{"image":{"name":"'), Buffer.from(bytes), Buffer.from('","architecture":"x86_64"}}')])) },
  { weight: 1, arbitrary: imageObject.map((image) => Buffer.from(`\ufeff${JSON.stringify({ image })}`)) },
);

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function xmlElement(name: string, value: unknown, raw: boolean): string {
  const isName = /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name);
  const open = isName ? `<${name}` : `<entry name="${xmlEscape(name)}"`;
  const close = isName ? `</${name}>` : '</entry>';
  if (value === null) return `${open} nil="true"/>`;
  if (typeof value === 'number') return `${open} type="number">${String(value)}${close}`;
  if (typeof value === 'boolean') return `${open} type="boolean">${String(value)}${close}`;
  if (typeof value === 'object') return `${open}>${Object.entries(value as object).map(([k, v]) => xmlElement(k, v, raw)).join('')}${close}`;
  return `${open}>${raw ? String(value) : xmlEscape(String(value))}${close}`;
}

const XML_TRICKS = [
  '<!DOCTYPE image [<!ENTITY x SYSTEM "file:///etc/passwd">]><image><name>&x;</name><architecture>x86_64</architecture></image>',
  '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><image><name>&lol2;</name></image>',
  '<image><name>a&#0;b</name><architecture>x86_64</architecture></image>',
  '<image><name>a&#xD800;b</name><architecture>x86_64</architecture></image>',
  '<image><name>a&#x85;b</name><architecture>x86_64</architecture></image>',
  '<image><name>&unknown;</name><architecture>x86_64</architecture></image>',
  '<image><name><![CDATA[<x>&]]></name><architecture>x86_64</architecture></image>',
  '<image><name>x</name><architecture>x86_64</architecture></image><image/>',
  '<image><name>x</name><architecture>x86_64</architecture><!-- c --><?pi x?></image>',
  '<image><name>x</name><name>y</name><architecture>x86_64</architecture></image>',
  '<image><__proto__>x</__proto__><name>x</name><architecture>x86_64</architecture></image>',
  '<image><name type="number">1e999</name><architecture>x86_64</architecture></image>',
  '<image xmlns:a="urn:x"><a:name>x</a:name><architecture>x86_64</architecture></image>',
  '<?xml version="1.1" encoding="ISO-8859-1"?><image><name>x</name><architecture>x86_64</architecture></image>',
];

const xmlBody: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(imageObject, fc.boolean()).map(([image, raw]) => Buffer.from(xmlElement('image', image, raw))) },
  { weight: 2, arbitrary: fc.constantFrom(...XML_TRICKS).map((text) => Buffer.from(text)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((depth) => Buffer.from(`<image>${deepNesting('<a>', '</a>', depth)}</image>`)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.concat([Buffer.from('<image><name>'), Buffer.from(bytes), Buffer.from('</name><architecture>x86_64</architecture></image>')])) },
);

/** Header values as they go on the wire: Latin-1 strings; CR and LF become spaces unless `framingTrick`. */
function wireValue(text: string, framingTrick: boolean): string {
  const bytes = Buffer.from(text, 'utf8').toString('latin1');
  return framingTrick ? bytes : bytes.replace(/[\r\n]/g, ' ');
}

/** A header value: percent-encoded UTF-8 (as documented), raw UTF-8 bytes, or hostile bytes. */
const headerValue = fc.oneof(
  { weight: 12, arbitrary: hostileText.map((text) => { try { return encodeURIComponent(text); } catch { return '%ED%A0%80'; } }) },
  { weight: 9, arbitrary: hostileText.map((text) => wireValue(text, false)) },
  { weight: 2, arbitrary: fc.tuple(hostileText, fc.boolean()).map(([text, trick]) => wireValue(text, trick)) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: 1000, max: 16_000 }), fc.integer({ min: 16_000, max: 20_000 })).map((n) => 'x'.repeat(n)) },
);

const metaHeaderName = fc.oneof(
  fc.constantFrom('name', 'architecture', 'access', 'type', 'format', 'store', 'kernel', 'ramdisk', 'size', 'checksum', 'sha256', 'id', 'status', 'distro', 'build-id', 'Build-Id', 'a_b'),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/),
).map((name) => `x-image-meta-${name}`);

const ACCEPTS = [
  'application/json', 'application/xml', 'text/xml', '*/*', 'application/*', 'text/*', 'application/octet-stream', 'text/html', 'image/png',
  'application/xml;q=0.9, application/json;q=0.1', 'application/json;q=0', 'application/xml;q=abc', ';;;,,,', '*/*;q=0', 'APPLICATION/XML',
];
const CONTENT_TYPES = [
  'application/json', 'application/xml', 'text/xml', 'application/octet-stream', 'application/json; charset=utf-8', 'application/json; charset=latin1',
  'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain', 'APPLICATION/OCTET-STREAM', ';', '',
];
const RANGES = ['bytes=0-5', 'bytes=-1', 'bytes=5-', 'bytes=0-0', 'bytes=-0', 'bytes=0-1,3-4', 'bytes=9-2', 'bytes=99999999999999999999-', 'bytes=', 'items=0-1', 'bytes=0-5 '];
const ETAGS = ['*', '"abc"', 'W/"abc"', '"', 'W/', ',', '"a", *', ''];
const DATES = ['Mon, 01 Jan 2001 00:00:00 GMT', 'Thu, 01 Jan 2099 00:00:00 GMT', 'yesterday', '0', new Date().toUTCString()];

/** One optional header: the common request headers, with good and bad values. */
const extraHeader: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(fc.constant('Accept'), fc.oneof(fc.constantFrom(...ACCEPTS), headerValue)),
  fc.tuple(fc.constant('Range'), fc.oneof(fc.constantFrom(...RANGES), headerValue)),
  fc.tuple(fc.constantFrom('If-None-Match', 'If-Match', 'If-Range'), fc.oneof(fc.constantFrom(...ETAGS), headerValue)),
  fc.tuple(fc.constantFrom('If-Modified-Since', 'If-Unmodified-Since', 'Date'), fc.oneof(fc.constantFrom(...DATES), headerValue)),
  fc.tuple(fc.constant('Expect'), fc.constantFrom('100-continue', '100-CONTINUE', 'nothing', '')),
  fc.tuple(fc.constant('Content-MD5'), fc.oneof(fc.constantFrom('1B2M2Y8AsgTpgAmY7PhCfg==', 'AAAA', ''), headerValue)),
  fc.tuple(metaHeaderName, headerValue),
  fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,30}$/), headerValue),
  fc.tuple(fc.constantFrom('Content-Type', 'Accept', 'x-image-meta-name'), fc.constantFrom('application/json', 'application/xml', 'x')),
);

const ID_PATHS = ['/images/{id}', '/images/{id}/meta', '/images/{ID}', '/images/{id}/members', '/images/{id}/members/{user}', '/images/{id}/url', '/images/{id}/history'];
const PLAIN_PATHS = ['/images', '/images/detail', '/status', '/stats', '/users', '/users/me', '/users/{user}', '/users/{user}/rotate'];
const NEAR_MISSES = [
  '/images/', '//images', '/images/{id}/', '/images/{id}/meta/x', '/IMAGES', '/images/{id}%00', '/images/%2e%2e/%2e%2e/etc/passwd', '/images/..%2f..%2f',
  '/images/{id}/../../status', '*', 'http://127.0.0.1/images', '/images?', '/%ff', '/images/%ED%A0%80', '/images/%', '/images/\u00ff', '/images/ space',
];

const pathTemplate: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ID_PATHS) },
  { weight: 3, arbitrary: fc.constantFrom(...PLAIN_PATHS) },
  { weight: 2, arbitrary: fc.constantFrom(...NEAR_MISSES) },
  { weight: 1, arbitrary: hostileText.map((text) => `/images/${encodeURIComponentLoose(text)}`) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 12_000 }).map((n) => `/images/${'a'.repeat(n)}`) },
);

function encodeURIComponentLoose(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return Buffer.from(text, 'utf8').toString('latin1');
  }
}

const queryPair = fc.tuple(
  fc.oneof(fc.constantFrom('sort', 'dir', 'limit', 'marker', 'ttl', 'name', 'architecture', 'size', 'uri', 'distro', 'access_key', 'expires', 'signature'), hostileText),
  fc.oneof(fc.constantFrom('name', 'desc', 'asc', '10', '0', '1001', '-1', '1e3', 'created_at', 'x86_64', '60'), hostileText),
  fc.boolean(),
).map(([name, value, encoded]) => (encoded ? `${encodeURIComponentLoose(name)}=${encodeURIComponentLoose(value)}` : `${wireValue(name, false)}=${wireValue(value, false)}`).replace(/[ #]/g, '+'));

const query = fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 2, arbitrary: fc.array(queryPair, { minLength: 1, maxLength: 4 }).map((pairs) => pairs.join('&')) });

const framing = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Framing>('length') },
  { weight: 3, arbitrary: fc.constant<Framing>('chunked') },
  { weight: 1, arbitrary: fc.constant<Framing>('declared-longer') },
  { weight: 1, arbitrary: fc.constant<Framing>('declared-shorter') },
  { weight: 1, arbitrary: fc.constant<Framing>('cut') },
);

/** A file upload: bytes, and metadata headers whose size and digests are right, wrong, or absent. */
const upload = fc
  .tuple(fc.uint8Array({ maxLength: 70_000 }), fc.constantFrom('none', 'right', 'wrong'), fc.array(fc.tuple(metaHeaderName, headerValue), { maxLength: 4 }), fc.boolean())
  .map(([bytes, digests, meta, named]) => {
    const body = Buffer.from(bytes);
    const headers: Array<[string, string]> = [['Content-Type', 'application/octet-stream']];
    if (named) headers.push(['x-image-meta-name', 'fuzz%20upload'], ['x-image-meta-architecture', 'x86_64']);
    if (digests !== 'none') {
      const md5 = createHash('md5').update(body).digest();
      if (digests === 'wrong') md5[0]! ^= 1;
      headers.push(['x-image-meta-size', String(body.length)], ['Content-MD5', md5.toString('base64')]);
      headers.push(['x-image-meta-sha256', createHash('sha256').update(body).digest('hex')]);
    }
    headers.push(...meta);
    return { headers, body };
  });

const metadataBody = fc.oneof(
  fc.tuple(fc.constantFrom('application/json', 'application/json; charset=utf-8', ''), jsonBody),
  fc.tuple(fc.constantFrom('application/xml', 'text/xml'), xmlBody),
).map(([type, body]) => ({ headers: type === '' ? [] : ([['Content-Type', type]] as Array<[string, string]>), body }));

const anyBody = fc.oneof(
  { weight: 6, arbitrary: metadataBody },
  { weight: 3, arbitrary: upload },
  { weight: 2, arbitrary: fc.constant({ headers: [] as Array<[string, string]>, body: Buffer.alloc(0) }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...CONTENT_TYPES), fc.uint8Array({ maxLength: 2000 })).map(([type, bytes]) => ({ headers: [['Content-Type', type]] as Array<[string, string]>, body: Buffer.from(bytes) })) },
);

const method = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE') },
  { weight: 1, arbitrary: fc.constantFrom('PATCH', 'OPTIONS', 'TRACE', 'get', 'FOO', 'CONNECT') },
);

const caseFields = {
  framing,
  chunkSizes: fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 4 }),
  cutFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  signer: fc.constantFrom<FuzzCase['signer']>('admin', 'admin', 'admin', 'user', 'user', 'none', 'forged'),
  idSlot: fc.nat(),
  extra: fc.array(extraHeader, { maxLength: 4 }),
};

/** Anything: any method on any path, any body. */
const anyRequest = fc.record({ method, path: pathTemplate, query, body: anyBody, ...caseFields });

/** What clients do (register, update, upload, read, list, delete), each with hostile variations. */
const operation = fc.oneof(
  fc.record({ method: fc.constant('POST'), path: fc.constant('/images'), query: fc.constant(''), body: fc.oneof(metadataBody, upload), ...caseFields }),
  fc.record({ method: fc.constant('PUT'), path: fc.constant('/images/{id}'), query: fc.constant(''), body: fc.oneof(metadataBody, upload), ...caseFields }),
  fc.record({ method: fc.constantFrom('GET', 'HEAD'), path: fc.constantFrom('/images/{id}', '/images/{id}/meta', '/images/{ID}'), query: fc.constant(''), body: fc.constant({ headers: [] as Array<[string, string]>, body: Buffer.alloc(0) }), ...caseFields }),
  fc.record({ method: fc.constantFrom('GET', 'HEAD'), path: fc.constantFrom('/images', '/images/detail'), query, body: fc.constant({ headers: [] as Array<[string, string]>, body: Buffer.alloc(0) }), ...caseFields }),
  fc.record({ method: fc.constant('DELETE'), path: fc.constant('/images/{id}'), query: fc.constant(''), body: fc.constant({ headers: [] as Array<[string, string]>, body: Buffer.alloc(0) }), ...caseFields }),
);

/** Any request a client could send: known operations and known routes, near misses, hostile headers, bodies and framings. */
export const fuzzCase: fc.Arbitrary<FuzzCase> = fc
  .oneof({ weight: 3, arbitrary: operation }, { weight: 2, arbitrary: anyRequest })
  .map(({ body, extra, ...rest }) => ({ ...rest, headers: [...body.headers, ...extra], body: body.body }));
