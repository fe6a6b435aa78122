import { close, fstat, open, read } from 'node:fs';
import { promisify } from 'node:util';
import {
  BackendError,
  InvalidRangeError,
  readerStream,
  type ByteRange,
  type GetOptions,
  type GetResult,
  type ObjectReader,
} from '@visor/plugin-api';
import { readFailure, storageFailure } from './errno.js';

const openFile = promisify(open);
const statFile = promisify(fstat);
const closeFile = promisify(close);

interface Subject {
  backend: string;
  key: string;
}

/**
 * Positional reads on a raw descriptor with the callback API: per read this
 * costs less than a FileHandle, which matters at a thousand reads a second.
 */
class FileReader implements ObjectReader {
  private closing: Promise<void> | undefined;
  /** Reads still in the thread pool: the descriptor is closed only after them, so its number is never reused under them. */
  private readonly reading = new Set<Promise<number>>();

  constructor(
    private readonly fd: number,
    readonly size: number,
    private readonly subject: Subject,
  ) {}

  read(buffer: Buffer, length: number, position: number): Promise<number> {
    if (this.closing) return Promise.reject(new BackendError(this.subject.backend, this.subject.key, 'read after close'));
    const reading = new Promise<number>((resolve, reject) => {
      read(this.fd, buffer, 0, length, position, (error, count) => {
        if (error) reject(storageFailure(error, this.subject.backend, this.subject.key));
        else resolve(count);
      });
    });
    this.reading.add(reading);
    const done = () => void this.reading.delete(reading);
    reading.then(done, done);
    return reading;
  }

  close(): Promise<void> {
    this.closing ??= Promise.allSettled(this.reading).then(() =>
      closeFile(this.fd).catch((error: unknown) => {
        throw storageFailure(error, this.subject.backend, this.subject.key);
      }),
    );
    return this.closing;
  }
}

/** Opens the file and takes its size from what was opened: a missing file rejects here, as ObjectNotFoundError. */
export async function openObjectReader(path: string, subject: Subject): Promise<ObjectReader> {
  const fd = await openFile(path, 'r').catch((error: unknown) => {
    throw readFailure(error, subject.backend, subject.key);
  });
  try {
    const stats = await statFile(fd);
    if (!stats.isFile()) throw new BackendError(subject.backend, subject.key, 'the stored object is not a regular file');
    return new FileReader(fd, stats.size, subject);
  } catch (error) {
    await closeFile(fd).catch(() => undefined);
    throw readFailure(error, subject.backend, subject.key);
  }
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
 * surfacing later as a stream error. The info is that of what was opened.
 */
export async function readObject(path: string, options: GetOptions, subject: Subject): Promise<GetResult> {
  const reader = await openObjectReader(path, subject);
  try {
    if (options.range) checkRange(options.range, reader.size, subject);
  } catch (error) {
    await reader.close().catch(() => undefined);
    throw error;
  }
  return { body: readerStream(reader, { range: options.range, signal: options.signal, ...subject }), info: { size: reader.size } };
}
