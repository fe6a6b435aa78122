import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after } from 'node:test';
import { runBackendTestSuite } from '@visor/backend-testsuite';
import { get } from '@visor/test-support';
import { HttpBackend, resolveHttpOptions } from '../src/index.js';
import { startImageServer, type ImageServer } from './support/image-server.js';

// One nginx for the whole suite, started on first use: the read cases place their objects
// through `seed`, as files nginx serves; the write cases are skipped (read-only), reasons printed.
let server: Promise<ImageServer> | undefined;
const imageServer = () => (server ??= startImageServer(16));
after(async () => {
  if (server) await (await server).stop();
});

runBackendTestSuite<HttpBackend>({
  label: 'http (nginx on 127.0.0.1)',
  async create() {
    await imageServer();
    return new HttpBackend('mirror', resolveHttpOptions({ allowHosts: ['127.0.0.1'] }, { optionsKey: 'stores.mirror.options', baseDir: '/' }));
  },
  async listRaw() {
    return readdir(join((await imageServer()).nginx.dir, 'www/images'));
  },
  async seed(_backend, key, data) {
    const images = await imageServer();
    images.writeImage(key, data);
    return { location: images.url(`/images/${key}`), size: data.length };
  },
  fetchRedirect: async (url) => (await get(url)).body,
});
