import { getAuthHooks } from '@visor/plugin-auth';
import type { Image } from '@visor/plugin-api';
import type { TrackingHost } from './host.js';
import type { Recorder } from './recorder.js';

const NAME = 'tracking';

/** The base fields and properties an update changed, for the `updated` event's detail. */
function changedFields(image: Image, previous: Image): string {
  const names = new Set<string>();
  for (const key of Object.keys(image) as Array<keyof Image>) {
    if (key !== 'properties' && key !== 'updated_at' && image[key] !== previous[key]) names.add(key);
  }
  const keys = new Set([...Object.keys(image.properties ?? {}), ...Object.keys(previous.properties ?? {})]);
  for (const key of keys) if (image.properties?.[key] !== previous.properties?.[key]) names.add(key);
  return [...names].sort().join(',');
}

/**
 * Taps the image hooks, and the access control plugin's share hooks. Each
 * tap only queues its event (the recorder writes batches), so no hook, not
 * even beforeUpload which the upload awaits, waits for the database.
 * Nothing here ever throws: a failed write is logged by the recorder.
 */
export function tapImageHooks(host: TrackingHost, recorder: Recorder): void {
  const { hooks } = host;
  hooks.afterRegister.tap(NAME, (image, context) => recorder.record('registered', image, context, { outcome: 'completed' }));
  hooks.afterUpdate.tap(NAME, (image, previous, context) =>
    recorder.record('updated', image, context, { outcome: 'completed', detail: changedFields(image, previous) }),
  );
  hooks.beforeUpload.tap(NAME, (image, context) => recorder.record('upload_started', image, context, { outcome: 'started' }));
  hooks.afterUpload.tap(NAME, (image, stats, context) =>
    recorder.record('uploaded', image, context, { bytes: stats.bytes, durationMs: stats.durationMs, outcome: stats.outcome }),
  );
  hooks.afterUploadFailed.tap(NAME, (image, error, stats, context) =>
    recorder.record('upload_failed', image, context, {
      bytes: stats.bytes,
      durationMs: stats.durationMs,
      outcome: stats.outcome,
      detail: error instanceof Error ? error.message : String(error),
    }),
  );
  hooks.afterDownload.tap(NAME, (image, stats, context) =>
    recorder.record('downloaded', image, context, { bytes: stats.bytes, durationMs: stats.durationMs, outcome: stats.outcome }),
  );
  hooks.afterDelete.tap(NAME, (image, context) => recorder.record('deleted', image, context, { outcome: 'completed' }));
  // The access control plugin's own hooks, run detached like the core's after-hooks.
  const sharing = getAuthHooks(host);
  sharing.afterShare.tap(NAME, (image, share, context) =>
    recorder.record('shared', image, context, { outcome: 'completed', detail: share?.member ?? null }),
  );
  sharing.afterUnshare.tap(NAME, (image, share, context) =>
    recorder.record('unshared', image, context, { outcome: 'completed', detail: share?.member ?? null }),
  );
}
