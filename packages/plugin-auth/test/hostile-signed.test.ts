import assert from 'node:assert/strict';
import http from 'node:http';
import { authorizationHeader, stringToSign } from '@visor/client';
import { after, before, describe, it } from 'node:test';
import { startAuthVisor, type AuthVisor } from './helpers/auth-visor.js';
import { type AsClient } from './helpers/signed.js';

/** Issue 7: with access control on, any signed user could end the server with one request. */
describe('validly signed hostile requests (access control on)', () => {
  let server: AuthVisor;
  let alice: AsClient;
  before(async () => {
    server = await startAuthVisor();
    alice = await server.user('alice');
  });
  after(() => server.close());

  it('the surrogate field name of issue 7 §1, signed by an ordinary user: 400, and the server keeps serving', async () => {
    const body = '{"image":{"name":"x","architecture":"x86_64","\\ud800":1}}';
    const res = await alice.send('POST', '/images', { body, headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json().code, 'InvalidField');
    assert.equal(decodeURIComponent(String(res.headers['x-error-message'])), res.json().message);
    assert.equal((await alice.get('/images')).status, 200);
  });

  it('signed raw UTF-8 in an x-image-meta-* header: 400 naming the header, not a garbled name', async () => {
    const res = await alice.send('POST', '/images', {
      body: Buffer.from('bytes'),
      headers: { 'content-type': 'application/octet-stream', 'x-image-meta-name': Buffer.from('Straße').toString('latin1'), 'x-image-meta-architecture': 'x86_64' },
    });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json().header, 'x-image-meta-name');
    assert.deepEqual((await alice.get('/images')).json().images, []);
  });

  it('a header sent twice (an array value), signed by the reference signer, verifies: both sides fold it as "a, b" (was 403)', async () => {
    const headers: Record<string, string | string[]> = { 'x-visor-date': new Date().toUTCString(), 'x-visor-trace': ['a', 'b'] };
    const signable = { method: 'GET', path: '/images', query: '', headers };
    assert.match(stringToSign(signable), /\nx-visor-trace:a, b\n/);
    headers.authorization = authorizationHeader(alice.credentials!.accessKey, alice.credentials!.secret, signable);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      http.get(`${server.url}/images`, { headers }, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).on('error', reject);
    });
    assert.equal(status, 200);
  });

  it('a number as a header value is signed as its text, not a TypeError', () => {
    const text = stringToSign({ method: 'PUT', path: '/images/x', headers: { 'content-length': 6, 'x-image-meta-size': 6 } });
    assert.match(text, /\nx-image-meta-size:6\n/);
  });
});
