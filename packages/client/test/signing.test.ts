import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  authorizationHeader,
  parseAuthorization,
  presign,
  presignString,
  safeEqual,
  sign,
  stringToSign,
  type SignableRequest,
} from '../src/index.js';

// The test vectors of issue 3, "Signed requests". Do not change them.
const SECRET = 'cGxlYXNlLWRvLW5vdC11c2UtdGhpcy1zZWNyZXQtMTIzNA==';
const PATH = '/images/6f1c2a9e-1b7d-4c1e-9a55-0c8e2f3b4a10';
const VECTOR: SignableRequest = {
  method: 'PUT',
  path: PATH,
  query: 'name=Debian%2012&arch=x86_64',
  headers: {
    'Content-Type': 'application/octet-stream',
    'x-visor-date': 'Tue, 24 Nov 2026 10:00:00 GMT',
    'X-Image-Meta-Name': 'Debian%2012',
    'x-image-meta-architecture': 'x86_64',
  },
};
const VECTOR_STRING_TO_SIGN =
  'PUT\n\napplication/octet-stream\nTue, 24 Nov 2026 10:00:00 GMT\nx-image-meta-architecture:x86_64\nx-image-meta-name:Debian%2012\n/images/6f1c2a9e-1b7d-4c1e-9a55-0c8e2f3b4a10?arch=x86_64&name=Debian%2012';
const VECTOR_AUTHORIZATION = 'VISOR alice:Tu/lIwd7Y65WCf60EQQ9pzTXzE5fASo3efhlNVYptyA=';
const PRESIGNED_SIGNATURE = '2BPeVxlBu8AkRJJz1jT6CHqAK0wLJFluRsuGdLkNufA=';

const DATE = 'Wed, 25 Nov 2026 01:00:00 GMT';
function request(overrides: Partial<SignableRequest> = {}): SignableRequest {
  return { method: 'GET', path: '/images', headers: { 'x-visor-date': DATE }, ...overrides };
}

describe('signing: the issue 3 test vectors', () => {
  it('builds the StringToSign of the PUT request', () => {
    assert.equal(stringToSign(VECTOR), VECTOR_STRING_TO_SIGN);
  });

  it('signs it to the Authorization header of the issue', () => {
    assert.equal(authorizationHeader('alice', SECRET, VECTOR), VECTOR_AUTHORIZATION);
    assert.equal(`VISOR alice:${sign(SECRET, VECTOR)}`, VECTOR_AUTHORIZATION);
  });

  it('presigns GET of the path with expires=1795000000', () => {
    assert.equal(presignString('GET', PATH, 1795000000), `GET\n\n\n1795000000\n${PATH}`);
    const query = new URLSearchParams(presign('alice', SECRET, 'GET', PATH, 1795000000));
    assert.equal(query.get('signature'), PRESIGNED_SIGNATURE);
    assert.equal(query.get('access_key'), 'alice');
    assert.equal(query.get('expires'), '1795000000');
  });

  it('percent-encodes the presigned signature in the query string', () => {
    assert.equal(
      presign('alice', SECRET, 'GET', PATH, 1795000000),
      `access_key=alice&expires=1795000000&signature=${encodeURIComponent(PRESIGNED_SIGNATURE)}`,
    );
    assert.ok(presign('alice', SECRET, 'GET', PATH, 1795000000).endsWith('%3D'));
  });

  it('signs a presigned HEAD differently from a GET, and refuses a fractional expires', () => {
    const head = new URLSearchParams(presign('alice', SECRET, 'HEAD', PATH, 1795000000)).get('signature');
    assert.notEqual(head, PRESIGNED_SIGNATURE);
    assert.throws(() => presign('alice', SECRET, 'GET', PATH, 1.5), RangeError);
  });
});

describe('signing: StringToSign rules', () => {
  it('sorts several x-image-meta- and x-visor- headers by lower-cased name and leaves x-visor-date out of them', () => {
    const sts = stringToSign(
      request({
        method: 'POST',
        headers: {
          'x-visor-trace': ' t1 ',
          'X-Image-Meta-Name': 'Debian',
          'x-visor-date': DATE,
          'x-image-meta-architecture': 'x86_64',
          'X-Visor-Agent': 'cli/1',
          'x-image-meta-build-id': '7',
          'x-other': 'ignored',
          accept: 'application/json',
        },
      }),
    );
    assert.equal(
      sts,
      `POST\n\n\n${DATE}\nx-image-meta-architecture:x86_64\nx-image-meta-build-id:7\nx-image-meta-name:Debian\nx-visor-agent:cli/1\nx-visor-trace:t1\n/images`,
    );
  });

  it('compares header names case-insensitively', () => {
    const lower = request({ headers: { 'content-type': 'a/b', 'content-md5': 'abc=', 'x-visor-date': DATE, 'x-image-meta-name': 'n' } });
    const mixed = request({ headers: { 'CONTENT-TYPE': 'a/b', 'Content-Md5': 'abc=', 'X-Visor-Date': DATE, 'X-IMAGE-META-NAME': 'n' } });
    assert.equal(stringToSign(mixed), stringToSign(lower));
    assert.equal(stringToSign(mixed), `GET\nabc=\na/b\n${DATE}\nx-image-meta-name:n\n/images`);
  });

  it('uses Date when there is no x-visor-date, and x-visor-date when both are present', () => {
    const dateOnly = request({ headers: { Date: 'Mon, 23 Nov 2026 08:00:00 GMT' } });
    assert.equal(stringToSign(dateOnly), 'GET\n\n\nMon, 23 Nov 2026 08:00:00 GMT\n/images');
    const both = request({ headers: { Date: 'Mon, 23 Nov 2026 08:00:00 GMT', 'X-Visor-Date': DATE } });
    assert.equal(stringToSign(both), `GET\n\n\n${DATE}\n/images`);
  });

  it('leaves empty lines for a missing Content-MD5, Content-Type and date', () => {
    assert.equal(stringToSign({ method: 'DELETE', path: PATH, headers: {} }), `DELETE\n\n\n\n${PATH}`);
    assert.equal(stringToSign(request({ headers: { 'content-type': 'application/json' } })), 'GET\n\napplication/json\n\n/images');
  });

  it('trims header values', () => {
    const sts = stringToSign(request({ headers: { 'content-type': '  text/plain ', 'x-visor-date': ` ${DATE}\t`, 'x-image-meta-name': '\tn ' } }));
    assert.equal(sts, `GET\n\ntext/plain\n${DATE}\nx-image-meta-name:n\n/images`);
  });

  it('sorts repeated query names by value, in byte order, keeping the pairs as sent', () => {
    const sts = stringToSign(request({ query: 'tag=b&tag=B&a=%20&tag=a&Z=1&tag' }));
    assert.equal(sts, `GET\n\n\n${DATE}\n/images?Z=1&a=%20&tag&tag=B&tag=a&tag=b`);
  });

  it('adds no "?" when the query is empty or absent, and keeps the path as sent', () => {
    assert.equal(stringToSign(request({ query: '' })), `GET\n\n\n${DATE}\n/images`);
    assert.equal(stringToSign(request({ query: undefined })), `GET\n\n\n${DATE}\n/images`);
    assert.equal(stringToSign(request({ path: '/images/a%20b' })), `GET\n\n\n${DATE}\n/images/a%20b`);
  });

  it('ignores undefined header values', () => {
    assert.equal(stringToSign(request({ headers: { 'x-visor-date': DATE, 'content-type': undefined } })), `GET\n\n\n${DATE}\n/images`);
  });
});

describe('signing: tampering changes the signature', () => {
  const signature = sign(SECRET, VECTOR);

  it('a changed meta header value', () => {
    const tampered = { ...VECTOR, headers: { ...VECTOR.headers, 'X-Image-Meta-Name': 'Debian%2013' } };
    assert.notEqual(sign(SECRET, tampered), signature);
  });

  it('an added x-visor- header', () => {
    const tampered = { ...VECTOR, headers: { ...VECTOR.headers, 'x-visor-extra': '1' } };
    assert.notEqual(sign(SECRET, tampered), signature);
  });

  it('a changed query value', () => {
    assert.notEqual(sign(SECRET, { ...VECTOR, query: 'name=Debian%2012&arch=aarch64' }), signature);
  });

  it('a changed date, method, path or secret', () => {
    assert.notEqual(sign(SECRET, { ...VECTOR, headers: { ...VECTOR.headers, 'x-visor-date': DATE } }), signature);
    assert.notEqual(sign(SECRET, { ...VECTOR, method: 'POST' }), signature);
    assert.notEqual(sign(SECRET, { ...VECTOR, path: `${PATH}/meta` }), signature);
    assert.notEqual(sign(`${SECRET}x`, VECTOR), signature);
  });

  it('but not reordered query pairs or a different header-name case', () => {
    assert.equal(sign(SECRET, { ...VECTOR, query: 'arch=x86_64&name=Debian%2012' }), signature);
    const { 'X-Image-Meta-Name': name, ...rest } = VECTOR.headers;
    assert.equal(sign(SECRET, { ...VECTOR, headers: { ...rest, 'x-image-meta-name': name } }), signature);
  });
});

describe('signing: parseAuthorization and safeEqual', () => {
  it('parses the VISOR scheme', () => {
    assert.deepEqual(parseAuthorization(VECTOR_AUTHORIZATION), {
      accessKey: 'alice',
      signature: 'Tu/lIwd7Y65WCf60EQQ9pzTXzE5fASo3efhlNVYptyA=',
    });
    assert.deepEqual(parseAuthorization('  VISOR a.b-c_d:YWJj  '), { accessKey: 'a.b-c_d', signature: 'YWJj' });
  });

  it('refuses malformed headers', () => {
    for (const bad of ['', 'VISOR', 'VISOR alice', 'VISOR alice:', 'Basic YWxpY2U6cHc=', 'visor alice:YWJj', 'VISOR al:YWJj', 'VISOR al ice:YWJj', 'VISOR alice:not base64!']) {
      assert.equal(parseAuthorization(bad), undefined, bad);
    }
  });

  it('compares strings', () => {
    assert.equal(safeEqual('abc', 'abc'), true);
    assert.equal(safeEqual('abc', 'abd'), false);
    assert.equal(safeEqual('abc', 'abcd'), false);
    assert.equal(safeEqual('', ''), true);
    assert.equal(safeEqual('é', 'e'), false);
  });
});

describe('signing: signedPath (the path relative to the base URL)', () => {
  it('strips the base path of a client served under a prefix, and nothing else', async () => {
    const { signedPath } = await import('../src/index.js');
    assert.equal(signedPath('/visor/images/x', '/visor/'), '/images/x');
    assert.equal(signedPath('/visor/images/x', '/visor'), '/images/x');
    assert.equal(signedPath('/images/x', '/'), '/images/x');
    assert.equal(signedPath('/images/x', ''), '/images/x');
    // Outside the base path, or a longer segment that merely starts the same: unchanged.
    assert.equal(signedPath('/other/images/x', '/visor/'), '/other/images/x');
    assert.equal(signedPath('/visorx/images', '/visor/'), '/visorx/images');
  });
});
