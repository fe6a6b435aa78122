import { randomUUID } from 'node:crypto';
import type { Backend, ByteRange, PutResult } from '@visor/core/plugin';
import { readAll } from './bytes.js';
import { chunkedSource } from './sources/chunked-source.js';

/** A key like the ones the core passes: an image id (UUID v4). */
export function newKey(): string {
  return randomUUID();
}

/** Stores `data` under `key`, delivered in `chunkSize` chunks, announcing its size. */
export function putBytes(backend: Backend, key: string, data: Buffer, chunkSize?: number): Promise<PutResult> {
  return backend.put(key, chunkedSource(data, chunkSize), { size: data.length });
}

/** Reads an object (or a range of it) back into memory. */
export async function getBytes(backend: Backend, location: string, range?: ByteRange): Promise<Buffer> {
  return readAll(await backend.get(location, range === undefined ? {} : { range }));
}
