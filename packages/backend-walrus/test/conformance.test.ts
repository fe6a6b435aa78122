import { runBackendTestSuite } from '@visor/backend-testsuite';
import type { S3Backend } from '@visor/backend-s3';
import { useEmulatedDialects } from '@visor/test-servers';
import { createWalrus, walrusOptions } from './support/walrus-target.js';

const MiB = 1024 * 1024;
// partSizeMiB 5 × queueSize 2: the parts in flight, the one being filled and its joining copy.
const READ_AHEAD_LIMIT = (2 + 2) * 5 * MiB;

const dialects = useEmulatedDialects();

// Eucalyptus Walrus does not install here: nginx strips /services/Walrus in front of OpenStack
// Swift's s3api, which verifies every Signature Version 2 for real.
runBackendTestSuite<S3Backend>({
  label: 'Walrus (emulated: nginx + Swift s3api)',
  create: () => createWalrus(walrusOptions(dialects.target)),
  ...dialects.suiteProbes,
  backpressureLimit: READ_AHEAD_LIMIT,
  foreignLocation: 'walrus://some-other-bucket/x',
  // A Signature Version 2 presigned URL, fetched through the front.
  fetchRedirect: async (url) => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`the presigned URL answered ${response.status}: ${await response.text()}`);
    return Buffer.from(await response.arrayBuffer());
  },
});
