import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startStallingServer, type StallingServer } from '@visor/test-support';
import { SourceFetchError } from '../src/fetch/fetch-errors.js';
import type { LookupFunction } from '../src/fetch/guarded-lookup.js';
import { startImageServer, type ImageServer } from './support/image-server.js';
import { fixedLookup } from './support/lookups.js';
import { testClient } from './support/source-clients.js';

/** Asserts `open` fails with SourceFetchError `refused` (decided before any connection) with a message matching `reason`. */
async function assertRefused(promise: Promise<unknown>, reason: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof SourceFetchError, `not a SourceFetchError: ${String(error)}`);
    assert.equal(error.failure, 'refused', error.message);
    assert.match(error.message, reason);
    return true;
  });
}

describe('SSRF guard with the default options (only loopback traffic is ever sent)', () => {
  let listener: StallingServer;
  let server: ImageServer;

  before(async () => {
    listener = await startStallingServer();
    server = await startImageServer(4096);
  });
  after(async () => {
    await listener?.close();
    await server?.stop();
  });

  test('http://127.0.0.1/… is refused and nothing connects to it', async () => {
    const client = testClient();
    await assertRefused(client.open(`http://127.0.0.1:${listener.port}/image.raw`, { method: 'HEAD' }), /127\.0\.0\.1.*loopback/);
    await assertRefused(client.open(`http://127.0.0.1:${listener.port}/image.raw`, { method: 'GET' }), /loopback/);
    assert.equal(listener.connections, 0);
    client.close();
  });

  test('http://[::1]/…, IPv4-mapped and odd IPv4 spellings of loopback are refused', async () => {
    const client = testClient();
    await assertRefused(client.open('http://[::1]:8080/image.raw', { method: 'HEAD' }), /\[::1\].*loopback/);
    await assertRefused(client.open(`http://[::ffff:127.0.0.1]:${listener.port}/x`, { method: 'HEAD' }), /loopback address 127\.0\.0\.1/);
    await assertRefused(client.open(`http://0x7f.1:${listener.port}/x`, { method: 'HEAD' }), /loopback/);
    await assertRefused(client.open(`http://2130706433:${listener.port}/x`, { method: 'HEAD' }), /loopback/);
    assert.equal(listener.connections, 0);
    client.close();
  });

  test('the cloud metadata address 169.254.169.254 is refused', async () => {
    const client = testClient();
    await assertRefused(client.open('http://169.254.169.254/latest/meta-data/', { method: 'HEAD' }), /link-local/);
    client.close();
  });

  test('a name resolving to a private address is refused, judged on the resolver\'s answer', async () => {
    const lookup = fixedLookup({ 'images.example.com': '10.0.0.7', 'mixed.example.com': ['151.101.2.132', '127.0.0.1'], localhost: '127.0.0.1' });
    const client = testClient({ lookup });
    await assertRefused(client.open('http://images.example.com/debian.qcow2', { method: 'HEAD' }), /images\.example\.com: it resolves to a private network address 10\.0\.0\.7/);
    // Any refused address refuses the name: nothing is connected to, not even the public address.
    await assertRefused(client.open('https://mixed.example.com/debian.qcow2', { method: 'GET' }), /loopback address 127\.0\.0\.1/);
    await assertRefused(client.open(`http://localhost:${listener.port}/x`, { method: 'GET' }), /loopback/);
    assert.deepEqual(lookup.calls, ['images.example.com', 'mixed.example.com', 'localhost']);
    assert.equal(listener.connections, 0);
    client.close();
  });

  test('a DNS answer that changes after a first connection is judged again when connecting (no check-then-connect gap)', async () => {
    // The mirror's name is allowed by address (127.0.0.1 only); its second answer points elsewhere on loopback.
    const answers = ['127.0.0.1', '127.0.0.2'];
    const calls: string[] = [];
    const rebinding: LookupFunction = (hostname, options, callback) => {
      calls.push(hostname);
      const address = answers.shift() ?? '127.0.0.2';
      if (options.all) callback(null, [{ address, family: 4 }]);
      else callback(null, address, 4);
    };
    const port = new URL(server.url('/')).port;
    const client = testClient({ lookup: rebinding, allowHosts: ['127.0.0.1'] });
    const first = await client.open(`http://mirror.example.net:${port}/images/image.raw`, { method: 'HEAD' });
    assert.equal(first.status, 200);
    client.close(); // drop the kept-alive connection: the next request connects anew
    await assertRefused(client.open(`http://mirror.example.net:${port}/images/image.raw`, { method: 'HEAD' }), /resolves to a loopback address 127\.0\.0\.2/);
    assert.equal(calls.length, 2);
    client.close();
  });

  test('a redirect from an allowed mirror to private, link-local or loopback targets is refused', async () => {
    // The mirror is this test's nginx under a public-looking name; only that name is allowed.
    const port = new URL(server.url('/')).port;
    const lookup = fixedLookup({ 'mirror.example.org': '127.0.0.1', 'internal.example.org': '192.168.10.20', localhost: '127.0.0.1' });
    const client = testClient({ lookup, allowHosts: ['mirror.example.org'] });
    const mirror = `http://mirror.example.org:${port}`;
    assert.equal((await client.open(`${mirror}/images/image.raw`, { method: 'HEAD' })).status, 200);
    await assertRefused(client.open(`${mirror}/to/169.254.169.254/latest/meta-data/`, { method: 'GET' }), /169\.254\.169\.254.*link-local/);
    await assertRefused(client.open(`${mirror}/to/10.1.2.3/image.raw`, { method: 'GET' }), /private/);
    await assertRefused(client.open(`${mirror}/to/internal.example.org/image.raw`, { method: 'GET' }), /internal\.example\.org: it resolves to a private network address 192\.168\.10\.20/);
    await assertRefused(client.open(`${mirror}/to/localhost:${listener.port}/x`, { method: 'GET' }), /loopback/);
    await assertRefused(client.open(`${mirror}/to/127.0.0.1:${listener.port}/x`, { method: 'GET' }), /loopback/);
    assert.equal(listener.connections, 0);
    client.close();
  });

  test('schemes other than http and https, and URLs with credentials, are refused', async () => {
    const client = testClient();
    await assertRefused(client.open('file:///etc/passwd', { method: 'GET' }), /scheme 'file' is not allowed/);
    await assertRefused(client.open('ftp://ftp.example.org/x.qcow2', { method: 'GET' }), /scheme 'ftp'/);
    await assertRefused(client.open('gopher://example.org/', { method: 'GET' }), /scheme 'gopher'/);
    await assertRefused(client.open('http://user:secret@example.org/x.qcow2', { method: 'GET' }), /credentials/);
    await assertRefused(client.open('not a url', { method: 'GET' }), /not an absolute http/);
    client.close();
  });

  test('allowPrivateNetworks: true reaches the loopback server', async () => {
    const client = testClient({ allowPrivateNetworks: true });
    assert.equal((await client.open(server.url('/images/image.raw'), { method: 'HEAD' })).status, 200);
    client.close();
  });
});
