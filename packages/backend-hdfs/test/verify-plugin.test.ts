import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { verifyPlugin } from '@visor/backend-testsuite';
import { startWebHdfsEmulator, type WebHdfsEmulator } from '@visor/webhdfs-emulator';
import { DIRECTORY, USER } from './support/emulated-hdfs.js';

/** This package's own directory, as a user's configuration would name an installed backend by path. */
const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));

describe('hdfs: core can load me (emulated WebHDFS)', () => {
  let emulator: WebHdfsEmulator;
  before(async () => {
    emulator = await startWebHdfsEmulator();
    emulator.provisionDirectory('/visor', USER);
  });
  after(() => emulator.close());

  it('loads through the real loader, declares plugin API 1.0 and its capabilities, and starts healthy', async () => {
    const verified = await verifyPlugin(PACKAGE_DIR, { options: { namenodes: emulator.namenodeUrls[0], directory: DIRECTORY, user: USER } });
    assert.equal(verified.packageName, '@visor/backend-hdfs');
    assert.equal(verified.apiVersion, '1.0');
    assert.deepEqual(verified.capabilities, {
      write: true,
      delete: true,
      rangeReads: true,
      positionalReads: false,
      redirects: false,
      locateBeforeWrite: true,
      sizeRequired: false,
      registerLocations: false,
    });
    assert.equal(verified.health?.ok, true);
  });

  it('a bad option fails the start with the ConfigError the core reports', async () => {
    await assert.rejects(
      verifyPlugin(PACKAGE_DIR, { options: { namenodes: emulator.namenodeUrls[0], directory: 'relative', user: USER } }),
      /configuration 'stores\.default\.options\.directory': must be an absolute HDFS path/,
    );
  });
});
