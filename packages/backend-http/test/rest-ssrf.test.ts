import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { get, request, startStallingServer, type StallingServer } from '@visor/test-support';
import { createHttpBackendPlugin } from '../src/index.js';
import { startImageServer, type ImageServer } from './support/image-server.js';
import { fixedLookup } from './support/lookups.js';
import { startMirrorVisor, type MirrorVisor } from './support/mirror-visor.js';

// The names below resolve through a table the test injects: no real DNS is asked, and the only
// address any of them leads to that is ever connected to is this test's nginx on 127.0.0.1.
describe('SSRF through the REST API: names resolved by an injected resolver', () => {
  let server: ImageServer;
  let listener: StallingServer;
  let visor: MirrorVisor;
  const lookup = fixedLookup({
    'images.example.com': '10.0.0.7',
    'metadata.example.com': '169.254.169.254',
    'v6.example.com': 'fd00::7',
    'mapped.example.com': '::ffff:192.168.1.1',
    'mirror.example.org': '127.0.0.1',
    'internal.example.org': '192.168.10.20',
  });

  before(async () => {
    server = await startImageServer(4096);
    listener = await startStallingServer();
    visor = await startMirrorVisor(
      {
        public: {}, // the shipped defaults
        mirror: { allowHosts: ['mirror.example.org'] }, // one named mirror opened, nothing else
      },
      createHttpBackendPlugin({ lookup }),
    );
  });
  after(async () => {
    await visor?.close();
    await listener?.close();
    await server?.stop();
  });

  const register = (store: string, location: string) =>
    request('POST', `${visor.url}/images`, { body: { image: { name: 'x', architecture: 'x86_64', store, location } } });

  test('names resolving to private, link-local, unique local and IPv4-mapped private addresses are refused with 400 on location', async () => {
    for (const [host, reason] of [
      ['images.example.com', /resolves to a private network address 10\.0\.0\.7/],
      ['metadata.example.com', /resolves to a link-local address 169\.254\.169\.254/],
      ['v6.example.com', /resolves to a unique local \(private\) address fd00::7/],
      ['mapped.example.com', /resolves to a private network address 192\.168\.1\.1/],
    ] as const) {
      const res = await register('public', `https://${host}/debian-12.qcow2`);
      assert.equal(res.status, 400, `${host}: ${res.text}`);
      assert.equal(res.json().field, 'location');
      assert.match(res.json().message, reason);
    }
    assert.equal((await get(`${visor.url}/images`)).json().images.length, 0);
  });

  test('a redirect from the allowed mirror to a private, link-local or loopback target is refused; the mirror itself works', async () => {
    const port = new URL(server.url('/')).port;
    const mirror = `http://mirror.example.org:${port}`;
    const ok = await register('mirror', `${mirror}/images/image.raw`);
    assert.equal(ok.status, 201, ok.text);
    for (const target of ['169.254.169.254/latest/meta-data/', 'internal.example.org/x.raw', `127.0.0.1:${listener.port}/x.raw`, '10.1.2.3/x.raw']) {
      const res = await register('mirror', `${mirror}/to/${target}`);
      assert.equal(res.status, 400, `${target}: ${res.text}`);
      assert.match(res.json().message, /refused to connect/);
    }
    assert.equal(listener.connections, 0);
  });
});
