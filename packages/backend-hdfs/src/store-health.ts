import type { BackendHealth } from '@visor/plugin-api';
import { NoActiveNamenodeError, WebHdfsConnectionError, WebHdfsRemoteError } from './webhdfs/errors.js';
import type { WebHdfsClient } from './webhdfs/webhdfs-client.js';

/** Why the store is unusable, in words that name no host or path (`GET /status` is open to anyone). */
function describe(error: unknown): string {
  if (error instanceof WebHdfsRemoteError) {
    if (error.is('FileNotFoundException')) return 'the store directory does not exist';
    if (error.is('AccessControlException') || error.is('SecurityException')) return `HDFS denies access (${error.exception})`;
    return `HDFS answered ${error.exception}`;
  }
  if (error instanceof NoActiveNamenodeError) return 'no namenode is active and reachable';
  if (error instanceof WebHdfsConnectionError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Healthy when the store directory exists as a directory (GETFILESTATUS
 * through the active namenode); says which namenode of the pair answered.
 */
export async function storeHealth(client: WebHdfsClient, directory: string): Promise<BackendHealth> {
  try {
    const status = await client.getFileStatus(directory);
    if (status.type !== 'DIRECTORY') return { ok: false, message: 'the store directory is not a directory' };
    const { namenodes } = client.pool;
    const which = namenodes.length === 1 ? 'the namenode' : `namenode ${client.pool.activeIndex + 1} of 2 (active)`;
    return { ok: true, message: `the store directory is reachable through ${which}` };
  } catch (error) {
    return { ok: false, message: `the store is not usable: ${describe(error)}` };
  }
}
