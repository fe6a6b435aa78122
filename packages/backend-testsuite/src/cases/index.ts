import type { SuiteGroup } from '../suite-case.js';
import { backpressureCases } from './backpressure.js';
import { concurrencyCases } from './concurrency.js';
import { failedWriteCases } from './failed-writes.js';
import { getAbortCases } from './get-abort.js';
import { identityCases } from './identity.js';
import { keyCases } from './keys.js';
import { maintenanceCases } from './maintenance.js';
import { missingObjectCases } from './missing-objects.js';
import { objectInfoCases } from './object-info.js';
import { redirectCases } from './redirects.js';
import { registeredLocationCases } from './registered-locations.js';
import { positionalReadCases } from './positional-reads.js';
import { rangeCases } from './ranges.js';
import { replaceCases } from './replace.js';
import { roundTripCases } from './round-trip.js';
import { statCases } from './stat.js';

export const suiteGroups: readonly SuiteGroup[] = [
  { title: 'identity', cases: identityCases },
  { title: 'put and get', cases: roundTripCases },
  { title: 'object info', cases: objectInfoCases },
  { title: 'stat', cases: statCases },
  { title: 'range reads', cases: rangeCases },
  { title: 'aborted reads', cases: getAbortCases },
  { title: 'positional reads (openReader)', cases: positionalReadCases },
  { title: 'missing objects', cases: missingObjectCases },
  { title: 'replacing', cases: replaceCases },
  { title: 'failed writes', cases: failedWriteCases },
  { title: 'keys and locations', cases: keyCases },
  { title: 'concurrency', cases: concurrencyCases },
  { title: 'backpressure', cases: backpressureCases },
  { title: 'redirects (redirectUrl)', cases: redirectCases },
  { title: 'registered locations (ownsLocation)', cases: registeredLocationCases },
  { title: 'health and cleanup', cases: maintenanceCases },
];
