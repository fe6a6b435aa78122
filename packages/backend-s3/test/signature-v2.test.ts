import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalResource, presignV2, SignatureV2Signer, signatureV2, stringToSign, type SignableRequest } from '../src/index.js';

/**
 * The examples of AWS's "Signing and authenticating REST requests (AWS
 * signature version 2)" (Amazon S3 API reference), section "Authentication
 * examples", with the documentation's example credentials. The documented
 * signatures are reproduced verbatim. The examples address bucket
 * `johnsmith` virtual-hosted (`johnsmith.s3.amazonaws.com/photos/puppy.jpg`);
 * here they are the same requests path-style (`/johnsmith/photos/puppy.jpg`),
 * which has the same CanonicalizedResource and so the same signature.
 */
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

const EXAMPLES: { name: string; request: SignableRequest; stringToSign: string; signature: string }[] = [
  {
    name: 'Object GET',
    request: { method: 'GET', path: '/johnsmith/photos/puppy.jpg', headers: { Host: 'johnsmith.s3.amazonaws.com', Date: 'Tue, 27 Mar 2007 19:36:42 +0000' } },
    stringToSign: 'GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg',
    signature: 'bWq2s1WEIj+Ydj0vQ697zp+IXMU=',
  },
  {
    name: 'Object PUT',
    request: {
      method: 'PUT',
      path: '/johnsmith/photos/puppy.jpg',
      headers: { 'Content-Type': 'image/jpeg', 'Content-Length': '94328', Host: 'johnsmith.s3.amazonaws.com', Date: 'Tue, 27 Mar 2007 21:15:45 +0000' },
    },
    stringToSign: 'PUT\n\nimage/jpeg\nTue, 27 Mar 2007 21:15:45 +0000\n/johnsmith/photos/puppy.jpg',
    signature: 'MyyxeRY7whkBe+bq8fHCL/2kKUg=',
  },
  {
    name: 'List (query parameters that are not sub-resources are not signed)',
    request: {
      method: 'GET',
      path: '/johnsmith/',
      query: { prefix: 'photos', 'max-keys': '50', marker: 'puppy' },
      headers: { 'User-Agent': 'Mozilla/5.0', Host: 'johnsmith.s3.amazonaws.com', Date: 'Tue, 27 Mar 2007 19:42:41 +0000' },
    },
    stringToSign: 'GET\n\n\nTue, 27 Mar 2007 19:42:41 +0000\n/johnsmith/',
    signature: 'htDYFYduRNen8P9ZfE/s9SuKy0U=',
  },
  {
    name: 'Fetch (the acl sub-resource is signed, without a value)',
    request: { method: 'GET', path: '/johnsmith/', query: { acl: null }, headers: { Host: 'johnsmith.s3.amazonaws.com', Date: 'Tue, 27 Mar 2007 19:44:46 +0000' } },
    stringToSign: 'GET\n\n\nTue, 27 Mar 2007 19:44:46 +0000\n/johnsmith/?acl',
    signature: 'c2WLPFtWHVgbEmeEG93a4cG37dM=',
  },
  {
    name: 'Upload (Content-MD5, Content-Type, x-amz-* headers sorted, lower-cased, repeated ones joined)',
    request: {
      method: 'PUT',
      path: '/static.johnsmith.net/db-backup.dat.gz',
      headers: {
        'User-Agent': 'curl/7.15.5',
        Host: 'static.johnsmith.net:8080',
        Date: 'Tue, 27 Mar 2007 21:06:08 +0000',
        'x-amz-acl': 'public-read',
        'content-type': 'application/x-download',
        'Content-MD5': '4gJE4saaMU4BqNR0kLY+lw==',
        'X-Amz-Meta-ReviewedBy': 'joe@johnsmith.net',
        'x-amz-meta-reviewedby': 'jane@johnsmith.net',
        'X-Amz-Meta-FileChecksum': '0x02661779',
        'X-Amz-Meta-ChecksumAlgorithm': 'crc32',
        'Content-Disposition': 'attachment; filename=database.dat',
        'Content-Encoding': 'gzip',
        'Content-Length': '5913339',
      },
    },
    stringToSign:
      'PUT\n4gJE4saaMU4BqNR0kLY+lw==\napplication/x-download\nTue, 27 Mar 2007 21:06:08 +0000\n' +
      'x-amz-acl:public-read\nx-amz-meta-checksumalgorithm:crc32\nx-amz-meta-filechecksum:0x02661779\n' +
      'x-amz-meta-reviewedby:joe@johnsmith.net,jane@johnsmith.net\n/static.johnsmith.net/db-backup.dat.gz',
    signature: 'ilyl83RwaSoYIEdixDQcA4OnAnc=',
  },
  {
    name: 'List all my buckets',
    request: { method: 'GET', path: '/', headers: { Host: 's3.amazonaws.com', Date: 'Wed, 28 Mar 2007 01:29:59 +0000' } },
    stringToSign: 'GET\n\n\nWed, 28 Mar 2007 01:29:59 +0000\n/',
    signature: 'qGdzdERIC03wnaRNKh6OqZehG9s=',
  },
  {
    name: 'Unicode keys (the path is signed as sent, percent-encoded)',
    request: { method: 'GET', path: '/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re', headers: { Host: 's3.amazonaws.com', Date: 'Wed, 28 Mar 2007 01:49:49 +0000' } },
    stringToSign: 'GET\n\n\nWed, 28 Mar 2007 01:49:49 +0000\n/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re',
    signature: 'DNEZGsoieTZ92F3bUfSPQcbGmlM=',
  },
  {
    name: 'Query string authentication (Expires in the Date line)',
    request: { method: 'GET', path: '/johnsmith/photos/puppy.jpg', headers: { Host: 'johnsmith.s3.amazonaws.com' }, expires: 1175139620 },
    stringToSign: 'GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg',
    signature: 'NpgCjnDzrM+WFzoENXmpNDUsSn8=',
  },
];

describe('s3: Signature Version 2 (AWS documentation examples)', () => {
  for (const example of EXAMPLES) {
    it(`${example.name}: ${example.signature}`, () => {
      assert.equal(stringToSign(example.request), example.stringToSign);
      assert.equal(signatureV2(SECRET, example.request), example.signature);
    });
  }

  it('a presigned URL for the documented query-string example carries its documented signature', async () => {
    const url = await presignV2({
      endpoint: 'https://s3.amazonaws.com',
      bucket: 'johnsmith',
      objectKey: 'photos/puppy.jpg',
      method: 'GET',
      expiresIn: 300,
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET },
      now: (1175139620 - 300) * 1000,
    });
    assert.equal(url, 'https://s3.amazonaws.com/johnsmith/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1175139620&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D');
  });
});

describe('s3: Signature Version 2, the canonical resource', () => {
  it('signs the multipart sub-resources sorted by name with their decoded values, and not the SDK x-id', () => {
    assert.equal(canonicalResource('/b/k', { 'x-id': 'UploadPart', uploadId: 'a b+c', partNumber: '2' }), '/b/k?partNumber=2&uploadId=a b+c');
    assert.equal(canonicalResource('/b/k', { uploads: '', 'x-id': 'CreateMultipartUpload' }), '/b/k?uploads');
    assert.equal(canonicalResource('/b', { uploads: '', prefix: 'visor/', 'key-marker': 'x' }), '/b?uploads');
    assert.equal(canonicalResource('/b/k', { 'response-content-type': 'text/plain', versionId: '3' }), '/b/k?response-content-type=text/plain&versionId=3');
  });

  it('leaves the Date line empty when x-amz-date is sent, and signs x-amz-date among the amz headers', () => {
    const text = stringToSign({ method: 'DELETE', path: '/b/k', headers: { Date: 'Tue, 27 Mar 2007 21:20:27 +0000', 'x-amz-date': 'Tue, 27 Mar 2007 21:20:26 +0000' } });
    assert.equal(text, 'DELETE\n\n\n\nx-amz-date:Tue, 27 Mar 2007 21:20:26 +0000\n/b/k');
  });
});

describe('s3: SignatureV2Signer (the SDK signer)', () => {
  const request = () => ({
    method: 'PUT',
    protocol: 'http:',
    hostname: '127.0.0.1',
    path: '/services/Walrus/images/visor/k1',
    query: { 'x-id': 'UploadPart', partNumber: '3', uploadId: 'u-1' } as Record<string, string>,
    headers: { 'content-type': 'application/octet-stream', 'x-amz-meta-a': ' 1 ', authorization: 'stale', date: 'stale' } as Record<string, string>,
  });

  it('adds Date from signingDate and an Authorization over the path without the unsigned prefix; the input is left as it was', async () => {
    const signer = new SignatureV2Signer({ credentials: async () => ({ accessKeyId: ACCESS_KEY, secretAccessKey: SECRET }), unsignedPathPrefix: '/services/Walrus' });
    const input = request();
    const signed = await signer.sign(input, { signingDate: new Date(Date.UTC(2026, 10, 30, 10, 0, 0)) });
    assert.equal(signed.headers.date, 'Mon, 30 Nov 2026 10:00:00 GMT');
    const expected = signatureV2(SECRET, { method: 'PUT', path: '/images/visor/k1', query: input.query, headers: signed.headers });
    assert.equal(
      stringToSign({ method: 'PUT', path: '/images/visor/k1', query: input.query, headers: signed.headers }),
      'PUT\n\napplication/octet-stream\nMon, 30 Nov 2026 10:00:00 GMT\nx-amz-meta-a:1\n/images/visor/k1?partNumber=3&uploadId=u-1',
    );
    assert.equal(signed.headers.authorization, `AWS ${ACCESS_KEY}:${expected}`);
    assert.equal(signed.path, '/services/Walrus/images/visor/k1', 'the request still goes to the full path');
    assert.deepEqual(input.headers, request().headers, 'the SDK request is not changed in place');
  });

  it('asks the credential provider on every signature (so refreshed credentials are used), and sends a session token as x-amz-security-token', async () => {
    let calls = 0;
    const signer = new SignatureV2Signer({
      credentials: async () => {
        calls += 1;
        return { accessKeyId: `key-${calls}`, secretAccessKey: `secret-${calls}`, sessionToken: `token-${calls}` };
      },
    });
    const first = await signer.sign(request());
    const second = await signer.sign(request());
    assert.equal(calls, 2);
    assert.match(first.headers.authorization!, /^AWS key-1:/);
    assert.match(second.headers.authorization!, /^AWS key-2:/);
    assert.equal(second.headers['x-amz-security-token'], 'token-2');
    assert.match(stringToSign({ method: 'PUT', path: second.path, query: second.query, headers: second.headers }), /x-amz-security-token:token-2\n/);
  });
});
