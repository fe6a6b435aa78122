import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { verifyPlugin } from '@visor/backend-testsuite';
import { ConfigError } from '@visor/plugin-api';
import { useEmulatedDialects } from '@visor/test-servers';
import { walrusOptions } from './support/walrus-target.js';

const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));

describe('walrus: verifyPlugin (emulated: nginx + Swift s3api)', () => {
  const dialects = useEmulatedDialects();

  it('the core loads the package through its real loader, healthy through the front, with the S3 capabilities', async () => {
    const verified = await verifyPlugin(PACKAGE_DIR, { options: walrusOptions(dialects.target) });
    assert.equal(verified.packageName, '@visor/backend-walrus');
    assert.equal(verified.apiVersion, '1.0');
    assert.equal(verified.health?.ok, true);
    assert.deepEqual(verified.capabilities, {
      write: true,
      delete: true,
      rangeReads: true,
      positionalReads: false,
      redirects: true,
      locateBeforeWrite: true,
      sizeRequired: false,
      registerLocations: false,
    });
    await assert.rejects(verifyPlugin(PACKAGE_DIR, { options: { bucket: 'images' } }), (error: unknown) => error instanceof ConfigError && /stores\.default\.options\.host/.test(error.message));
  });
});
