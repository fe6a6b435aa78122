import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { RegisterFields, VisorClient } from '@visor/client';
import type { CommandContext } from '../context.js';
import { formatBytes } from '../output/human.js';
import { ProgressBar } from '../transfer/progress.js';
import { uploadFile, type UploadRequest, type UploadResult } from '../transfer/upload.js';

/** Uploads with a progress bar on standard error (on a terminal, without --quiet) and a note on how the digests were checked. */
export async function uploadWithProgress(
  context: CommandContext,
  client: VisorClient,
  target: { register: RegisterFields } | { id: string },
  request: UploadRequest,
): Promise<UploadResult> {
  const size = await stat(request.path).then((s) => s.size, () => undefined);
  const bar = new ProgressBar(basename(request.path), size, { quiet: context.options.quiet });
  let bytes = 0;
  try {
    const result = await uploadFile(client, target, {
      ...request,
      onProgress: (s) => {
        bytes = s.done;
        bar.update(s.done);
      },
    });
    bar.finish(result.bytes);
    context.note(
      result.verification === 'declared'
        ? `uploaded ${formatBytes(result.bytes)}; ${result.digests.md5 === undefined ? 'SHA-256' : 'MD5 and SHA-256'} declared and checked by the server`
        : `uploaded ${formatBytes(result.bytes)}; SHA-256 computed while sending${result.digests.md5 === undefined ? '' : ' (MD5 declared)'}, checked by the server before storing`,
    );
    return result;
  } catch (error) {
    bar.clear();
    if (bytes > 0) context.note(`upload failed after ${formatBytes(bytes)}`);
    throw error;
  }
}
