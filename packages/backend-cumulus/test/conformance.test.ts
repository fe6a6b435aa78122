import { runBackendTestSuite } from '@visor/backend-testsuite';
import type { S3Backend } from '@visor/backend-s3';
import { useEmulatedDialects } from '@visor/test-servers';
import { createCumulus, cumulusOptions } from './support/cumulus-target.js';

const MiB = 1024 * 1024;

const dialects = useEmulatedDialects();

// Nimbus Cumulus does not install here: nginx in front of OpenStack Swift's s3api answers a
// Range with 200 and the whole object, as Cumulus does; s3api verifies every Signature Version 2.
// The suite skips, with the reason printed, what the capabilities exclude (redirects).
runBackendTestSuite<S3Backend>({
  label: 'Cumulus (emulated: nginx + Swift s3api)',
  create: () => createCumulus(cumulusOptions(dialects.target)),
  ...dialects.suiteProbes,
  // One streamed PUT: what is in flight between the source and Swift's disk (socket buffers,
  // nginx, Swift's proxy queue), far below the 16 MiB a spooling backend would read ahead.
  backpressureLimit: 6 * MiB,
  foreignLocation: 'cumulus://some-other-bucket/x',
});
