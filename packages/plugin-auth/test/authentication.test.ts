import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { authorizationHeader } from '@visor/client';
import { ROOT, startAuthVisor, type AuthVisor } from './helpers/auth-visor.js';
import { rawRequest } from './helpers/http.js';
import { as, type AsClient } from './helpers/signed.js';

const minutes = (n: number) => new Date(Date.now() + n * 60_000);

describe('signed requests over HTTP', () => {
  let server: AuthVisor;
  let alice: AsClient;
  before(async () => {
    server = await startAuthVisor();
    alice = await server.user('alice');
  });
  after(() => server.close());

  it('GET and HEAD /status need no signature', async () => {
    assert.equal((await rawRequest(server.url, 'GET', '/status')).status, 200);
    assert.equal((await rawRequest(server.url, 'HEAD', '/status')).status, 200);
  });

  it('a request without Authorization gets 401 saying it is missing', async () => {
    const res = await rawRequest(server.url, 'GET', '/images');
    assert.equal(res.status, 401);
    assert.match(res.json().message, /missing Authorization header/);
  });

  it('a malformed Authorization header gets 401 saying so', async () => {
    for (const value of ['Basic YWxpY2U6eA==', 'VISOR alice', 'VISOR a:b!c', 'VISOR x:abcd']) {
      const res = await rawRequest(server.url, 'GET', '/images', { authorization: value, 'x-visor-date': new Date().toUTCString() });
      assert.equal(res.status, 401, value);
      assert.match(res.json().message, /malformed Authorization header/, value);
    }
  });

  it('an unknown access key gets 403 naming it', async () => {
    const res = await as(server.url, { accessKey: 'mallory', secret: 'whatever-secret-0000' }).get('/images');
    assert.equal(res.status, 403);
    assert.match(res.json().message, /unknown access key 'mallory'/);
  });

  it('a wrong secret gets 403 saying the signature does not match', async () => {
    const res = await as(server.url, { accessKey: 'alice', secret: 'not-alices-secret-000000' }).get('/images');
    assert.equal(res.status, 403);
    assert.match(res.json().message, /signature does not match/);
  });

  it('a correctly signed request passes and makes its signer the owner of what it registers', async () => {
    const res = await alice.post('/images', { image: { name: 'mine', architecture: 'x86_64' } });
    assert.equal(res.status, 201);
    assert.equal(res.json().image.owner, 'alice');
  });

  it('a date within 15 minutes either way passes', async () => {
    assert.equal((await alice.get('/images', { date: minutes(14) })).status, 200);
    assert.equal((await alice.get('/images', { date: minutes(-14) })).status, 200);
  });

  it('clock skew beyond 15 minutes gets 403 saying the date is off', async () => {
    for (const date of [minutes(16), minutes(-16)]) {
      const res = await alice.get('/images', { date });
      assert.equal(res.status, 403);
      assert.match(res.json().message, /more than 15 minutes from the server's time/);
    }
  });

  it('a replayed request with an old date gets 403 though its signature is right', async () => {
    const headers: Record<string, string> = { 'x-visor-date': minutes(-60).toUTCString() };
    headers.authorization = authorizationHeader('alice', alice.credentials!.secret, { method: 'GET', path: '/images', query: '', headers });
    const res = await rawRequest(server.url, 'GET', '/images', headers);
    assert.equal(res.status, 403);
    assert.match(res.json().message, /more than 15 minutes/);
  });

  it('the Date header is used when there is no x-visor-date', async () => {
    const headers: Record<string, string> = { date: new Date().toUTCString() };
    headers.authorization = authorizationHeader('alice', alice.credentials!.secret, { method: 'GET', path: '/users/me', query: '', headers });
    const res = await rawRequest(server.url, 'GET', '/users/me', headers);
    assert.equal(res.status, 200);
    assert.equal(res.json().user.access_key, 'alice');
  });

  it('a request with no date at all gets 403 saying so', async () => {
    const headers: Record<string, string> = {};
    headers.authorization = authorizationHeader('alice', alice.credentials!.secret, { method: 'GET', path: '/images', query: '', headers });
    const res = await rawRequest(server.url, 'GET', '/images', headers);
    assert.equal(res.status, 403);
    assert.match(res.json().message, /no date/);
  });

  it('a tampered query gets 403', async () => {
    const res = await alice.get('/images?architecture=x86_64', {
      tamper: (r) => {
        r.target = '/images?architecture=aarch64';
      },
    });
    assert.equal(res.status, 403);
    assert.match(res.json().message, /signature does not match/);
  });

  it('query parameters in another order are the same request', async () => {
    const res = await alice.get('/images?sort=name&architecture=x86_64', {
      tamper: (r) => {
        r.target = '/images?architecture=x86_64&sort=name';
      },
    });
    assert.equal(res.status, 200);
  });

  it('a tampered or added meta header gets 403', async () => {
    const created = await alice.post('/images', { image: { name: 'meta', architecture: 'x86_64' } });
    const id = created.json().image.id as string;
    const untouched = await alice.upload(`/images/${id}`, Buffer.from('abc'));
    assert.equal(untouched.status, 200, 'the untampered upload passes');
    const second = await alice.post('/images', { image: { name: 'meta2', architecture: 'x86_64' } });
    const id2 = second.json().image.id as string;
    const changed = await alice.send('PUT', `/images/${id2}`, {
      body: Buffer.from('abc'),
      headers: { 'content-type': 'application/octet-stream', 'x-image-meta-size': '3' },
      tamper: (r) => {
        r.headers['x-image-meta-size'] = '4';
      },
    });
    assert.equal(changed.status, 403);
    assert.match(changed.json().message, /signature does not match/);
    const added = await alice.send('PUT', `/images/${id2}`, {
      body: Buffer.from('abc'),
      headers: { 'content-type': 'application/octet-stream' },
      tamper: (r) => {
        r.headers['x-image-meta-checksum'] = '900150983cd24fb0d6963f7d28e17f72';
      },
    });
    assert.equal(added.status, 403);
  });

  it('header names are compared case-insensitively', async () => {
    const res = await alice.get('/users/me', {
      tamper: (r) => {
        r.headers['X-Visor-Date'] = r.headers['x-visor-date']!;
        delete r.headers['x-visor-date'];
      },
    });
    assert.equal(res.status, 200);
  });

  it('the admin from the environment can sign too', async () => {
    const res = await as(server.url, ROOT).get('/users/me');
    assert.equal(res.status, 200);
    assert.equal(res.json().user.role, 'admin');
  });
});
