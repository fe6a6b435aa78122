import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { BackendError, InvalidRangeError, type ByteRange, type GetOptions } from '@visor/core/plugin';
import { readFailure } from './errno.js';
import { IO_CHUNK } from './io-sizes.js';

interface Subject {
  backend: string;
  key: string;
}

function checkRange(range: ByteRange, size: number, subject: Subject): void {
  const { start, end } = range;
  if (Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && start <= end && end < size) return;
  const extent = size === 0 ? 'the object is empty' : `the object has bytes 0-${size - 1}`;
  throw new InvalidRangeError(subject.backend, subject.key, `${start}-${end}: ${extent}`);
}

/**
 * Opens the file first and checks the range against the size of what was
 * opened, so a missing file or a bad range rejects here rather than
 * surfacing later as a stream error.
 */
export async function readObject(path: string, options: GetOptions, subject: Subject): Promise<Readable> {
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw readFailure(error, subject.backend, subject.key);
  });
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new BackendError(subject.backend, subject.key, 'the stored object is not a regular file');
    if (options.range) checkRange(options.range, stats.size, subject);
    return createReadStream(path, {
      fd: handle,
      highWaterMark: IO_CHUNK,
      ...(options.range ? { start: options.range.start, end: options.range.end } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw readFailure(error, subject.backend, subject.key);
  }
}
