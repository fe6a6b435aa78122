import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { verifyPlugin } from '@visor/backend-testsuite';

/** This package's own directory, as a configuration would name an installed backend by path. */
const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));

describe('http: core can load me', () => {
  it('loads through the real loader, declares plugin API 1.0 and a read-only source\'s capabilities, and starts healthy', async () => {
    const verified = await verifyPlugin(PACKAGE_DIR, { options: { allowHosts: ['mirror.lab'] } });
    assert.equal(verified.packageName, '@visor/backend-http');
    assert.equal(verified.apiVersion, '1.0');
    assert.deepEqual(verified.capabilities, {
      write: false,
      delete: false,
      rangeReads: true,
      positionalReads: false,
      redirects: true,
      locateBeforeWrite: false,
      sizeRequired: false,
      registerLocations: true,
    });
    assert.equal(verified.health?.ok, true);
  });

  it('a bad option fails the start with the ConfigError the core reports', async () => {
    await assert.rejects(verifyPlugin(PACKAGE_DIR, { options: { maxRedirects: -1 } }), /configuration 'stores\.default\.options\.maxRedirects': must be a whole number from 0 to 20/);
  });
});
