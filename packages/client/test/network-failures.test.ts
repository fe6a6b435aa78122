import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { VisorClient, VisorClientError, type Image } from '../src/index.js';
import { CATCH_UP_BYTES } from '../src/transfer-watch.js';
import { pattern } from './helpers/bytes.js';
import { type RunningVisor, startVisor } from './helpers/visor-server.js';

const MIB = 1024 * 1024;
const MISSING = '0b7a0e36-1f7e-4d8e-9d51-7f2a7b2f9c11';
const TEST = { timeout: 60_000 };

async function failure(promise: Promise<unknown>): Promise<VisorClientError> {
  const error = await promise.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof VisorClientError, `not a VisorClientError: ${String(error)}`);
  return error;
}

/** A body of up to `total` bytes made as it is read, 64 KiB at a time; `produced()` says how much was asked for. */
function lazyBody(total: number) {
  const chunk = pattern(64 * 1024);
  let produced = 0;
  async function* body() {
    while (produced < total) {
      produced += chunk.length;
      yield chunk;
    }
  }
  return { body: body(), produced: () => produced };
}

/** A port nothing listens on: one the system gave out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A Writable that takes `delayMs` per chunk: a slow reader that never pauses for long. */
const slowSink = (delayMs: number) =>
  new Writable({
    highWaterMark: 64 * 1024,
    write(_chunk, _encoding, callback) {
      setTimeout(callback, delayMs);
    },
  });

for (const transport of ['node:http', 'fetch'] as const) {
  const viaTransport = transport === 'fetch' ? { fetch: globalThis.fetch } : {};

  describe(`network failures over ${transport}: the client says what happened (real server, real HTTP)`, () => {
    let visor: RunningVisor;
    let client: VisorClient;
    let big: Image;
    const bigBytes = pattern(32 * MIB);

    before(async () => {
      visor = await startVisor({ config: { limits: { idleTimeoutSeconds: 1, maxImageBytes: 48 * MIB } } });
      client = new VisorClient({ url: visor.url, ...visor.admin, ...viaTransport });
      big = await client.registerWithFile({ name: 'big', architecture: 'x86_64', access: 'public' }, bigBytes);
    });
    after(async () => {
      await visor?.stop();
    });

    it('nothing listening: ConnectionRefused, naming the URL', TEST, async () => {
      const port = await closedPort();
      const error = await failure(new VisorClient({ url: `http://127.0.0.1:${port}`, ...viaTransport }).status());
      assert.equal(error.status, 0);
      assert.equal(error.code, 'NetworkError');
      assert.equal(error.details.reason, 'ConnectionRefused');
      assert.match(error.message, new RegExp(`^GET http://127\\.0\\.0\\.1:${port}/status failed: connection refused: nothing listens at 127\\.0\\.0\\.1:${port} \\(is the Visor server running, and is the URL http://127\\.0\\.0\\.1:${port} right\\?\\)$`));
      assert.ok(error.cause instanceof Error);
    });

    it('an answer sent while the body is still being sent is read (node:http): the server status, code and message; the rest of the body is not sent', TEST, async () => {
      const total = 512 * MIB;
      const locked = await client.register({ name: 'early answers', architecture: 'x86_64' });
      const bob = await client.users.create({ access_key: `bob-${transport.replace(/\W/g, '')}`, email: 'bob@example.org' });
      const asBob = new VisorClient({ url: visor.url, accessKey: bob.access_key, secretKey: bob.secret_key, ...viaTransport });
      const cases: Array<[string, (body: AsyncIterable<Uint8Array>) => Promise<unknown>, number, string, RegExp]> = [
        ['unknown image', (body) => client.upload(MISSING, body), 404, 'NotFound', /not found/],
        ['image with a file', (body) => client.upload(big.id, body), 409, 'Conflict', /already has a file/],
        ['no right to upload', (body) => asBob.upload(big.id, body), 403, 'Forbidden', /./],
        ['more than the declared size', (body) => client.upload(locked.id, body, { size: MIB }), 400, 'BadDigest', /size mismatch/],
        ['over limits.maxImageBytes', (body) => client.registerWithFile({ name: 'too big', architecture: 'x86_64' }, body), 413, 'PayloadTooLarge', /limit of 50331648 bytes/],
      ];
      for (const [what, send, status, code, message] of cases) {
        const { body, produced } = lazyBody(total);
        const error = await failure(send(body));
        if (transport === 'fetch' && error.status === 0) {
          // undici's fetch often reads no answer before it has sent the whole body: the server's
          // early answer is then lost when it stops reading (after 64 MiB), and the error says so.
          assert.equal(error.details.reason, 'ConnectionClosed', `${what}: ${error.message}`);
          assert.match(error.message, /with the fetch option, an answer the server sent before the whole body arrived cannot be read: it may have refused the upload; the default transport reads it/, what);
        } else {
          assert.equal(error.status, status, `${what}: ${error.message}`);
          assert.equal(error.code, code, what);
          assert.match(error.message, message, what);
        }
        assert.ok(produced() < total, `${what}: the client stopped sending (${produced()} of ${total} bytes made)`);
      }
      assert.equal((await client.get(locked.id)).status, 'locked');
    });

    it("a stalled upload cut by the server's idle timeout: IdleTimeout, naming limits.idleTimeoutSeconds and the silence", TEST, async () => {
      const locked = await client.register({ name: 'stalled upload', architecture: 'x86_64' });
      async function* stalling() {
        yield pattern(256 * 1024);
        await new Promise((resolve) => setTimeout(resolve, 4_000));
        yield pattern(256 * 1024);
      }
      const error = await failure(client.upload(locked.id, stalling(), { size: 512 * 1024 }));
      assert.equal(error.code, 'NetworkError');
      assert.equal(error.details.reason, 'IdleTimeout', error.message);
      assert.match(error.message, /^PUT http:\/\/.*failed: the server closed the connection after 262144 bytes of the request body sent, no answer received, and no byte had moved either way for \d+\.\d s at a stretch: the server cuts a connection silent for longer than its limits\.idleTimeoutSeconds/);
      assert.ok((error.details.silence_seconds as number) >= 0.9, `silence ${String(error.details.silence_seconds)} s`);
      assert.equal(error.details.bytes_sent, 256 * 1024);
      // The upload failed on the server too: the image is back to 'locked'.
      for (let i = 0; i < 100 && (await client.get(locked.id)).status !== 'locked'; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal((await client.get(locked.id)).status, 'locked');
    });

    it("a paused download cut by the server's idle timeout: the stream fails with IdleTimeout", TEST, async () => {
      const download = await client.download(big.id);
      const reader = download.stream[Symbol.asyncIterator]();
      assert.equal((await reader.next()).done, false);
      // The reader pauses: the server's writes back up, and after 1 s of silence it cuts the connection.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      const error = await (async () => {
        try {
          while (!(await reader.next()).done);
        } catch (e) {
          return e;
        }
        return assert.fail('the download ended normally');
      })();
      assert.ok(error instanceof VisorClientError, `not a VisorClientError: ${String(error)}`);
      assert.equal(error.code, 'NetworkError');
      assert.equal(error.details.reason, 'IdleTimeout', error.message);
      assert.match(error.message, /^GET http:\/\/.*failed: the server closed the connection after \d+ bytes of the answer received, and no byte had moved either way for \d+\.\d s at a stretch: .*limits\.idleTimeoutSeconds/);
      assert.ok((error.details.bytes_received as number) < bigBytes.length);
    });

    describe('a server that stops in the middle of a transfer', () => {
      let doomed: RunningVisor;
      let doomedClient: VisorClient;
      let image: Image;

      before(async () => {
        doomed = await startVisor();
        doomedClient = new VisorClient({ url: doomed.url, ...doomed.admin, ...viaTransport });
        image = await doomedClient.registerWithFile({ name: 'doomed', architecture: 'x86_64' }, bigBytes);
      });
      after(async () => {
        await doomed?.stop();
      });

      it('mid-download: the stream fails with ConnectionClosed, saying how many bytes arrived', TEST, async () => {
        const download = await doomedClient.download(image.id);
        let received = 0;
        let killed: Promise<void> | undefined;
        download.stream.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received >= MIB) killed ??= doomed.kill();
        });
        const error = await pipeline(download.stream, slowSink(2)).then(
          () => assert.fail('the download ended normally'),
          (e: unknown) => e,
        );
        assert.ok(error instanceof VisorClientError, `not a VisorClientError: ${String(error)}`);
        assert.equal(error.details.reason, 'ConnectionClosed', error.message);
        assert.match(error.message, /^GET http:\/\/.*failed: the server closed the connection after \d+ bytes of the answer received, while bytes were moving \(it may have stopped or restarted; its log says more\)$/);
        assert.ok(received < bigBytes.length);
        await killed;
      });

      it("mid-download after the reader paused: ConnectionClosed, not IdleTimeout (the silence was the reader's own, and the transfer went on after it)", TEST, async () => {
        // Its own server (idle limit 120 s: the pause is not cut), with an image larger than what
        // a pause may be blamed for (CATCH_UP_BYTES) plus what the socket buffers hold.
        const server = await startVisor();
        try {
          const serverClient = new VisorClient({ url: server.url, ...server.admin, ...viaTransport });
          const size = 2 * CATCH_UP_BYTES;
          const stored = await serverClient.registerWithFile({ name: 'paused reader', architecture: 'x86_64' }, lazyBody(size).body, { size });
          const download = await serverClient.download(stored.id);
          const reader = download.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
          let received = (await reader.next()).value?.length ?? 0;
          // The reader pauses for longer than IDLE_SILENCE_MS: nothing moves on the connection.
          await new Promise((resolve) => setTimeout(resolve, 1_500));
          let killed: Promise<void> | undefined;
          const error = await (async () => {
            try {
              for (let next = await reader.next(); next.done !== true; next = await reader.next()) {
                received += next.value.length;
                // Well past what the connection held during the pause, the server dies mid-transfer.
                if (received >= CATCH_UP_BYTES + 8 * MIB) killed ??= server.kill();
                if (killed !== undefined) await new Promise((resolve) => setTimeout(resolve, 2));
              }
            } catch (e) {
              return e;
            }
            return assert.fail('the download ended normally');
          })();
          await killed;
          assert.ok(error instanceof VisorClientError, `not a VisorClientError: ${String(error)}`);
          assert.equal(error.details.reason, 'ConnectionClosed', error.message);
          assert.match(error.message, /^GET http:\/\/.*failed: the server closed the connection after \d+ bytes of the answer received, while bytes were moving/);
          assert.ok((error.details.silence_seconds as number) < 0.9, `silence ${String(error.details.silence_seconds)} s`);
          assert.ok(received < size);
        } finally {
          await server.stop();
        }
      });

      it('mid-upload: ConnectionClosed, saying how many bytes were sent', TEST, async () => {
        const restarted = await startVisor();
        try {
          const restartedClient = new VisorClient({ url: restarted.url, ...restarted.admin, ...viaTransport });
          const locked = await restartedClient.register({ name: 'cut upload', architecture: 'x86_64' });
          const chunk = pattern(64 * 1024);
          let sent = 0;
          async function* body() {
            for (;;) {
              sent += chunk.length;
              if (sent === 4 * MIB) void restarted.kill();
              yield chunk;
              // Keep bytes moving, a little at a time, until the cut.
              if (sent > 4 * MIB) await new Promise((resolve) => setTimeout(resolve, 2));
            }
          }
          const error = await failure(restartedClient.upload(locked.id, body()));
          assert.equal(error.details.reason, 'ConnectionClosed', error.message);
          assert.match(error.message, /^PUT http:\/\/.*failed: the server closed the connection after \d+ bytes of the request body sent, no answer received, while bytes were moving/);
          assert.ok((error.details.bytes_sent as number) >= 4 * MIB - chunk.length);
        } finally {
          await restarted.stop();
        }
      });
    });
  });
}

describe('an error answer that does not come from Visor (a proxy, another service at the URL)', () => {
  it('says so, naming the status and the answering server, instead of a bare status', TEST, async () => {
    const { createServer: createHttpServer } = await import('node:http');
    const other = createHttpServer((_req, res) => {
      res.writeHead(404, { server: 'keryx', 'content-length': '0' });
      res.end();
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = other.address() as { port: number };
      const client = new VisorClient({ url: `http://127.0.0.1:${port}`, accessKey: 'admin', secretKey: 'a-secret-of-enough-length' });
      const error = await failure(client.list());
      assert.equal(error.status, 404);
      assert.equal(error.code, 'HTTP404');
      assert.match(error.message, /^404 Not Found, answered without a Visor error document \(by server 'keryx'\): is the URL that of a Visor server/);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
