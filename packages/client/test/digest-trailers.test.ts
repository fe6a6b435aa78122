import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VisorClient, VisorClientError, hashWhileSending } from '../src/index.js';
import { chunkedReadable, digest, pattern } from './helpers/bytes.js';
import { type RunningVisor, startVisor } from './helpers/visor-server.js';

describe('digests sent as HTTP trailers after a streamed upload (real server, real HTTP)', () => {
  let visor: RunningVisor;
  let client: VisorClient;
  const data = pattern(3 * 1024 * 1024 + 5);

  before(async () => {
    visor = await startVisor();
    client = new VisorClient({ url: visor.url, ...visor.admin });
  });
  after(async () => {
    await visor?.stop();
  });

  it('hashWhileSending() sends the SHA-256 and MD5 computed in the same pass as a trailer, and the server stores the file', async () => {
    const { body, trailer } = hashWhileSending(chunkedReadable(data, 100_000), ['sha256', 'checksum']);
    const image = await client.registerWithFile({ name: 'trailed', architecture: 'x86_64' }, body, { trailer });
    assert.equal(image.status, 'available');
    assert.equal(image.sha256, digest('sha256', data));
    assert.equal(image.checksum, digest('md5', data));
  });

  it('a trailer that does not match the bytes: 400 BadDigest, nothing stored', async () => {
    const locked = await client.register({ name: 'wrong trailer', architecture: 'x86_64' });
    const error = await client
      .upload(locked.id, chunkedReadable(data, 65_536), { trailer: { fields: ['sha256'], digests: async () => ({ sha256: 'f'.repeat(64) }) } })
      .then(
        () => assert.fail('a wrong trailer was accepted'),
        (e: unknown) => e,
      );
    assert.ok(error instanceof VisorClientError);
    assert.equal(error.status, 400);
    assert.equal(error.code, 'BadDigest');
    assert.equal(error.details.field, 'sha256');
    assert.match(error.message, new RegExp(`declared SHA-256 f{64} but the server received SHA-256 ${digest('sha256', data)}; nothing was stored`));
    assert.equal((await client.get(locked.id)).status, 'locked');
  });

  it("a trailer whose digests() rejects fails the upload with that error, and the server stores nothing", async () => {
    const locked = await client.register({ name: 'failing trailer', architecture: 'x86_64' });
    const broken = new Error('the hashing thread died');
    await assert.rejects(
      client.upload(locked.id, chunkedReadable(data, 65_536), { trailer: { fields: ['sha256'], digests: () => Promise.reject(broken) } }),
      (error) => error === broken,
    );
    // The client gave up first: wait until the server has failed the upload too (tracking records
    // it once the image is released), else a read may come before the server even began it.
    const failed = async () => (await client.historyAll(locked.id)).some((event) => event.action === 'upload_failed');
    for (let i = 0; i < 200 && !(await failed()); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(await failed(), 'the server recorded the failed upload');
    assert.equal((await client.get(locked.id)).status, 'locked');
  });

  it('a trailer needs a streamed body and the node:http transport: clear TypeErrors otherwise', async () => {
    const locked = await client.register({ name: 'no trailer', architecture: 'x86_64' });
    const trailer = { fields: ['sha256'] as const, digests: async () => ({ sha256: digest('sha256', data) }) };
    await assert.rejects(client.upload(locked.id, data, { trailer }), { name: 'TypeError', message: /a digest trailer needs a streamed body/ });
    const viaFetch = new VisorClient({ url: visor.url, ...visor.admin, fetch: globalThis.fetch });
    await assert.rejects(viaFetch.upload(locked.id, chunkedReadable(data, 65_536), { trailer }), {
      name: 'TypeError',
      message: /a digest trailer needs the built-in node:http transport: fetch cannot send HTTP trailers/,
    });
    assert.equal((await client.get(locked.id)).status, 'locked');
  });
});
