import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { verifyPlugin } from '@visor/backend-testsuite';

/** This package's own directory, as a user's configuration would name an installed backend by path. */
const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));

describe('fs: core can load me', () => {
  it('loads through the real loader, declares plugin API 1.0 and its capabilities, and starts healthy', async () => {
    const verified = await verifyPlugin(PACKAGE_DIR, { options: {} });
    assert.equal(verified.packageName, '@visor/backend-fs');
    assert.equal(verified.apiVersion, '1.0');
    assert.deepEqual(verified.capabilities, {
      write: true,
      delete: true,
      rangeReads: true,
      positionalReads: true,
      redirects: false,
      locateBeforeWrite: true,
      sizeRequired: false,
      registerLocations: false,
    });
    assert.equal(verified.health?.ok, true);
  });

  it('a bad option fails the start with the ConfigError the core reports', async () => {
    await assert.rejects(verifyPlugin(PACKAGE_DIR, { options: { fsync: 'yes' } }), /configuration 'stores\.default\.options\.fsync': must be true or false/);
  });
});
