import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { get } from '../src/http.js';
import { startNginx, type RunningNginx } from '../src/nginx.js';
import { startStallingServer, type StallingServer } from '../src/stalling-server.js';
import { createTestCa, type TestCa } from '../src/test-ca.js';

function httpsGet(url: string, ca: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      })
      .on('error', reject);
  });
}

describe('startNginx (Debian nginx as a child process)', () => {
  let nginx: RunningNginx;
  let ca: TestCa;
  let stalling: StallingServer;

  before(async () => {
    ca = createTestCa();
    stalling = await startStallingServer();
    nginx = await startNginx({
      ports: 2,
      files: { 'www/hello.txt': 'hello, nginx\n' },
      http: ({ ports, dir }) => `
        server {
          listen 127.0.0.1:${ports[0]};
          root ${dir}/www;
          location /no-ranges/ { alias ${dir}/www/; max_ranges 0; }
          location = /hop { return 302 /hello.txt; }
          location = /stall { proxy_pass http://127.0.0.1:${stalling.port}; proxy_read_timeout 1h; }
        }
        server {
          listen 127.0.0.1:${ports[1]} ssl;
          ssl_certificate ${ca.serverCertFile};
          ssl_certificate_key ${ca.serverKeyFile};
          root ${dir}/www;
        }`,
    });
  });

  after(async () => {
    await nginx?.stop();
    await stalling?.close();
    ca?.remove();
  });

  test('serves the generated files over HTTP with ETag and Last-Modified', async () => {
    const res = await get(nginx.url('/hello.txt'));
    assert.equal(res.status, 200);
    assert.equal(res.text, 'hello, nginx\n');
    assert.match(String(res.headers.etag), /^"[0-9a-f]+-d"$/);
    assert.ok(res.headers['last-modified']);
  });

  test('honours Range, and ignores it where max_ranges is 0', async () => {
    const ranged = await get(nginx.url('/hello.txt'), { range: 'bytes=0-4' });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.text, 'hello');
    const ignored = await get(nginx.url('/no-ranges/hello.txt'), { range: 'bytes=0-4' });
    assert.equal(ignored.status, 200);
    assert.equal(ignored.text, 'hello, nginx\n');
  });

  test('redirects', async () => {
    const res = await get(nginx.url('/hop'));
    assert.equal(res.status, 302);
    assert.match(String(res.headers.location), /\/hello\.txt$/);
  });

  test('serves HTTPS with a certificate of the test CA, which a client given the CA trusts', async () => {
    const res = await httpsGet(nginx.url('/hello.txt', 1, 'https'), ca.caCert);
    assert.equal(res.status, 200);
    assert.equal(res.body, 'hello, nginx\n');
    await assert.rejects(httpsGet(nginx.url('/hello.txt', 1, 'https'), '' as string), /self-signed|unable to (get|verify)/i);
  });

  test('a location proxied to the stalling server sends nothing', async () => {
    const before = stalling.connections;
    const outcome = await Promise.race([
      get(nginx.url('/stall')).then(() => 'answered'),
      new Promise((r) => setTimeout(() => r('silent'), 500)),
    ]);
    assert.equal(outcome, 'silent');
    assert.equal(stalling.connections, before + 1);
  });

  test('stop() ends nginx and removes its directory', async () => {
    const other = await startNginx({ http: ({ ports }) => `server { listen 127.0.0.1:${ports[0]}; return 204; }` });
    assert.equal((await get(other.url('/'))).status, 204);
    await other.stop();
    assert.equal(existsSync(other.dir), false);
    const refused = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: other.ports[0]! });
      socket.on('connect', () => (socket.destroy(), resolve('connected')));
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    assert.equal(refused, 'ECONNREFUSED');
  });

  test('a configuration nginx rejects fails start with its error log in the message', async () => {
    await assert.rejects(startNginx({ http: () => 'server { no_such_directive on; }' }), /nginx did not start[\s\S]*no_such_directive/);
  });
});
