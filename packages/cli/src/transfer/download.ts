import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Image, VisorClient } from '@visor/client';
import { CliError, EXIT } from '../errors/exit-codes.js';
import { BlockingFileSink } from './blocking-file-sink.js';
import { HashingCounter, type DigestAlgorithm, type Digests } from './digests.js';
import { imageFileName, partialFileName } from './file-names.js';
import { RateMeter, type ProgressSnapshot } from './progress.js';

/** Bytes buffered before the file is written: large, so chunks that arrive during a write go in one writev. */
const WRITE_BUFFER = 4 * 1024 * 1024;

export interface DownloadRequest {
  /** A file, or an existing directory to put `imageFileName(image)` in; the working directory when absent. */
  output?: string;
  /** Replace a file that exists. */
  force?: boolean;
  /** Check the digest against the image's record (default true): SHA-256, else MD5 when the record has no SHA-256. */
  verify?: boolean;
  /** Check MD5 as well (it costs CPU: MD5 hashes at about 400 MB/s on one core). */
  verifyMd5?: boolean;
  /** Called as bytes arrive (every chunk; throttle the drawing yourself). */
  onProgress?: (snapshot: ProgressSnapshot) => void;
  /** Called once the transfer is about to start, with what is known then. */
  onStart?: (info: { image: Image; path: string; resumeFrom: number }) => void;
  /** Aborting stops the transfer and keeps the partial file for a later resume. */
  signal?: AbortSignal;
  /**
   * Write each chunk synchronously as it arrives (BlockingFileSink): cheaper for a command that
   * moves one file, but it blocks the event loop, so an interactive UI leaves it off (default).
   */
  blockingWrites?: boolean;
}

export interface DownloadResult {
  path: string;
  image: Image;
  /** Bytes of the whole file. */
  bytes: number;
  /** Bytes that were already on disk from an interrupted download (0: a fresh one). */
  resumedFrom: number;
  /** The digests computed from the file on disk. */
  digests: Digests;
  /** The algorithms compared with the image's record (empty: not verified). */
  verified: DigestAlgorithm[];
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Downloads an image's file to disk: written under a temporary name (`partialFileName`) and
 * renamed once complete and verified, so the final name never holds half a file. A partial file
 * left by an interrupted download is resumed with `Range: bytes=<its size>-` (RFC 9110 §14.2).
 * Throws CliError: conflict (exit 4) when the file exists without `force`, integrity (exit 8)
 * when the digests differ from the record (the partial file is then removed).
 */
export async function downloadImage(client: VisorClient, id: string, request: DownloadRequest = {}): Promise<DownloadResult> {
  const image = await client.get(id);
  if (image.status !== 'available') {
    throw new CliError(`image '${image.id}' has no file to download (status ${image.status})`, EXIT.conflict);
  }
  const output = resolve(request.output ?? '.');
  const path = (await isDirectory(output)) ? join(output, imageFileName(image)) : output;
  if (!request.force && (await sizeOf(path)) !== undefined) {
    throw new CliError(`${path} exists: give --force to replace it`, EXIT.conflict);
  }
  const partial = partialFileName(path, image.checksum);
  const total = image.size ?? undefined;
  let resumeFrom = (await sizeOf(partial)) ?? 0;
  if (total !== undefined && resumeFrom > total) {
    await rm(partial, { force: true });
    resumeFrom = 0;
  }
  request.onStart?.({ image, path, resumeFrom });

  const algorithms: DigestAlgorithm[] = [];
  if (request.verify !== false) {
    if (image.sha256 !== null) algorithms.push('sha256');
    if (image.checksum !== null && (request.verifyMd5 || image.sha256 === null)) algorithms.push('md5');
  }
  const meter = new RateMeter(total, resumeFrom);
  const counter = new HashingCounter(algorithms, (n) => request.onProgress?.(meter.snapshot(resumeFrom + n)));
  if (resumeFrom > 0) {
    // The bytes already on disk count towards the digests.
    await pipeline(createReadStream(partial, { end: resumeFrom - 1 }), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) await counter.feed(chunk);
    });
  }
  if (total === undefined || resumeFrom < total) {
    const download = await client.download(image.id, resumeFrom > 0 ? { range: `bytes=${resumeFrom}-` } : {});
    if (resumeFrom > 0 && download.status !== 206) {
      download.stream.destroy();
      throw new CliError(`the server did not resume at byte ${resumeFrom} (answered ${download.status})`, EXIT.server);
    }
    const flags = resumeFrom > 0 ? 'r+' : 'w';
    const sink = request.blockingWrites
      ? new BlockingFileSink(partial, { flags, start: resumeFrom })
      : createWriteStream(partial, { flags, start: resumeFrom, highWaterMark: WRITE_BUFFER });
    await pipeline(download.stream, counter, sink, { ...(request.signal ? { signal: request.signal } : {}) });
  } else {
    counter.end();
  }
  const bytes = resumeFrom + counter.bytes;
  const digests = await counter.digests();
  if (request.verify !== false) {
    const problems: string[] = [];
    if (total !== undefined && bytes !== total) problems.push(`size ${bytes} instead of ${total}`);
    if (digests.md5 !== undefined && digests.md5 !== image.checksum) problems.push(`MD5 ${digests.md5} instead of ${image.checksum}`);
    if (digests.sha256 !== undefined && digests.sha256 !== image.sha256) problems.push(`SHA-256 ${digests.sha256} instead of ${image.sha256}`);
    if (problems.length > 0) {
      await rm(partial, { force: true });
      throw new CliError(`the downloaded file does not match image '${image.id}': ${problems.join('; ')}; the partial file was removed`, EXIT.integrity);
    }
  }
  await rename(partial, path);
  return { path, image, bytes, resumedFrom: resumeFrom, digests, verified: algorithms };
}
